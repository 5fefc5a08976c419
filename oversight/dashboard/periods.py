"""The dashboard's periods: a quarter, a half-year, a year, a run of years or two dates, named as the report's title
names them; which of them the drop-down offers (every year that has work, with its halves and quarters) and which
one the dashboard opens on."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CUSTOM = "custom"
DATE_FORMAT = "%d/%m/%Y"


@dataclass(frozen=True)
class Period:
    key: str  # "2026-Q3", "2026-H1", "2026", "2022-2026" (every year from one to the other) or "custom"
    start: datetime.date
    end: datetime.date
    label: str  # as the report's title says it: "quý III/2026", "6 tháng đầu năm 2026", "năm 2026"

    @property
    def kind(self) -> str:
        if self.key == CUSTOM:
            return "custom"
        if len(self.key) == 9:
            return "years"
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


def years(first: int, last: int) -> Period:
    """Every year from `first` to `last`: the dashboard's "all the work" (it opens on it, see default_period)."""
    if first == last:
        return whole_year(first)
    return Period(f"{first}-{last}", datetime.date(first, 1, 1), datetime.date(last, 12, 31),
                  _("từ năm %(first)s đến năm %(last)s") % {"first": first, "last": last})


def custom(start: datetime.date, end: datetime.date) -> Period:
    label = _("từ ngày %(start)s đến ngày %(end)s") % {
        "start": start.strftime(DATE_FORMAT), "end": end.strftime(DATE_FORMAT)}
    return Period(CUSTOM, start, end, label)


def _month_end(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def parse_period_key(key: str) -> Period | None:
    """'2026-Q3', '2026-H1', '2026' or '2022-2026' as a Period; None for anything else."""
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
        if len(rest) == 5 and rest[0] == "-" and rest[1:].isdigit() and year < int(rest[1:]) <= 2100:
            return years(year, int(rest[1:]))
    except (TypeError, ValueError):
        return None
    return None


def _label(period: Period) -> str:
    return period.label[:1].upper() + period.label[1:]


def period_choices(today: datetime.date, work_years: list[int] | None = None,
                   selected: Period | None = None) -> list[tuple[str, str]]:
    """The periods offered, newest first: every year of `work_years` (the years that hold work, see
    forms.years_with_work) with its halves and quarters, the current year's only up to today; all of them together
    first when there are several; then the chosen period when none of these is it (a report link may name any), and
    the custom dates. Without `work_years`, this year and last year."""
    if work_years is None:
        work_years = [today.year - 1, today.year]
    choices = []
    if len(work_years) > 1:
        choices.append(years(min(work_years), max(work_years)))
    for year in sorted(set(work_years), reverse=True):
        if year > today.year:
            # Work planned for a later year: the year and its halves and quarters, all of them.
            choices += [whole_year(year), half(year, 2), half(year, 1), *(quarter(year, n) for n in (4, 3, 2, 1))]
            continue
        current_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        choices.append(whole_year(year))
        choices += [half(year, n) for n in (2, 1) if year < today.year or n == 1 or today.month > 6]
        choices += [quarter(year, n) for n in range(current_quarter, 0, -1)]
    offered = [(p.key, _label(p)) for p in choices]
    if selected is not None and selected.key != CUSTOM and all(key != selected.key for key, _l in offered):
        offered.append((selected.key, _label(selected)))
    offered.append((CUSTOM, _("Tùy chọn ngày")))
    return offered


def default_period(today: datetime.date, work_years: list[int]) -> Period:
    """The period the dashboard opens on: every year that holds work (so its figures are the home page's, which
    counts all the person's work), or this year when there is none yet."""
    if not work_years:
        return whole_year(today.year)
    return years(min(work_years), max(work_years))


def current_quarter(today: datetime.date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)
