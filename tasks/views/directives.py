"""Work by directive (/directives/): one row per directive (nội dung chỉ đạo) with how its units stand, and a
directive opened onto its units (/directives/<pk>/).

The office and the standing committee see every directive; anyone else the directives their units have tasks in,
and in them only those tasks (tasks.access, through tasks.selectors.directives.directive_rows). A directive the
person has no task of is 404, as a task they may not see.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from core.paging import LenientPaginationMixin

from ..access import visible_resolutions, visible_tasks
from ..models import ProgressReport
from ..selectors.directives import DEFAULT_SORT, directive_rows
from ..standing import ATTENTION_ORDER, Standing

PAGE_SIZE = 25

SORT_LABELS = {
    "attention": _("Cần chú ý trước (quá hạn trước)"),
    "deadline": _("Hạn gần nhất trước"),
    "-overdue": _("Nhiều đơn vị quá hạn nhất"),
    "-units": _("Nhiều đơn vị nhất"),
    "document": _("Văn bản mới nhất trước"),
    "title": _("Trích yếu (A–Z)"),
}


class DirectiveFilterForm(forms.Form):
    """The filters of /directives/, all in the query string (a filtered view is a link that can be sent)."""

    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    document = forms.TypedChoiceField(label=_("Văn bản"), required=False, coerce=int, empty_value=None)
    standing = forms.ChoiceField(
        label=_("Tình hình (đơn vị chậm nhất)"), required=False,
        choices=[("", _("Tất cả")), *[(value, Standing(value).label) for value in ATTENTION_ORDER]])
    overdue = forms.BooleanField(label=_("Chỉ nội dung có đơn vị quá hạn"), required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        documents = visible_resolutions(user).order_by("-issued_on", "-id").only("kind", "number", "title")
        self.fields["document"].choices = [("", _("Tất cả văn bản")),
                                           *[(doc.pk, doc.display_name) for doc in documents]]
        for name, field in self.fields.items():
            css = "form-check-input" if name == "overdue" else (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm")
            field.widget.attrs["class"] = css

    def filters(self) -> dict:
        """The selector's keyword arguments; an invalid field is left out (the others still filter)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {"q": data.get("q") or "", "document": data.get("document"), "standing": data.get("standing") or None,
                "overdue_only": bool(data.get("overdue")), "sort": data.get("sort") or DEFAULT_SORT}


class DirectiveListView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    template_name = "tasks/directive_list.html"
    context_object_name = "directives"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = DirectiveFilterForm(self.request.GET, user=self.request.user)
        self.filters = self.form.filters()
        return directive_rows(self.request.user, **self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        for row in context["directives"]:
            label_standing(row)
        context["filtered"] = any(self.filters[name] for name in ("q", "document", "standing", "overdue_only"))
        return context


def label_standing(row) -> None:
    """The worst standing's words on a row of directive_rows, for the badge."""
    row.worst_standing_label = Standing(row.worst_standing).label if row.worst_standing else ""


@login_required
def directive_detail(request, pk):
    """A directive opened onto its units: its full text, and each unit's task with its standing, its last report
    and its deadline (the tasks this person may see, the most urgent first)."""
    user = request.user
    directive = directive_rows(user).filter(pk=pk).first() if pk <= 2**63 - 1 else None
    if directive is None:
        raise Http404("No directive matches the given query.")
    label_standing(directive)
    last_report = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-created_at", "-id")
    tasks = (
        visible_tasks(user).filter(directive=directive, parent__isnull=True).with_list_columns()
        .annotate(
            last_report_at=Subquery(last_report.values("created_at")[:1]),
            last_report_percent=Subquery(last_report.values("percent")[:1]),
            last_report_text=Subquery(last_report.values("text")[:1]),
            standing_rank=Case(*[When(standing=value, then=Value(rank)) for rank, value in enumerate(ATTENTION_ORDER)],
                               default=Value(len(ATTENTION_ORDER)), output_field=IntegerField()),
        )
        .defer("description", "search_text")
        .order_by("standing_rank", "deadline", "lead_unit_name", "id")
    )
    return render(request, "tasks/directive_detail.html", {"directive": directive, "tasks": list(tasks)})
