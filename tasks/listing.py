"""The rows of the task list (/tasks/), written here once per page rather than through the template engine.

At 100,000 tasks the list's database work is a few milliseconds; what a request cost was Python (docs/benchmarks.md).
The row template reversed each task's URL, formatted its dates through the `date` filter, included the standing
badge's template and resolved ~15 template variables for each of its 25 rows (~5 ms a page). Here:

- the page's tasks are read with only the columns a row shows (LIST_COLUMNS), and their units (the lead unit's
  name, how many units coordinate) in one query for the page instead of three subqueries per row;
- each label is translated once per language; a task's URL is the detail URL's prefix plus its id; dates are d/m/Y;
- each row is one format string (ROW below: the markup templates/tasks/partials/task_rows.html had), every value
  escaped (html.escape, as Django's escape does) and the row marked safe once.
"""
from __future__ import annotations

import functools
from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper (~10 calls a row)

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, ngettext

from .models import Assignment, Task
from .standing import Standing

# What a row needs from the task itself (the rest of the row is its units and the standing annotation).
LIST_COLUMNS = ("id", "title", "parent", "deadline", "original_deadline", "report_cycle", "status", "completed_at")
TITLE_LENGTH = 150  # as the template's truncatechars:150 did
_PLACEHOLDER = 987654321

ROW = (
    '<tr>\n'
    '  <td class="task-title-cell">\n'
    '    <a class="fw-semibold text-break portal-link" href="{url}">{title}</a>{delegated}\n'
    '    <div class="small text-body-secondary d-md-none mt-1">{lead} · {deadline_short}</div>\n'
    '  </td>\n'
    '  <td class="d-none d-md-table-cell lead-unit-cell">{lead}{coordinating}</td>\n'
    '  <td class="d-none d-md-table-cell text-nowrap">{deadline}</td>\n'
    '  <td><span class="badge standing standing-{standing}">{standing_label}</span></td>\n'
    '  <td class="d-none d-lg-table-cell small">{status}</td>\n'
    '</tr>\n'
)
DELEGATED = ' <span class="badge text-bg-light border ms-1">{}</span>'
NOTE = '<div class="small text-body-secondary">{}</div>'
DATE = '<time datetime="{}">{}</time>'


def ddmmyyyy(day) -> str:
    """What the `date:"d/m/Y"` filter writes."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def add_units(tasks: list[Task]) -> None:
    """Set lead_unit_name (None without a lead) and coordinating_count on each task, in one query."""
    by_id = {task.pk: task for task in tasks}
    for task in tasks:
        task.lead_unit_name, task.coordinating_count = None, 0
    if not by_id:
        return
    # order_by(): Assignment's default ordering would join the task and the unit tables again.
    for task_id, role, unit_name in (Assignment.objects.filter(task_id__in=list(by_id)).order_by()
                                     .values_list("task_id", "role", "unit__name")):
        task = by_id[task_id]
        if role == Assignment.Role.LEAD:
            task.lead_unit_name = unit_name
        else:
            task.coordinating_count += 1


class Labels:
    """The words of a row in one language, translated once (labels_for: once per language and process)."""

    def __init__(self):
        self.standing = {value: escape(str(label)) for value, label in Standing.choices}
        self.status = {value: escape(str(label)) for value, label in Task.Status.choices}
        self.cycle = {value: escape(str(label).lower()) for value, label in Task.ReportCycle.choices}
        self.delegated = DELEGATED.format(escape(gettext("Giao lại")))
        self.due = escape(gettext("Hạn"))
        self.ongoing = escape(gettext("Thường xuyên"))
        self.reports = escape(gettext("báo cáo"))

    def coordinating(self, count: int) -> str:
        return escape(ngettext("+ %(counter)s đơn vị phối hợp", "+ %(counter)s đơn vị phối hợp", count)
                      % {"counter": count})

    def moved(self, date: str) -> str:
        return escape(gettext("gia hạn từ %(date)s") % {"date": date})


@functools.lru_cache(maxsize=8)
def labels_for(language: str) -> Labels:
    return Labels()  # in `language`, the active one when called


def render_row(task: Task, url: str, labels: Labels) -> SafeString:
    title = task.title
    # Truncator counts a combining mark as nothing, so a title of at most 150 code points is never cut.
    if len(title) > TITLE_LENGTH:
        title = Truncator(title).chars(TITLE_LENGTH)
    lead = escape(task.lead_unit_name) if task.lead_unit_name else "—"
    if task.deadline:
        day = ddmmyyyy(task.deadline)
        deadline_short = f"{labels.due} {day}"
        deadline = DATE.format(task.deadline.isoformat(), day)
        if task.deadline_moved:
            deadline += NOTE.format(labels.moved(ddmmyyyy(task.original_deadline)))
    else:
        deadline_short = deadline = labels.ongoing
        if task.report_cycle:
            deadline += NOTE.format(f"{labels.reports} {labels.cycle.get(task.report_cycle, '')}")
    standing = task.compute_standing()
    # Every value below is escaped: the task's own text here, the labels in Labels, the url is a reversed prefix + id.
    return mark_safe(ROW.format(  # nosec B308, B703
        url=url, title=escape(title), delegated=labels.delegated if task.parent_id else "", lead=lead,
        deadline_short=deadline_short,
        coordinating=NOTE.format(labels.coordinating(task.coordinating_count)) if task.coordinating_count else "",
        deadline=deadline, standing=escape(standing), standing_label=labels.standing.get(standing, escape(standing)),
        status=labels.status.get(task.status, escape(task.status)),
    ))


def prepare_rows(tasks) -> list[Task]:
    """Read a page of tasks (a queryset from visible_tasks, with LIST_COLUMNS), add their units, and set
    `row_html` on each: the row of the table. Returns the tasks as a list."""
    rows = list(tasks)
    if not rows:
        return rows
    add_units(rows)
    prefix, _placeholder, suffix = reverse("tasks:detail", args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    labels = labels_for(get_language())
    for task in rows:
        task.row_html = render_row(task, f"{prefix}{task.pk}{suffix}", labels)
    return rows


def pager(query, page_obj, page_links, target: str) -> SafeString:
    """The page links under the list (/tasks/ with `query`, the page changed): the markup of
    templates/partials/pagination.html, links loaded by htmx into `target`; each address built from one copy of the
    query instead of a {% querystring %} (a QueryDict deep copy) per link and attribute."""
    if not page_links:
        return mark_safe("")  # nosec B308: an empty string
    base_url = reverse("tasks:list")
    params = query.copy()

    def link(number, inner, rel=""):
        params["page"] = number  # where the querystring tag puts it: in place, or last
        url = escape(f"{base_url}?{params.urlencode()}")
        return (f'<li class="page-item"><a class="page-link"{rel} href="{url}" hx-get="{url}" '
                f'hx-target="{escape(target)}" hx-push-url="true">{inner}</a></li>')

    word = escape(gettext("Trang"))
    items = []
    if page_obj.has_previous():
        items.append(link(page_obj.previous_page_number(), '<span aria-hidden="true">&laquo;</span>'
                          f'<span class="visually-hidden">{escape(gettext("Trang trước"))}</span>', ' rel="prev"'))
    for number in page_links:
        if number == page_obj.paginator.ELLIPSIS:
            items.append('<li class="page-item disabled"><span class="page-link">…</span></li>')
        elif number == page_obj.number:
            items.append('<li class="page-item active" aria-current="page"><span class="page-link">'
                         f'<span class="visually-hidden">{word} </span>{number}</span></li>')
        else:
            items.append(link(number, f'<span class="visually-hidden">{word} </span>{number}'))
    if page_obj.has_next():
        items.append(link(page_obj.next_page_number(), '<span aria-hidden="true">&raquo;</span>'
                          f'<span class="visually-hidden">{escape(gettext("Trang sau"))}</span>', ' rel="next"'))
    # The addresses, the target and the words are escaped where built (link(), word); the numbers are ints.
    return mark_safe(f'<nav class="mt-3" aria-label="{escape(gettext("Phân trang"))}">\n'  # nosec B308, B703
                     f'<ul class="pagination flex-wrap">\n' + "\n".join(items) + "\n</ul>\n</nav>")
