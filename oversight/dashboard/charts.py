"""The data of the dashboard's four charts, written into the page by Django's json_script filter
(templates/oversight/dashboard.html) and drawn by static/js/dashboard.js: per bar its value, its label and title,
and the link that opens its tasks, the same link as the table cell under the chart."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tasks.standing import Standing

from .board import Dashboard
from .links import STACK


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
            "labels": [u["unit"].short_name or u["unit"].name for u in units],
            "titles": [u["unit"].name for u in units],
            "datasets": [
                {"key": s, "label": labels[s], "data": [u["counts"][s] for u in units],
                 "links": [u["links"][s] for u in units]}
                for s in STACK
            ],
        },
        "onTimeByUnit": {
            "labels": [u["unit"].short_name or u["unit"].name for u in board.ranking],
            "titles": [u["unit"].name for u in board.ranking],
            "datasets": [{
                "key": "rate", "label": str(_("Tỷ lệ hoàn thành đúng hạn (%)")),
                "data": [u["rate"] for u in board.ranking],
                "links": [u["links"][Standing.DONE_ON_TIME] for u in board.ranking],
            }],
        },
        "overdueByWeek": {
            "labels": [w["end"].strftime("%d/%m") for w in board.weeks],
            "titles": [
                str(_("Tuần %(start)s – %(end)s") % {"start": w["start"].strftime("%d/%m/%Y"),
                                                   "end": w["end"].strftime("%d/%m/%Y")})
                for w in board.weeks
            ],
            "datasets": [{
                "key": "overdue", "label": str(_("Nhiệm vụ quá hạn cuối tuần")),
                "data": [w["count"] for w in board.weeks],
                "links": [w.get("url") for w in board.weeks],
            }],
        },
        "documentProgress": {
            "labels": [d["label"] for d in board.documents],
            "titles": [d["document"].title for d in board.documents],
            "datasets": [
                {"key": s, "label": labels[s], "data": [d["counts"][s] for d in board.documents],
                 "links": [d["links"][s] for d in board.documents]}
                for s in STACK
            ],
        },
    }
