"""Every page asks the database a fixed number of questions, however many tasks there are (issue 7).

Each page is requested at two sizes of the generated dataset (tasks/loadgen.py), 30 and 300 tasks: the count must
be the same at both (nothing is asked per row), and at most 12. Pages still being built are skipped until their
URL resolves. Pages known to be over the budget are marked xfail with the count measured and the reason
(docs/benchmarks.md); not strict, so that another part of the portal getting a page under budget does not break
the suite (an XPASS in the report says the mark can go).
"""
import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from tasks import bench, loadgen

SMALL, LARGE = 30, 300
MAX_QUERIES = 12
PAGES = ["home", "list", "office_list", "detail", "document", "dashboard", "export", "ics", "admin"]
# Measured on SQLite at 30 and 300 tasks; each includes ~5 queries every signed-in page pays (session read and
# write with SESSION_SAVE_EVERY_REQUEST, user, groups, memberships, the unit subtree, the bell).
OVER_BUDGET = {
    "home": "21 queries: counts, reports, reviews and extensions each asked separately",
    "list": "13 queries: ~9 are the overhead every signed-in page pays, leaving 4 for the list itself",
    "detail": "20-23 queries (by the task's state): reviews and extensions asked twice, each related table once",
    "admin": "15 queries: Django's changelist (filters, date hierarchy), a reference, not a portal page",
}

pytestmark = pytest.mark.django_db


def _page(key):
    """(user, url) of the page at the dataset's current size, as the bench requests it."""
    ctx = bench.build_context()
    for spec_key, _label, _who, user, url in bench.page_specs(ctx):
        if spec_key == key:
            try:
                url = url() if callable(url) else url
            except bench.Unavailable as error:
                pytest.skip(f"{key}: not built yet ({error})")
            if not bench._path_exists(url) or (key == "admin" and not bench._admin_registered()):
                pytest.skip(f"{key}: {url} does not exist yet")
            return user, url
    raise AssertionError(key)


def _count(client, key, page=None):
    user, url = page or _page(key)
    client.force_login(user)
    first = client.get(url)  # the first request of a session may set things up (session, tokens)
    assert first.status_code == 200, f"{url} answered {first.status_code}"
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return [query["sql"][:200] for query in captured.captured_queries]


@pytest.mark.parametrize("key", PAGES)
def test_a_page_asks_the_same_number_of_queries_at_30_and_at_300_tasks(key, client):
    loadgen.generate(SMALL)
    page = _page(key)
    small = _count(client, key, page)
    loadgen.generate(LARGE)  # adds to the same set: the same page (the same task, document...) amid ten times more
    large = _count(client, key, page)
    assert len(large) == len(small), (
        f"{key}: {len(small)} queries at {SMALL} tasks but {len(large)} at {LARGE}: something is asked per row\n"
        + "\n".join(large)
    )


@pytest.mark.parametrize("key", [
    pytest.param(key, marks=pytest.mark.xfail(strict=False, reason=OVER_BUDGET[key])) if key in OVER_BUDGET else key
    for key in PAGES
])
def test_a_page_asks_at_most_12_queries(key, client):
    loadgen.generate(LARGE)
    queries = _count(client, key)
    assert len(queries) <= MAX_QUERIES, f"{key}: {len(queries)} queries\n" + "\n".join(queries)
