"""RELIABILITY row 12 (the checking part): an upload is judged by its bytes, never by its name."""
import io
import zipfile

import docx
import filetype
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import check_upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
                    "cfc0f01f0005000201a5e0e1d00000000049454e44ae426082")


def upload(name, data):
    return SimpleUploadedFile(name, data)


def real_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả thực hiện Kết luận số 15-KL/TU")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def real_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Đơn vị"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def content_types(main: str = DOCX_MAIN, part: str = "/word/document.xml") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="{part}" ContentType="{main}"/></Types>'
    ).encode()


def refused(name, data) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, data))
    return error.value.messages[0]


def test_a_word_document_is_accepted_as_docx():
    checked = check_upload(upload("Báo cáo quý II.docx", real_docx()))
    assert checked.content_type == DOCX
    assert checked.original_name == "Báo cáo quý II.docx"


def test_a_spreadsheet_is_accepted_as_xlsx():
    assert check_upload(upload("so-lieu.xlsx", real_xlsx())).content_type == XLSX


def test_pdf_and_png_are_accepted_by_their_bytes():
    assert check_upload(upload("a.pdf", PDF)).content_type == "application/pdf"
    assert check_upload(upload("a.png", PNG)).content_type == "image/png"


def test_a_zip_that_only_names_a_word_part_is_refused():
    # filetype's guess reads only the first entries: it takes this for a DOCX, the portal does not.
    data = zip_of({"word/index.html": b"<script>alert(1)</script>"})
    assert filetype.guess(data).mime == DOCX
    assert "không đúng định dạng" in refused("bao-cao.docx", data)


def test_a_zip_whose_declared_main_part_is_missing_is_refused():
    data = zip_of({"[Content_Types].xml": content_types(), "word/other.xml": b"<w/>"})
    refused("bao-cao.docx", data)


def test_a_plain_zip_renamed_docx_is_refused():
    refused("bao-cao.docx", zip_of({"readme.txt": b"hello"}))


def test_a_macro_enabled_document_is_refused():
    macro_main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    refused("bao-cao.docx", zip_of({"[Content_Types].xml": content_types(macro_main), "word/document.xml": b"<w/>"}))
    with_macros = zip_of({
        "[Content_Types].xml": content_types(), "word/document.xml": b"<w/>", "word/vbaProject.bin": b"\0" * 64,
    })
    refused("bao-cao.docx", with_macros)


def test_a_zip_bomb_is_refused_without_being_unpacked():
    bomb = zip_of({"[Content_Types].xml": content_types(), "word/document.xml": b"<w/>",
                   "word/media/image1.png": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    refused("bao-cao.docx", bomb)


def test_a_truncated_zip_is_refused_not_a_crash():
    refused("bao-cao.docx", real_docx()[:2000])


@pytest.mark.parametrize("name, data", [
    ("bao-cao.pdf", b"<!doctype html><html><script>alert(document.cookie)</script></html>"),
    ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'),
    ("bao-cao.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 200),
    ("trang.html", b"<html><body>hello</body></html>"),
    ("bao-cao.pdf", b"#!/bin/sh\nrm -rf /\n"),
])
def test_html_svg_and_programs_are_refused_whatever_they_are_called(name, data):
    assert "không đúng định dạng cho phép" in refused(name, data)


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(settings):
    settings.PORTAL_MAX_ATTACHMENT_BYTES = 1024
    message = refused("lon.pdf", PDF + b"\0" * 2048)
    assert "quá lớn" in message and "lon.pdf" in message


def test_an_empty_file_is_refused():
    assert "rỗng" in refused("rong.pdf", b"")


def test_a_path_in_the_name_is_dropped():
    checked = check_upload(upload("../../etc/passwd.pdf", PDF))
    assert checked.original_name == "passwd.pdf"


def test_a_real_pdf_named_like_a_program_is_downloaded_as_a_pdf():
    assert check_upload(upload("chay-toi.exe", PDF)).original_name == "chay-toi.exe.pdf"
    assert check_upload(upload("anh.JPEG", bytes.fromhex("ffd8ffe0") + b"\0" * 64)).original_name == "anh.JPEG"
