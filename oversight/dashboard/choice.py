"""Which selection the dashboard shows: what the request asks for, else what the person chose on an earlier visit
(kept in their session), else the default period (periods.default_period: every year that holds their work)."""
from __future__ import annotations

import datetime

from .cache import cached_work_years
from .forms import DashboardFilterForm, Selection, chosen_data
from .periods import default_period

SESSION_KEY = "dashboard_selection"


def dashboard_form(request, *, today: datetime.date) -> tuple[DashboardFilterForm, Selection]:
    """The dashboard's filter form, bound to the chosen filters, and the Selection it makes; a choice made in the
    request is remembered in the session for the next visit."""
    user = request.user
    work_years = cached_work_years(user, today)
    data, remember = chosen_data(request.GET, request.session.get(SESSION_KEY))
    form = DashboardFilterForm(data, user=user, today=today, work_years=work_years,
                               default_period=default_period(today, work_years))
    selection = form.selection()
    if remember is not None and form.is_valid() and request.session.get(SESSION_KEY) != remember:
        request.session[SESSION_KEY] = remember
    return form, selection
