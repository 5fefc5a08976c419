"""Project-wide test setup: settings for tests, data built once per module (shared_db), the database as migrate left
it after a transactional test, what runs together under pytest-xdist, real Celery workers, the live server and the
browser."""
import os

# Tests run with DEBUG on (demo accounts are allowed) unless a test says otherwise; everything else comes from
# the environment as in production: DATABASE_URL and REDIS_URL set means PostgreSQL and Redis.
os.environ.setdefault("DEBUG", "1")
# A developer's .env (make run writes one) is not read by the tests or the processes they start: each test says what
# its environment is (tests/test_settings.py checks the file is read when it is named).
os.environ["PORTAL_ENV_FILE"] = ""

import contextlib  # noqa: E402

import pytest  # noqa: E402

TEST_SETTINGS = {
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    # Argon2 on every test login would dominate the suite's time; hashing strength is tested on its own.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture
def media_root(request, tmp_path):
    """MEDIA_ROOT of a test: its own folder, or the module's when the test reads data built once (shared_db)."""
    if "shared_db" in request.fixturenames:
        return request.getfixturevalue("shared_db").media_root
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _test_settings(settings, media_root):
    settings.MEDIA_ROOT = media_root
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    _own_cache(settings)


def _own_cache(settings):
    """Each test starts with an empty cache (the dashboard's board is cached a minute per scope and day: one test's
    board must never be another's). Redis is shared with the other xdist process, whose database differs, and
    with the broker: never flushed, each test gets keys of its own instead. A process's memory cache is cleared."""
    import uuid

    from django.core.cache import cache

    from core.cache import breaker

    breaker.reset()  # a cache one test broke is asked again in the next
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache"):
        settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    else:
        cache.clear()


# --- Data built once for all the tests of a module --------------------------------------------------------------


class SharedDb:
    """A transaction held open while a module's tests run. What a module-scoped fixture writes inside
    `with shared_db:` is there for each of the module's tests: each test's own transaction (pytest-django's `db`)
    nests in it as a savepoint and is rolled back to it, so every test starts from the same data, and all of it is
    rolled back when the module is done. Django's setUpTestData, for pytest functions. Once built, the data is
    there for every later test of the module, whether it asks for it or not: a module shares it only when all its
    tests can live with it."""

    def __init__(self, blocker, media_root):
        self.blocker = blocker
        self.media_root = media_root
        self._outer = self._building = None

    @contextlib.contextmanager
    def _open(self):
        from django.test import override_settings

        with self.blocker.unblock(), override_settings(MEDIA_ROOT=self.media_root, **TEST_SETTINGS):
            yield

    def __enter__(self):
        self._building = self._open()
        self._building.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self._building.__exit__(*exc_info)

    def begin(self):
        from django.db import transaction

        with self._open():
            self._outer = transaction.atomic()
            self._outer.__enter__()

    def roll_back(self):
        from django.db import transaction

        with self._open():
            transaction.set_rollback(True)
            self._outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def shared_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """Data built once per module: `with shared_db: ...` in a module-scoped fixture (see SharedDb). The module's
    tests must not be transactional (their flush would empty the shared data for the tests after them)."""
    shared = SharedDb(django_db_blocker, tmp_path_factory.mktemp("shared-media"))
    shared.begin()
    yield shared
    shared.roll_back()


# --- The database as migrate left it, whatever ran before ------------------------------------------------------


class MigratedRows:
    """The rows migrate wrote (data migrations: the reminder schedule, the reminder policy, ...), kept when the test
    database is made. A transactional test ends with a flush, after which post_migrate makes content types,
    permissions and role groups again but nothing brings back what data migrations wrote; pytest-django runs
    transactional tests last for that reason. Under xdist a process may run any test after them, so after each
    transactional test the tables the flush left empty get their rows back."""

    def __init__(self):
        from django.apps import apps
        from django.core import serializers

        self.rows = {}
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy and model._default_manager.exists():
                self.rows[model] = serializers.serialize("json", model._default_manager.order_by("pk"))

    def restore(self):
        from django.core import serializers
        from django.db import connection, transaction

        emptied = [model for model in self.rows if not model._default_manager.exists()]
        if not emptied:
            return
        with transaction.atomic(), connection.constraint_checks_disabled():
            for model in emptied:
                for row in serializers.deserialize("json", self.rows[model]):
                    row.save()
        connection.check_constraints(table_names=[model._meta.db_table for model in emptied])


_migrated_rows = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    global _migrated_rows
    with django_db_blocker.unblock():
        _migrated_rows = (MigratedRows(), django_db_blocker)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield  # the test's fixtures are torn down: a transactional test's flush is done
    # After the last test the test database is gone too (nextitem None): nothing to put back.
    if _migrated_rows is not None and nextitem is not None and _is_transactional(item):
        rows, blocker = _migrated_rows
        with blocker.unblock():
            rows.restore()
    return result


# --- Two processes (pytest-xdist; `make test` runs -n 2 --dist loadgroup --no-loadscope-reorder) -----------------
# Each process has its own test database (pytest-django's _gw<n> suffix), its own PORTAL_VAR_DIR (portal_var_dir),
# its own Celery queues (harness.target_for) and its own cache keys (_own_cache).

WORKERS_GROUP, BROWSER_GROUP = "celery-workers", "browser"


def _group_of(item) -> str:
    if item.get_closest_marker("worker"):
        return WORKERS_GROUP
    if item.get_closest_marker("browser"):
        return BROWSER_GROUP
    return item.nodeid.split("::")[0]  # the module


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """What runs together in one process, one test after another, under pytest-xdist's loadgroup:
    - the tests that start real Celery workers (marked `worker`): two sets of workers, each with an SMTP server
      and maybe a Redis of its own, never compete with each other for the machine whose timing they measure;
    - the browser tests: one Chromium and one live server at a time;
    - every other module on its own, so that data built once per module (shared_db) is built once.
    Those two long groups go first, so that neither process is left alone with one of them at the end."""
    if not config.pluginmanager.hasplugin("xdist"):
        return (yield)
    groups = {id(item): _group_of(item) for item in items}
    for item in items:
        item.add_marker(pytest.mark.xdist_group(groups[id(item)]))
    result = yield  # pytest-django orders the tests, xdist names them after their groups
    if getattr(config.option, "loadgroup", False):  # set in each xdist process when the run is --dist loadgroup
        first = {WORKERS_GROUP: 0, BROWSER_GROUP: 1}
        items.sort(key=lambda item: first.get(groups[id(item)], 2))
    return result


# --- Real Celery workers (tests marked `worker`; the machinery is tests/reliability/harness.py) ---------------


@pytest.fixture(scope="session")
def portal_var_dir(tmp_path_factory):
    """PORTAL_VAR_DIR of the workers the tests start: their broker folder and, on SQLite, the test database
    (in memory-backed /dev/shm where there is one: the whole suite then runs on that file)."""
    import shutil
    import tempfile
    from pathlib import Path

    if Path("/dev/shm").is_dir():
        path = Path(tempfile.mkdtemp(prefix="portal-var-", dir="/dev/shm"))
        yield path
        shutil.rmtree(path, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("portal-var")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """With worker tests in the run on SQLite, the test database is a file that a worker process can open
    (its PORTAL_VAR_DIR points at the same folder); otherwise the usual in-memory database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    wants_workers = any(item.get_closest_marker("worker") for item in request.session.items)
    if wants_workers and database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(request.getfixturevalue("portal_var_dir") / "portal.sqlite3")
        # A test database need not survive a power cut.
        options = database.setdefault("OPTIONS", {})
        options["init_command"] = options.get("init_command", "") + "PRAGMA synchronous=OFF;"
    elif (xdist_process := os.environ.get("PYTEST_XDIST_WORKER")) and not database["ENGINE"].endswith("sqlite3"):
        # Two test processes on one database would see each other's rows and flushes (SQLite's test database is
        # in memory, or a file in this process's own portal_var_dir).
        assert database.get("TEST", {}).get("NAME", "").endswith(f"_{xdist_process}"), database.get("TEST")


@pytest.fixture
def portal_worker(transactional_db, portal_var_dir):
    """Start a real Celery worker on the configured broker (Redis when REDIS_URL is set, else the filesystem)
    against the test database: `worker = portal_worker(email_url=...)`. Stopped when the test ends."""
    from tests.reliability import harness

    started = []

    def start(*, email_url="smtp://127.0.0.1:9", redis_url=None, deferred=False, **env):
        target = harness.target_for(portal_var_dir, redis_url)
        harness.retarget(target)
        worker = harness.Worker(target, email_url=email_url, extra_env=env)
        started.append(worker)
        # deferred: this process publishes to the worker's queue at once, the worker starts when the test says
        # (.start()): what was asked in between waits in the queue, as when every worker is busy.
        return worker if deferred else worker.start()

    yield start
    for worker in started:
        worker.stop()
    harness.retarget(None)


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1 (a free port) that records what it accepts."""
    from tests.reliability.harness import SmtpSink

    sink = SmtpSink().start()
    yield sink
    sink.stop()


# --- Live server ---------------------------------------------------------------------------------------------
from django.conf import settings as django_settings  # noqa: E402
from django.core.servers.basehttp import WSGIServer  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402


class SerialLiveServer(WSGIServer):
    """The live server, answering one request at a time (each with Connection: close).

    On SQLite the test database lives in memory and every thread of the live server shares the test's one
    connection. Chromium sends requests in parallel (an htmx request still running when a link is followed), and
    two threads in that connection deadlock: one holds SQLite's lock and waits for the GIL inside one of Django's
    Python SQL functions, the other holds the GIL and waits for the lock. Serving one request at a time avoids it.
    PostgreSQL gives each thread its own connection and keeps Django's threaded server. (Set when the test tree
    loads, before any live server starts.)"""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = SerialLiveServer


# --- Browser -------------------------------------------------------------------------------------------------
# Debian's Chromium, driven by Playwright (which cannot download a browser here). One browser per module:
# Playwright's sync API keeps an event loop running in this thread while it lives (a second sync_playwright()
# beside it fails), and while a loop runs Django keeps this thread's database connections apart, as an async
# context's (asgiref's Local). A browser kept for the whole run put every test after the first browser test in
# that context, and the connection made before it was never closed: pytest-django could not drop the PostgreSQL
# test database at the end ("being accessed by other users").
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        missing = "Debian's Chromium is not installed (apt-get install chromium)"
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            # .ci/run installs it: on a machine CI prepared, a missing browser is a failure, not a shrinking suite.
            pytest.fail(f"{missing}, and PORTAL_REQUIRE_BROWSER=1 says this machine must have it", pytrace=False)
        pytest.skip(missing)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from django.db import connections

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()  # those opened while the loop ran: out of reach once it stops
