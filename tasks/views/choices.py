"""What the task list's searchable drop-downs ask as the person types (static/js/remote-choices.js).

    GET /tasks/choices/documents/?q=ket luan 15     the visible documents whose kind, number or title match
    GET /tasks/choices/units/?q=tuyen giao          the visible active units whose name or short name match

Answer: {"results": [{"value": "12", "text": "Kết luận số 15-KL/TU", "detail": "the title"}, ...], "more": false},
newest documents first (units in their usual order), at most CHOICES_LIMIT; an empty q gives the first ones.
The page renders only the chosen entry of these drop-downs: listing 1,600 documents (and the query deciding which of
them a unit leader may see) cost more than the rest of the list (docs/benchmarks.md).

Visibility is tasks.access' (visible_resolutions, visible_units): nobody learns of a document or unit they
could not filter by. Search is accent-free (core.text), matched in Python as the document list does: documents
and units are few (hundreds, a thousand). A bad q (too long, NUL bytes) is a 400 with a message, never a 500.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.text import search_key, search_words
from resolutions.models import Resolution

from ..access import visible_resolutions, visible_units

CHOICES_LIMIT = 20
JSON = {"ensure_ascii": False}  # Vietnamese as UTF-8, not \u escapes: about half the bytes


class ChoiceSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)


def _search(request, rows, match_key, result) -> JsonResponse:
    """The first CHOICES_LIMIT of `rows` (a values_list queryset, in the order to show) whose match_key(row)
    holds every word of ?q= (all rows without words: then only CHOICES_LIMIT + 1 are read), each as result(row);
    and whether there are more. A bad q is a 400."""
    form = ChoiceSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": str(_("Từ khóa tìm kiếm không hợp lệ (tối đa 200 ký tự).")), "results": [],
                             "more": False}, status=400, json_dumps_params=JSON)
    words = search_words(form.cleaned_data["q"])
    if not words:
        rows = rows[:CHOICES_LIMIT + 1]
    results, more = [], False
    for row in rows:
        if words and not all(word in match_key(row) for word in words):
            continue
        if len(results) == CHOICES_LIMIT:
            more = True
            break
        results.append(result(row))
    return JsonResponse({"results": results, "more": more}, json_dumps_params=JSON)


@require_GET
@login_required
def document_choices(request):
    kinds = {}

    def kind_label(kind):
        if kind not in kinds:
            kinds[kind] = str(Resolution.Kind(kind).label) if kind in Resolution.Kind.values else kind
        return kinds[kind]

    def result(row):
        pk, kind, number, title = row
        # The label the drop-down shows for the chosen document (Resolution.__str__), the title below it unless the
        # label is already the title (a document without a number): a name is written once.
        text = str(Resolution(pk=pk, kind=kind, number=number, title=title))
        return {"value": str(pk), "text": text, "detail": title if title not in text else ""}

    rows = visible_resolutions(request.user).order_by("-issued_on", "-id").values_list("pk", "kind", "number",
                                                                                        "title")
    return _search(request, rows, lambda row: search_key(kind_label(row[1]), row[2], row[3]), result)


@require_GET
@login_required
def unit_choices(request):
    rows = (visible_units(request.user).filter(active=True).order_by("order", "name")
            .values_list("pk", "name", "short_name"))
    return _search(request, rows, lambda row: search_key(row[1], row[2]),
                   lambda row: {"value": str(row[0]), "text": row[1], "detail": row[2] or ""})
