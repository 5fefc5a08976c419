"""The dashboard's periods: a quarter, a half-year, a year or two dates, named as the report's title names them."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CUSTOM = "custom"
DATE_FORMAT = "%d/%m/%Y"


@dataclass(frozen=True)
class Period:
    key: str  # "2026-Q3", "2026-H1", "2026" or "custom"
    start: datetime.date
    end: datetime.date
    label: str  # as the report's title says it: "quý III/2026", "6 tháng đầu năm 2026", "năm 2026"

    @property
    def kind(self) -> str:
        if self.key == CUSTOM:
            return "custom"
        return {"Q": "quarter", "H": "half"}.get(self.key[5:6], "year")


def quarter(year: int, number: int) -> Period:
    start = datetime.date(year, 3 * number - 2, 1)
    end = _month_end(year, 3 * number)
    return Period(f"{year}-Q{number}", start, end, _("quý %(q)s/%(y)s") % {"q": ROMAN[number], "y": year})


def half(year: int, number: int) -> Period:
    if number == 1:
        return Period(f"{year}-H1", datetime.date(year, 1, 1), datetime.date(year, 6, 30),
                      _("6 tháng đầu năm %(y)s") % {"y": year})
    return Period(f"{year}-H2", datetime.date(year, 7, 1), datetime.date(year, 12, 31),
                  _("6 tháng cuối năm %(y)s") % {"y": year})


def whole_year(year: int) -> Period:
    return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31), _("năm %(y)s") % {"y": year})


def custom(start: datetime.date, end: datetime.date) -> Period:
    label = _("từ ngày %(start)s đến ngày %(end)s") % {
        "start": start.strftime(DATE_FORMAT), "end": end.strftime(DATE_FORMAT)}
    return Period(CUSTOM, start, end, label)


def _month_end(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def parse_period_key(key: str) -> Period | None:
    """'2026-Q3', '2026-H1' or '2026' as a Period; None for anything else."""
    try:
        year = int(key[:4])
        if not 2000 <= year <= 2100:
            return None
        rest = key[4:]
        if rest == "":
            return whole_year(year)
        if rest[:2] == "-Q" and rest[2:] in {"1", "2", "3", "4"}:
            return quarter(year, int(rest[2:]))
        if rest[:2] == "-H" and rest[2:] in {"1", "2"}:
            return half(year, int(rest[2:]))
    except (TypeError, ValueError):
        return None
    return None


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The periods offered: this year's and last year's quarters, halves and years, newest first, then custom."""
    choices = []
    for year in (today.year, today.year - 1):
        current_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        periods = [whole_year(year)]
        periods += [half(year, n) for n in (2, 1) if year < today.year or n == 1 or today.month > 6]
        periods += [quarter(year, n) for n in range(current_quarter, 0, -1)]
        choices += [(p.key, p.label[:1].upper() + p.label[1:]) for p in periods]
    choices.append((CUSTOM, _("Tùy chọn ngày")))
    return choices


def current_quarter(today: datetime.date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)
