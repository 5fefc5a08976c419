"""The standings the board counts, and the links that open exactly their tasks: every figure, bar and table cell
carries the task list's own parameters (tasks.filters reads them back to the same filter), so a click opens
/tasks/ with the number it showed."""
from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from tasks.standing import Standing

from .forms import Selection
from .periods import DATE_FORMAT

COUNTED = [s for s in Standing.values if s != Standing.CANCELLED]
DUE = [Standing.DONE_ON_TIME, Standing.DONE_LATE, Standing.OVERDUE]
OPEN_DATED = [Standing.DUE_SOON, Standing.ON_TRACK]
# Stacking order of the standing charts and columns of their tables: what needs attention first.
STACK = [Standing.OVERDUE, Standing.DUE_SOON, Standing.ON_TRACK, Standing.ONGOING, Standing.DONE_LATE,
         Standing.DONE_ON_TIME]


def list_params(data: dict) -> dict:
    """Cleaned filter data → the /tasks/ query parameters that TaskFilterForm reads back to the same data."""
    params = {}
    for name, value in data.items():
        if value in (None, "", []):
            continue
        if isinstance(value, datetime.date):
            params[name] = value.strftime(DATE_FORMAT)
        elif hasattr(value, "pk"):
            params[name] = value.pk
        elif isinstance(value, (list, tuple)):
            params[name] = [str(item) for item in value]
        else:
            params[name] = value
    return params


def list_url(data: dict) -> str:
    return reverse("tasks:list") + "?" + urlencode(list_params(data), doseq=True)


def export_url(data: dict) -> str:
    return reverse("oversight:export") + "?" + urlencode(list_params(data), doseq=True)


def list_prefix(data: dict) -> str:
    """list_url(data) ready for more parameters ("...?a=1&" or "...?"): a table's rows share their selection and
    differ by a unit or a document and a standing, so each link is two strings joined, not a new urlencode."""
    url = list_url(data)
    return url if url.endswith("?") else url + "&"


_STANDING_QS = {s: urlencode({"standing": s}) for s in Standing.values}


def standing_links(prefix: str) -> dict:
    """{standing: its list link} for every counted standing, and "total" (all of them) and "due"."""
    links = {s: prefix + _STANDING_QS[s] for s in COUNTED}
    links["total"] = prefix + "&".join(_STANDING_QS[s] for s in COUNTED)
    links["due"] = prefix + "&".join(_STANDING_QS[s] for s in DUE)
    return links


def see_all_url(selection: Selection, what: str, **extra) -> str:
    """The dashboard's own page listing a whole table for the same selection: ?all=units (sort=rate for the
    ranking) or ?all=documents."""
    query = urlencode({**selection.query_params(), "all": what, **extra})
    return reverse("oversight:dashboard") + "?" + query
