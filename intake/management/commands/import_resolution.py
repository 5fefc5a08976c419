"""python manage.py import_resolution PATH [--dry-run] [--format json] [--default-lead CODE]

Reads a conclusion, resolution, instruction or speech (.txt, .docx or .pdf), proposes its directives with their
lead and coordinating units and deadlines, and records the document, its directives and their tasks in one
transaction (intake.importing.record_import), as the review wizard does once the office confirms.

--dry-run       write nothing, never refuse: print what the parser found (a document already recorded is said
                in a warning on stderr, and in "warnings" with --format json)
--format json   print ONE JSON object: {"directives": [...], "set_aside": [...], "skipped": [...], "header": {...},
                "warnings": [...]}; each directive carries "sources" (the words each field was read from) and
                "confidence"; "set_aside" lists the paragraphs not taken as directives that hold an assignment, a
                unit or a date, each with its reason, signals and the directive it would be ("proposal")
--default-lead  the unit (its code, as in the admin) that leads the directives naming no lead unit or group;
                without it, recording refuses and lists the items that need one (the wizard asks the office)
--issued-on     the issue date (dd/mm/yyyy) when the document does not say it; otherwise today, with a warning
--user          the office account recorded as the person who imported the document

Exit status 1 with a message (in Vietnamese) for a file that cannot be read, a document already recorded, or
directives without a lead; nothing is written then.
"""
from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from intake import importing
from resolutions.parsing import ParseError
from units.models import Unit

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


class Command(BaseCommand):
    help = ("Đọc một văn bản (.txt, .docx, .pdf), tách các nội dung chỉ đạo và ghi văn bản, nội dung chỉ đạo, "
            "nhiệm vụ vào hệ thống. / Import a document's directives and their tasks.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp văn bản: .txt, .docx hoặc .pdf")
        parser.add_argument("--dry-run", action="store_true",
                            help="Chỉ in kết quả đọc văn bản, không ghi gì vào cơ sở dữ liệu.")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="Định dạng kết quả in ra.")
        parser.add_argument("--default-lead", metavar="CODE",
                            help="Mã đơn vị chủ trì cho các nội dung văn bản không nêu đơn vị nào.")
        parser.add_argument("--issued-on", metavar="DD/MM/YYYY", help="Ngày ban hành, khi văn bản không ghi.")
        parser.add_argument("--user", metavar="USERNAME", help="Tài khoản Văn phòng ghi là người nhập văn bản.")

    def handle(self, *args, path, dry_run=False, format="text", default_lead=None, issued_on=None, user=None,
               **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Không tìm thấy tệp «{path}».")
        issued_on = _date_option(issued_on)
        created_by = _user_option(user)
        try:
            parsed = importing.parse_upload(source=source, filename=source.name)
        except ParseError as error:
            raise CommandError(str(error)) from error
        warnings = list(parsed.warnings)
        duplicate = importing.find_duplicate(parsed.body)
        if duplicate is not None:
            message = f"Văn bản này đã được nhập trước đây: {duplicate} (mã {duplicate.pk})."
            if not dry_run:
                raise CommandError(message + " Không ghi lại lần nữa.")
            warnings.append(message)
        header = parsed.result.header
        if not dry_run:
            if not (issued_on or header.issued_on):
                warnings.append("Văn bản không ghi ngày ban hành: ghi tạm ngày hôm nay (sửa trong trang quản trị "
                                "hoặc dùng --issued-on).")
        for warning in warnings:
            self.stderr.write(f"Cảnh báo: {warning}")

        recorded = None
        if not dry_run:
            recorded = self._record(parsed, source, created_by=created_by, default_lead=default_lead,
                                    issued_on=issued_on or header.issued_on or timezone.localdate())
        if format == "json":
            output = parsed.result.to_json()
            output["warnings"] = warnings
            if recorded is not None:
                output["recorded"] = recorded
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=1))
        else:
            self._print_text(parsed, recorded)

    # --- recording ----------------------------------------------------------------------------------------

    def _record(self, parsed, source: Path, *, created_by, default_lead, issued_on) -> dict:
        items = importing.items_from_parse(parsed.result)
        needing = importing.items_needing_lead(items)
        if needing and default_lead:
            lead = Unit.objects.filter(code=default_lead, active=True).first()
            if lead is None:
                raise CommandError(f"Không có đơn vị đang hoạt động nào mang mã «{default_lead}».")
            for item in needing:
                item["leads"] = [importing.unit_ref(lead)]
                item["coordinating"] = [ref for ref in item["coordinating"] if ref != importing.unit_ref(lead)]
        elif needing:
            listing = "\n".join(f"  - {importing.place(item)}: {_excerpt(item['text'])}" for item in needing)
            raise CommandError(
                f"{len(needing)} nội dung chỉ đạo chưa có đơn vị chủ trì, chưa ghi gì:\n{listing}\n"
                "Hãy dùng trang «Nhập văn bản» để chọn đơn vị cho từng nội dung, hoặc chạy lại với "
                "--default-lead MÃ_ĐƠN_VỊ."
            )
        header = parsed.result.header
        details = importing.DocumentDetails(
            kind=importing.resolution_kind(header.kind), number=header.number[:64],
            title=(header.title or header.kind or source.stem)[:500], issued_on=issued_on,
            issuing_body=(header.issuer or importing.DocumentDetails.issuing_body)[:255], signer=header.signer[:255],
        )
        try:
            with source.open("rb") as fh:
                resolution = importing.record_import(
                    created_by=created_by, details=details, directives=importing.reviewed_directives(items),
                    body=parsed.body, original_file=File(fh, name=source.name), check_permission=False,
                )
        except ValidationError as error:  # a duplicate recorded meanwhile, a lead without active units
            raise CommandError(" ".join(error.messages)) from error
        tasks = sum(directive.tasks.count() for directive in resolution.directives.all())
        return {"resolution": resolution.pk, "url": resolution.get_absolute_url(),
                "directives": resolution.directives.count(), "tasks": tasks}

    # --- printing -----------------------------------------------------------------------------------------

    def _print_text(self, parsed, recorded):
        result = parsed.result
        header = result.header
        out = self.stdout
        out.write(f"{header.kind or 'Văn bản'}{' số ' + header.number if header.number else ''}"
                  f"{': ' + header.title if header.title else ''}")
        if header.issued_on:
            out.write(f"Ngày ban hành: {header.issued_on:%d/%m/%Y}")
        out.write(f"{len(result.directives)} nội dung chỉ đạo, {len(result.skipped)} đoạn bỏ qua.")
        for number, directive in enumerate(result.directives, start=1):
            where = " ".join(part for part in (directive.section, directive.label) if part)
            out.write(f"\n{number}. [{where}] {_excerpt(directive.text, 160)}")
            leads = directive.lead_units + [f"nhóm «{parsed.directory.group_names.get(key, key)}»"
                                            for key in directive.scope_groups]
            out.write(f"   Chủ trì: {', '.join(leads) or '(chưa có, cần chọn)'}")
            if directive.coordinating_units:
                out.write(f"   Phối hợp: {', '.join(directive.coordinating_units)}")
            if directive.unmatched:
                out.write(f"   Chưa nhận ra: {', '.join(directive.unmatched)}")
            written = importing.vietnamese_deadline_text(directive.deadline_text)
            written = f" — văn bản ghi: «{written}»" if written else ""
            if directive.deadline:
                out.write(f"   Hạn: {directive.deadline:%d/%m/%Y}{written}")
            elif directive.ongoing:
                out.write(f"   Thường xuyên{written}")
            else:
                out.write("   Hạn: (văn bản không nêu thời hạn, cần đặt)")
        if result.set_aside:
            out.write(f"\nKhông nhận là nội dung chỉ đạo — kiểm tra lại ({len(result.set_aside)} đoạn):")
            for entry in result.set_aside:
                where = " ".join(part for part in (entry.section, entry.label) if part)
                out.write(f"  - [{where}] {_excerpt(entry.text, 120)}")
                out.write(f"    Lý do: {entry.reason}")
        if recorded:
            out.write(f"\nĐã ghi văn bản (mã {recorded['resolution']}): {recorded['directives']} nội dung chỉ đạo, "
                      f"{recorded['tasks']} nhiệm vụ. Xem tại {recorded['url']}")


def _excerpt(text: str, length: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


def _date_option(value: str | None) -> datetime.date | None:
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày ban hành «{value}» không hợp lệ: hãy viết theo dạng ngày/tháng/năm, ví dụ 15/04/2022.")


def _user_option(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có tài khoản đang hoạt động nào tên «{username}».")
    return user
