"""The dashboard's tables: the first 20 units and documents with the rest summed, "see all" pages a page at a time
with working links, and names that stay text."""
from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.dashboard import tables
from oversight.dashboard.board import TOP
from oversight.dashboard.links import COUNTED
from tasks.standing import Standing
from tests.factories import DirectiveFactory, ResolutionFactory, TaskFactory, UnitFactory, leader, office_user
from tests.tasks.dashboard_support import (
    custom_query,
    figures,
    list_count,
    make_units,
    own_cache,  # noqa: F401 - a fixture
    page_links,
    portfolio,  # noqa: F401 - a fixture
    window,
)

# Every test its own cache (dashboard_support.own_cache).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]


def test_the_unit_table_shows_the_20_most_overdue_units_and_sums_the_rest(client):
    today = timezone.localdate()
    units = make_units(26, today)
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(window(today)))
    board = response.context["board"]
    shown = [row["unit"].pk for row in board.units]
    assert len(shown) == TOP == 20
    # Most overdue first: units 8-25 (2 to 6 overdue), then two of units 4-7 (1 overdue each): unit 5, which has
    # more work (a task done), then unit 4 (first in the usual order). Units 0-3 (none overdue), 6 and 7 are left.
    overdue = [row["counts"][Standing.OVERDUE] for row in board.units]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] == 6
    assert shown[-2:] == [units[5].pk, units[4].pk]
    assert set(shown) == {u.pk for u in units[8:]} | {units[4].pk, units[5].pk}
    # The chart draws the same 20 bars; the table adds the rest, summed, and the total of the period.
    assert len(response.context["drawing"].charts["standingByUnit"]["labels"]) == 20
    assert board.rest_units == {"counts": {**dict.fromkeys(COUNTED, 0), Standing.OVERDUE: 2,
                                           Standing.ON_TRACK: 6, Standing.DONE_ON_TIME: 1},
                                "total": 9, "units": 6}
    html = response.content.decode()
    assert "Các đơn vị còn lại (6 đơn vị)" in html and "Đang hiện 20 trên 26 đơn vị." in html
    assert sum(row["total"] for row in board.units) + board.rest_units["total"] == figures(response)["total"]
    units_section = next(section for section in response.context["drawing"].sections if section.key == "standingByUnit")
    total_row = units_section.rows[-1]
    assert total_row.header == "Tổng" and total_row.cells[-1].value == figures(response)["total"]
    # Every number of the table still opens the list with the same count (the summed rows link nowhere).
    for href, count in page_links(html):
        assert list_count(client, href) == count, href


def test_see_all_lists_every_unit_a_page_at_a_time_with_working_links(client, monkeypatch):
    today = timezone.localdate()
    units = make_units(26, today)
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(window(today)))
    section = next(s for s in response.context["drawing"].sections if s.key == "standingByUnit")
    assert parse_qs(urlsplit(section.more_url).query)["all"] == ["units"]
    assert f'href="{section.more_url.replace("&", "&amp;")}"' in response.content.decode()

    monkeypatch.setattr(tables, "ALL_PAGE_SIZE", 10)
    everything = []
    for number in (1, 2, 3):
        page = client.get(f"{section.more_url}&page={number}")
        assert page.status_code == 200
        assert page.context["page_obj"].paginator.count == 26
        rows = [row for row in page.context["section"].rows if not row.summary]
        everything += [row.header for row in rows]
        # The units outside the scope and the total come once, at the end of the last page.
        assert any(row.summary for row in page.context["section"].rows) == (number == 3)
        for href, count in page_links(page.content.decode()):
            assert list_count(client, href) == count, href
    assert sorted(everything) == sorted(u.name for u in units)
    assert everything[:20] == [row["unit"].name for row in response.context["board"].units]


def test_see_all_the_ranking_orders_every_unit_with_work_due_by_on_time_rate(client):
    today = timezone.localdate()
    make_units(26, today)
    client.force_login(office_user())
    query = custom_query(window(today))
    response = client.get(reverse("oversight:dashboard"), query)
    assert response.context["board"].ranked_count == 26 - 3  # units 1-3 have nothing due (no overdue, no done)
    section = next(s for s in response.context["drawing"].sections if s.key == "onTimeByUnit")
    page = client.get(section.more_url)
    rows = page.context["section"].rows
    assert len(rows) == 23 and rows[0].header.startswith("1. ") and rows[-1].header.startswith("23. ")
    rates = [float(row.cells[2].value.rstrip("%").replace(",", ".")) for row in rows]
    assert rates == sorted(rates, reverse=True) and rates[0] == 100.0


def test_the_document_table_shows_the_latest_20_and_see_all_every_one_newest_first(client, monkeypatch):
    today = timezone.localdate()
    unit = UnitFactory()
    documents = []
    for i in range(23):
        document = ResolutionFactory(issued_on=today - datetime.timedelta(days=3 * i))
        TaskFactory(lead=unit, directive=DirectiveFactory(resolution=document),
                    deadline=today + datetime.timedelta(days=10))
        documents.append(document)
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), custom_query(window(today)))
    board = response.context["board"]
    assert [d["document"].pk for d in board.documents] == [d.pk for d in documents[:20]]
    assert board.more_documents
    section = next(s for s in response.context["drawing"].sections if s.key == "documentProgress")
    assert section.more_url and "Đang hiện 20 văn bản mới nhất." in response.content.decode()

    monkeypatch.setattr(tables, "ALL_PAGE_SIZE", 15)
    first = client.get(section.more_url)
    second = client.get(f"{section.more_url}&page=2")
    assert first.context["page_obj"].paginator.count == 23
    headers = [row.header for row in first.context["section"].rows + second.context["section"].rows]
    assert headers == [str(d) for d in documents]
    for href, count in page_links(second.content.decode()):
        assert list_count(client, href) == count, href


def test_a_leaders_see_all_page_shows_only_the_units_of_their_subtree(client, portfolio):
    client.force_login(leader(portfolio.parent))
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period, all="units"))
    assert response.status_code == 200
    mine = {portfolio.parent.pk, *(c.pk for c in portfolio.children)}
    units = {unit.pk for unit in portfolio.units if unit.name in response.content.decode()}
    assert units and units <= mine
    response = client.get(reverse("oversight:dashboard"), custom_query(portfolio.period, all="documents"))
    for href, count in page_links(response.content.decode()):
        assert list_count(client, href) == count, href


def test_an_unknown_see_all_or_page_shows_the_board_or_the_last_page(client, portfolio):
    client.force_login(office_user())
    response = client.get(reverse("oversight:dashboard"), {"all": "everything"})
    assert response.status_code == 200 and "drawing" in response.context
    response = client.get(reverse("oversight:dashboard"), {"all": "documents", "page": "999"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["page_obj"].paginator.num_pages


def test_names_in_the_tables_and_the_chart_data_are_escaped(client):
    """A unit's or a document's name is text, never markup: in the tables (the template's autoescaping) and in the
    charts' JSON (json_script escapes <, > and &, so nothing in it can close its <script> element)."""
    today = timezone.localdate()
    unit = UnitFactory(name='<b>Ban "Dân vận"</b> & <script>alert(1)</script>')
    document = ResolutionFactory(title="<img src=x onerror=alert(1)>", issued_on=today)
    TaskFactory(lead=unit, directive=DirectiveFactory(resolution=document), deadline=today + datetime.timedelta(days=9))
    client.force_login(office_user())
    html = client.get(reverse("oversight:dashboard"), custom_query(window(today))).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;b&gt;Ban &quot;Dân vận&quot;&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # The chart's bar title: the same name, inside the JSON, its <, > and & written as \u escapes.
    assert r'\u003Cb\u003EBan \"D\u00e2n v\u1eadn\"\u003C/b\u003E \u0026 \u003Cscript\u003E' in html
