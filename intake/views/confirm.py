"""Step 3 of the import wizard: the document, its directives and their tasks recorded in one transaction
(intake.importing.record_import); the office lands on the document's page."""
from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import ServiceError
from resolutions.models import Resolution
from tasks.models import Task

from .. import importing
from ..forms import DocumentDetailsForm
from .drafts import confirm_blockers, details_data, discard_draft, draft_view

@draft_view
def import_confirm(request, draft):
    review_url = reverse("intake:import_review", args=[draft["id"]])
    details_form = DocumentDetailsForm(details_data(draft), confirming=True)
    if not details_form.is_valid() or not draft["items"] or importing.items_needing_lead(draft["items"]):
        messages.warning(request, confirm_blockers(draft, details_form) or _("Hãy xem lại văn bản trước khi ghi."))
        return redirect(review_url)
    reviewed = importing.reviewed_directives(draft["items"])
    duplicate = importing.find_duplicate(draft["body"])
    error = ""
    if request.method == "POST" and duplicate is None:
        try:
            resolution = _record(request, draft, details_form.cleaned_data, reviewed)
        except PermissionDenied:
            raise Http404("Import is for the office only.")
        except ServiceError as refusal:
            error = " ".join(refusal.messages)
            duplicate = importing.find_duplicate(draft["body"])
        except ValidationError as refusal:  # a model check inside the services: shown, never a 500
            error = " ".join(refusal.messages)
        else:
            discard_draft(request, draft)
            tasks = sum(len(importing.leads_of(d)) for d in reviewed)
            messages.success(request, _("Đã ghi văn bản với %(directives)s nội dung chỉ đạo và %(tasks)s nhiệm vụ.")
                             % {"directives": len(reviewed), "tasks": tasks})
            return redirect(resolution.get_absolute_url())
    cycles = dict(Task.ReportCycle.choices)
    summary = [{"item": item, "directive": d, "leads": importing.leads_of(d), "cycle": cycles.get(d.report_cycle, "")}
               for item, d in zip(draft["items"], reviewed)]
    return render(request, "intake/import_confirm.html", {
        "draft": draft, "details": details_form.cleaned_data, "summary": summary, "review_url": review_url,
        "kind_label": Resolution.Kind(details_form.cleaned_data["kind"]).label, "step": 3,
        "task_count": sum(len(row["leads"]) for row in summary), "duplicate": duplicate, "error": error,
    }, status=409 if (duplicate or error) and request.method == "POST" else 200)



def _record(request, draft, details: dict, reviewed) -> Resolution:
    document = importing.DocumentDetails(
        kind=details["kind"], title=details["title"], issued_on=details["issued_on"], number=details["number"],
        issuing_body=details["issuing_body"] or importing.DocumentDetails.issuing_body, signer=details["signer"],
    )
    stored = draft.get("file", "")
    original = None
    if stored and default_storage.exists(stored):
        original = File(default_storage.open(stored, "rb"), name=PurePath(stored).name)
    try:
        resolution = importing.record_import(created_by=request.user, details=document, directives=reviewed,
                                             body=draft["body"], original_file=original)
    finally:
        if original is not None:
            original.close()
    return resolution

