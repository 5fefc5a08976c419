"""The tables under the charts, and the whole tables of the "see all" pages, as plain rows: a header, a number per
column, each number a link to exactly its tasks. templates/oversight/partials/dashboard_table.html renders them;
on the dashboard they are cached with the board they were drawn from (oversight.dashboard.cache)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from tasks.filters import in_period
from tasks.standing import Standing

from .board import (
    TOP,
    Dashboard,
    base_tasks,
    document_entries,
    latest_documents,
    point_names,
    sort_units,
    unit_summary,
    with_unit_links,
)
from .forms import Selection
from .links import STACK, list_prefix, see_all_url

ALL_PAGE_SIZE = 50


@dataclass
class Cell:
    """A number of a table (or a text such as "3/4" or "87,5%"), with the list it opens."""

    value: object
    url: str = ""
    strong: bool = False


@dataclass
class Row:
    """A unit, a document or a week: its name (a link to the document, with its title under it), then its cells."""

    header: str
    cells: list[Cell]
    href: str = ""
    note: str = ""
    summary: bool = False  # a sum of other rows (the rest, the total), set apart


@dataclass
class Section:
    """One chart's table: under the chart on the dashboard, or whole on the "see all" page."""

    key: str  # the chart's key in chart_data()
    kind: str  # how static/js/dashboard.js draws it: stacked, rate or line
    title: str
    aria: str
    caption: str
    headers: list[str]
    rows: list[Row]
    empty: str  # why there is nothing to show, said in place of the chart and its table when there are no rows
    bars: int  # rows of the chart (the table may have more, unlinked or summing); 0: no chart
    note: str = ""  # why the chart is not drawn although the table has rows (every bar would be zero)
    width: str = "col-xl-7"
    shown: str = ""  # "20 of 1,000 units": said when the table holds only the first rows
    more_url: str = ""  # the whole table ("Xem tất cả")


def _count_cells(counts: dict, links: dict | None, total_url: str = "") -> list[Cell]:
    # A zero links nowhere: there is no list worth opening.
    cells = [Cell(counts[s], links[s] if links and counts[s] else "") for s in STACK]
    return cells + [Cell(sum(counts.values()), total_url, strong=True)]


def unit_rows(units: list[dict]) -> list[Row]:
    return [Row(u["unit"].name, _count_cells(u["counts"], u["links"], u["total_url"])) for u in units]


def ranking_rows(units: list[dict], start: int = 1) -> list[Row]:
    return [
        Row(f"{rank}. {u['unit'].name}", [
            Cell(u["counts"][Standing.DONE_ON_TIME], u["links"][Standing.DONE_ON_TIME]),
            Cell(u["due"], u["due_url"]),
            Cell(f"{u['rate']:g}%".replace(".", ","), strong=True),
        ])
        for rank, u in enumerate(units, start=start)
    ]


def document_rows(documents: list[dict]) -> list[Row]:
    return [
        Row(d["label"], [Cell(f"{d['directives_done']}/{d['directives']}"),
                         *_count_cells(d["counts"], d["links"], d["total_url"])],
            # The title under the name only when the name is not already the title (a document without a number).
            href=d["url"], note="" if d["document"].title in d["label"] else d["document"].title)
        for d in documents
    ]


def unit_summary_rows(board: Dashboard) -> list[Row]:
    """Under the units' rows: the rest summed, the units outside the scope, and the total of the period."""
    rows = []
    if board.rest_units:
        rows.append(Row(str(_("Các đơn vị còn lại (%(n)s đơn vị)") % {"n": board.rest_units["units"]}),
                        _count_cells(board.rest_units["counts"], None), summary=True))
    tail = _tail_rows(board)
    # A total under a single unit's row would only repeat it.
    return rows + tail if rows or len(board.units) > 1 or len(tail) > 1 else []


def unit_headers() -> list[str]:
    return [str(_("Đơn vị chủ trì")), *[str(Standing(s).label) for s in STACK], str(_("Tổng"))]


def ranking_headers() -> list[str]:
    return [str(_("Đơn vị chủ trì")), str(_("Đúng hạn")), str(_("Đã đến hạn")), str(_("Tỷ lệ"))]


def document_headers() -> list[str]:
    return [str(_("Văn bản")), str(_("Nội dung chỉ đạo hoàn thành")), *[str(Standing(s).label) for s in STACK],
            str(_("Tổng"))]


def _shown_units(count: int, total: int) -> str:
    return str(_("%(shown)s trên %(total)s đơn vị") % {"shown": count, "total": total})


def _nothing_in_period(board: Dashboard) -> str:
    return str(_("Không có nhiệm vụ nào trong %(period)s: không nhiệm vụ nào có hạn xử lý trong kỳ, cũng không "
                 "có nhiệm vụ thường xuyên nào được giao trong kỳ.") % {"period": board.selection.period.label})


def _ranking_empty(board: Dashboard) -> str:
    if not board.total:
        return _nothing_in_period(board)
    return str(_("Chưa có nhiệm vụ nào đến hạn trong %(period)s (các nhiệm vụ đều còn trong hạn hoặc là nhiệm vụ "
                 "thường xuyên), nên chưa tính được tỷ lệ hoàn thành đúng hạn.") % {
        "period": board.selection.period.label})


def _trend_texts(board: Dashboard) -> dict:
    step = board.trend_step
    if step == "month":
        return {"title": _("Số nhiệm vụ quá hạn cuối mỗi tháng trong kỳ"), "column": _("Tháng"),
                "value": _("Quá hạn cuối tháng"),
                "none": _("Không có nhiệm vụ nào quá hạn vào cuối tháng nào trong kỳ này.")}
    if step == "quarter":
        return {"title": _("Số nhiệm vụ quá hạn cuối mỗi quý trong kỳ"), "column": _("Quý"),
                "value": _("Quá hạn cuối quý"),
                "none": _("Không có nhiệm vụ nào quá hạn vào cuối quý nào trong kỳ này.")}
    return {"title": _("Số nhiệm vụ quá hạn cuối mỗi tuần trong kỳ"), "column": _("Tuần"),
            "value": _("Quá hạn cuối tuần"),
            "none": _("Không có nhiệm vụ nào quá hạn vào cuối tuần nào trong kỳ này.")}


def trend_rows(board: Dashboard) -> list[Row]:
    return [Row(point_names(w, board.trend_step)[1], [Cell(w["count"], w.get("url", ""))]) for w in board.weeks]


def sections(board: Dashboard) -> list[Section]:
    selection = board.selection
    unit_count, ranked = board.unit_count, board.ranked_count
    trend = _trend_texts(board)
    any_overdue = any(w["count"] for w in board.weeks)
    any_on_time = any(u["counts"][Standing.DONE_ON_TIME] for u in board.ranking)
    if not board.weeks:
        trend_empty = str(_("Kỳ này chưa bắt đầu: chưa có ngày nào để tính số nhiệm vụ quá hạn."))
    else:
        trend_empty = str(trend["none"])
    return [
        Section(
            "standingByUnit", "stacked", str(_("Tình hình thực hiện theo đơn vị chủ trì")),
            str(_("Biểu đồ cột chồng: tình trạng nhiệm vụ của các đơn vị chủ trì có nhiều nhiệm vụ quá hạn nhất. "
                  "Số liệu trong bảng dưới đây.")),
            str(_("Số nhiệm vụ trong kỳ theo đơn vị chủ trì và tình trạng, đơn vị có nhiều nhiệm vụ quá hạn nhất "
                  "lên đầu; mỗi số mở danh sách đúng các nhiệm vụ đó.")),
            unit_headers(), unit_rows(board.units) + unit_summary_rows(board),
            _nothing_in_period(board), bars=len(board.units),
            shown=_shown_units(len(board.units), unit_count) if unit_count > TOP else "",
            more_url=see_all_url(selection, "units") if unit_count > TOP else "",
        ),
        Section(
            "onTimeByUnit", "rate", str(_("Tỷ lệ hoàn thành đúng hạn theo đơn vị")),
            str(_("Biểu đồ cột: tỷ lệ hoàn thành đúng hạn của từng đơn vị, xếp từ cao xuống thấp. Số liệu trong "
                  "bảng dưới đây.")),
            str(_("Hoàn thành đúng hạn trên số nhiệm vụ đã đến hạn (hoàn thành đúng hạn, hoàn thành quá hạn, quá "
                  "hạn), xếp từ cao xuống thấp.")),
            ranking_headers(), ranking_rows(board.ranking),
            _ranking_empty(board), bars=len(board.ranking) if any_on_time else 0, width="col-xl-5",
            note="" if any_on_time else str(_(
                "Chưa có nhiệm vụ nào hoàn thành đúng hạn trong kỳ này: tỷ lệ của mọi đơn vị là 0%.")),
            shown=_shown_units(len(board.ranking), ranked) if ranked > TOP else "",
            more_url=see_all_url(selection, "units", sort="rate") if ranked > TOP else "",
        ),
        Section(
            "overdueByWeek", "line", str(trend["title"]),
            str(_("Biểu đồ đường: số nhiệm vụ đang quá hạn tại mỗi mốc trong kỳ. Số liệu trong bảng dưới đây.")),
            str(_("Số nhiệm vụ đã quá hạn xử lý mà chưa hoàn thành tại cuối mỗi mốc (mốc cuối: đến hôm nay), "
                  "tính từ hạn xử lý và ngày hoàn thành; gồm cả nhiệm vụ có hạn ngoài kỳ.")),
            [str(trend["column"]), str(trend["value"])], trend_rows(board) if any_overdue else [], trend_empty,
            bars=len(board.weeks), width="col-xl-5",
        ),
        Section(
            "documentProgress", "stacked", str(_("Tiến độ thực hiện theo văn bản")),
            str(_("Biểu đồ cột chồng: tình trạng các nhiệm vụ của các văn bản mới nhất. Số liệu trong bảng dưới "
                  "đây.")),
            str(_("Nhiệm vụ trong kỳ của từng văn bản theo tình trạng, văn bản mới nhất lên đầu; nội dung chỉ đạo "
                  "hoàn thành là nội dung có mọi nhiệm vụ đã hoàn thành.")),
            document_headers(), document_rows(board.documents),
            str(_("Không có nhiệm vụ nào gắn với văn bản trong kỳ này: các nhiệm vụ trong kỳ được giao không "
                  "theo văn bản.")) if board.total else _nothing_in_period(board),
            bars=len(board.documents),
            shown=str(_("%(n)s văn bản mới nhất") % {"n": len(board.documents)}) if board.more_documents else "",
            more_url=see_all_url(selection, "documents") if board.more_documents else "",
        ),
    ]


# --- the whole tables ("Xem tất cả"): ?all=units, ?all=units&sort=rate, ?all=documents --------------------


def all_units_table(board: Dashboard, sort: str, page_number) -> tuple[Section, object]:
    """Every unit of the board, a page at a time, with the links of the page's rows only."""
    summaries = [unit_summary(row) for row in board.unit_table]
    if sort == "rate":
        summaries = sort_units(summaries, "rate")
    page = Paginator(summaries, ALL_PAGE_SIZE).get_page(page_number)
    prefix = list_prefix(board.selection.list_data())
    entries = [with_unit_links(u, prefix) for u in page.object_list]
    if sort == "rate":
        section = Section(
            "onTimeByUnit", "rate", str(_("Tỷ lệ hoàn thành đúng hạn theo đơn vị")), "",
            str(_("Tất cả các đơn vị có nhiệm vụ đã đến hạn trong kỳ, xếp theo tỷ lệ hoàn thành đúng hạn từ cao "
                  "xuống thấp.")),
            ranking_headers(), ranking_rows(entries, start=page.start_index()),
            str(_("Chưa có nhiệm vụ nào đến hạn trong kỳ.")), bars=0, width="",
            shown=str(_("%(n)s đơn vị có nhiệm vụ đã đến hạn") % {"n": page.paginator.count}),
        )
    else:
        rows = unit_rows(entries)
        if not page.has_next():
            # The units outside the scope and the total, once, at the end of the last page.
            rows += _tail_rows(board)
        section = Section(
            "standingByUnit", "stacked", str(_("Tình hình thực hiện theo đơn vị chủ trì")), "",
            str(_("Tất cả các đơn vị chủ trì có nhiệm vụ trong kỳ, đơn vị có nhiều nhiệm vụ quá hạn nhất lên "
                  "đầu.")),
            unit_headers(), rows, str(_("Không có nhiệm vụ nào trong kỳ.")), bars=0, width="",
            shown=str(_("%(n)s đơn vị chủ trì") % {"n": page.paginator.count}),
        )
    return section, page


def _tail_rows(board: Dashboard) -> list[Row]:
    rows = []
    if board.other_units:
        rows.append(Row(str(_("Đơn vị khác chủ trì (ngoài phạm vi theo dõi hoặc đã ngừng hoạt động)")),
                        _count_cells(board.other_units["counts"], None), summary=True))
    if board.totals and board.total:
        rows.append(Row(str(_("Tổng")), _count_cells(board.totals["counts"], board.totals["links"],
                                                     board.totals["total_url"]), summary=True))
    return rows


def all_documents_table(user, selection: Selection, page_number,
                        today: datetime.date | None = None) -> tuple[Section, object]:
    """Every document with tasks in the period, newest first, a page at a time (a count and one aggregate)."""
    today = today or local_today()
    period_q = in_period(selection.period.start, selection.period.end)
    tasks = base_tasks(user, selection.narrowing(), today)
    page = Paginator(latest_documents(tasks, period_q), ALL_PAGE_SIZE).get_page(page_number)
    start = (page.number - 1) * ALL_PAGE_SIZE
    documents = latest_documents(tasks, period_q).values("pk")[start:start + ALL_PAGE_SIZE]
    entries, _more = document_entries(tasks, period_q, documents, selection.list_data())
    section = Section(
        "documentProgress", "stacked", str(_("Tiến độ thực hiện theo văn bản")), "",
        str(_("Tất cả các văn bản có nhiệm vụ trong kỳ, văn bản mới nhất lên đầu; nội dung chỉ đạo hoàn thành là "
              "nội dung có mọi nhiệm vụ đã hoàn thành.")),
        document_headers(), document_rows(entries), str(_("Không có nhiệm vụ nào gắn với văn bản trong kỳ.")),
        bars=0, width="", shown=str(_("%(n)s văn bản") % {"n": page.paginator.count}),
    )
    return section, page
