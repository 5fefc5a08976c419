"""Step 2 of the import wizard: the review. The document's details, and per candidate directive its lead and
coordinating units (units and unit groups, in a searchable picker), its deadline or report cycle; drop, merge
with the next, split.

Item edits post the whole review form; with htmx the answer is the table partial, without JavaScript the page
is posted and shown again (post/redirect/get).
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from units.models import Unit
from units.services import remember_alias

from .. import importing
from ..forms import DocumentDetailsForm, ImportItemForm, assignee_choices
from .drafts import confirm_blockers, details_data, discard_draft, draft_view, go, save_draft
from .rows import items_context


@draft_view
def import_review(request, draft):
    choices = assignee_choices()
    if request.method != "POST":
        return _review_page(request, draft, choices)

    op, _sep, target = request.POST.get("op", "save").partition(":")
    if op == "cancel":
        discard_draft(request, draft)
        messages.info(request, _("Đã hủy nhập văn bản; không có gì được ghi."))
        return go(request, reverse("tasks:documents"))
    details_form, item_forms, valid = _read_page(request.POST, draft, choices, confirming=op == "next")
    notice = ""
    if valid:
        valid, notice = _map_names(request.user, draft, item_forms)
    if valid:
        try:
            notice = " ".join(part for part in (notice, _apply(op, target, draft, item_forms)) if part)
        except ValidationError as error:
            valid = False
            form = item_forms.get(target)
            if form is not None and error.code and error.code.startswith("split"):
                form.add_error("split_from", error)
            else:
                notice = " ".join(error.messages)
    save_draft(request, draft)
    promoted = _promoted_item(draft, target) if valid and op == "promote" else ""

    if valid and op == "next":
        if details_form.is_valid() and not importing.items_needing_lead(draft["items"]) and draft["items"]:
            return go(request, reverse("intake:import_confirm", args=[draft["id"]]))
        valid = False
        notice = confirm_blockers(draft, details_form)
        item_forms = {}  # every item form was valid: the items are drawn from the draft as it now stands
    if request.htmx:
        # Structure changed (items dropped, merged, split): the table is drawn again from the draft.
        forms = item_forms if not valid else None
        return render(request, "intake/partials/import_items.html",
                      items_context(draft, choices, forms, notice=notice, notice_ok=valid, new_item=promoted))
    if valid:
        if notice:
            messages.success(request, notice)
        anchor = (f"#item-{target}" if op == "split" else "#items-heading" if op in ("drop", "merge")
                  else f"#item-{promoted}" if promoted else "")
        return redirect(reverse("intake:import_review", args=[draft["id"]]) + anchor)
    return _review_page(request, draft, choices, details_form=details_form, item_forms=item_forms, notice=notice,
                        status=400)


def _read_page(data, draft: dict, choices, *, confirming: bool):
    """Take the posted review page into the draft: the details and every item form that is valid.
    Returns (details form, item forms, whether every item form was valid). Only what the page showed is read:
    a page older than the draft (another tab) must not blank the items it did not show."""
    if "doc-kind" in data:
        details_form = DocumentDetailsForm(data, confirming=confirming)
        details_form.is_valid()
        draft["details"].update(details_form.draft_values())
    else:
        details_form = DocumentDetailsForm(details_data(draft), confirming=confirming)
    item_forms = {item["id"]: ImportItemForm(data, item=item, choices=choices)
                  for item in draft["items"] if f"item-{item['id']}-shown" in data}
    valid = True
    for item in draft["items"]:
        form = item_forms.get(item["id"])
        if form is not None and form.is_valid():
            form.apply_to(item)
        elif form is not None:
            valid = False
    return details_form, item_forms, valid


def _apply(op: str, target: str, draft: dict, item_forms: dict) -> str:
    """Run one item operation on the draft; returns what to tell the office. Raises ValidationError."""
    items = draft["items"]
    if op in ("save", "next", ""):
        return _("Đã lưu bản nháp.") if op == "save" else ""
    if op == "promote":
        try:
            item = importing.promote_set_aside(draft, target)
        except StopIteration:
            raise ValidationError(_("Đoạn này không còn trong danh sách cần kiểm tra lại (trang đã cũ)."),
                                  code="stale_set_aside")
        return _("Đã thêm đoạn %(place)s thành nội dung chỉ đạo, đúng chỗ của nó trong văn bản: hãy chọn đơn vị "
                 "chủ trì và thời hạn.") % {"place": importing.describe(item)}
    index = next((i for i, item in enumerate(items) if item["id"] == target), None)
    if index is None:
        raise ValidationError(_("Mục này không còn trong danh sách (trang đã cũ): hãy xem lại danh sách."),
                              code="stale_item")
    item = items[index]
    where = importing.describe(item)
    if op == "drop":
        del items[index]
        importing.return_to_set_aside(draft, item)
        return _("Đã bỏ mục %(place)s khỏi danh sách.") % {"place": where}
    if op == "merge":
        if index + 1 >= len(items):
            raise ValidationError(_("Mục cuối cùng không có mục sau để gộp."), code="merge_last")
        items[index:index + 2] = [importing.merge_items(item, items[index + 1])]
        return _("Đã gộp mục %(place)s với mục sau.") % {"place": where}
    if op == "split":
        form = item_forms.get(target)
        if form is None:
            raise ValidationError(_("Hãy chọn chỗ tách trên trang rồi bấm «Tách»."), code="split_where")
        offset = form.split_offset()
        try:
            items[index:index + 1] = list(importing.split_item(item, offset))
        except ValueError:
            raise ValidationError(_("Chỗ tách phải ở giữa nội dung: cả hai phần đều phải có chữ."), code="split_edge")
        return _("Đã tách mục %(place)s thành hai mục.") % {"place": where}
    raise ValidationError(_("Thao tác không hợp lệ."), code="unknown_op")


def _promoted_item(draft: dict, entry_id: str) -> str:
    """The id of the item made from the set-aside paragraph `entry_id`."""
    return next((item["id"] for item in draft["items"]
                 if (item.get("from_set_aside") or {}).get("id") == entry_id), "")


def _map_names(user, draft: dict, item_forms: dict) -> tuple[bool, str]:
    """The names the office mapped to units: each item that wrote one gets the unit; the ones to remember are
    added to their units' aliases, all or none. Returns (valid, what to tell the office)."""
    mappings = [(form, name, ref, remember) for form in item_forms.values()
                for name, ref, remember in form.unit_mappings()]
    if not mappings:
        return True, ""
    units = Unit.objects.in_bulk([int(ref.partition(":")[2]) for _f, _n, ref, _r in mappings])
    try:
        with transaction.atomic():
            remembered = [remember_alias(units[int(ref.partition(":")[2])], name, by=user)
                          for _form, name, ref, remember in mappings if remember]
    except ValidationError as error:
        return False, " ".join(error.messages)
    told = []
    for _form, name, ref, remember in mappings:
        unit = units[int(ref.partition(":")[2])]
        importing.map_unmatched(draft["items"], name, unit)
        told.append(_("“%(name)s” là %(unit)s") % {"name": name, "unit": unit.name})
    notice = _("Đã ghép: %(pairs)s.") % {"pairs": "; ".join(told)}
    if any(remembered):
        notice += " " + _("Tên gọi được ghi nhớ cho những lần nhập sau.")
    return True, notice


def _review_page(request, draft, choices, *, details_form=None, item_forms=None, notice="", status=200):
    details_form = details_form or DocumentDetailsForm(initial=DocumentDetailsForm.initial_from(draft["details"]))
    context = items_context(draft, choices, item_forms, notice=notice, notice_ok=status < 400)
    context.update({"details_form": details_form, "step": 2,
                    "duplicate": importing.find_duplicate(draft["body"])})
    return render(request, "intake/import_review.html", context, status=status)


# --- step 3: confirm ---------------------------------------------------------------------------------------

