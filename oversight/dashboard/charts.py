"""The data of the dashboard's four charts, written into the page by Django's json_script filter
(templates/oversight/dashboard.html) and drawn by static/js/dashboard.js: per bar its value, its label and title,
and the link that opens its tasks, the same link as the table cell under the chart.

A bar's label is its name cut at a word boundary into at most two short lines (Chart.js draws a list as lines),
so a long document or unit name is never clipped by the axis; the whole name is the tooltip's title."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tasks.standing import Standing

from .board import Dashboard, point_names
from .links import STACK

LABEL_WIDTH = 26  # characters a line of a bar's label holds
LABEL_LINES = 2


def wrapped(name: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> list[str]:
    """`name` in lines of at most `width` characters, cut between words; past `lines` lines the last ends in "…".
    A single word longer than a line is cut."""
    result: list[str] = []
    line = ""
    words = name.split()
    for n, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
            continue
        if line:
            result.append(line)
        line = word if len(word) <= width else word[:width - 1] + "…"
        if len(result) == lines:
            break
    else:
        if line:
            result.append(line)
        return result
    # More words than lines: the last line shortened to make room for the ellipsis.
    result = result[:lines]
    last = result[-1]
    while len(last) + 1 > width and " " in last:
        last = last.rsplit(" ", 1)[0]
    result[-1] = last.rstrip(",;:–-") + "…"
    return result


def _unit_label(unit) -> list[str]:
    return wrapped(unit.short_name or unit.name)


def chart_data(board: Dashboard) -> dict:
    labels = {value: str(label) for value, label in Standing.choices}
    units = board.units
    return {
        "i18n": {
            "showTable": str(_("Xem bảng số liệu")),
            "hideTable": str(_("Ẩn bảng số liệu")),
            "openList": str(_("Bấm vào cột để xem danh sách nhiệm vụ")),
        },
        "standingByUnit": {
            "labels": [_unit_label(u["unit"]) for u in units],
            "titles": [u["unit"].name for u in units],
            "datasets": [
                {"key": s, "label": labels[s], "data": [u["counts"][s] for u in units],
                 "links": [u["links"][s] for u in units]}
                for s in STACK
            ],
        },
        "onTimeByUnit": {
            "labels": [_unit_label(u["unit"]) for u in board.ranking],
            "titles": [u["unit"].name for u in board.ranking],
            "datasets": [{
                "key": "rate", "label": str(_("Tỷ lệ hoàn thành đúng hạn (%)")),
                "data": [u["rate"] for u in board.ranking],
                "links": [u["links"][Standing.DONE_ON_TIME] for u in board.ranking],
            }],
        },
        "overdueByWeek": {
            "labels": [point_names(w, board.trend_step)[0] for w in board.weeks],
            "titles": [point_names(w, board.trend_step)[1] for w in board.weeks],
            "datasets": [{
                "key": "overdue", "label": str(_("Nhiệm vụ quá hạn")),
                "data": [w["count"] for w in board.weeks],
                "links": [w.get("url") for w in board.weeks],
            }],
        },
        "documentProgress": {
            "labels": [wrapped(d["label"]) for d in board.documents],
            "titles": [d["label"] if d["document"].title in d["label"] else f"{d['label']}: {d['document'].title}"
                       for d in board.documents],
            "datasets": [
                {"key": s, "label": labels[s], "data": [d["counts"][s] for d in board.documents],
                 "links": [d["links"][s] for d in board.documents]}
                for s in STACK
            ],
        },
    }
