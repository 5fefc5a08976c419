"""/resolutions/import/ refuses every bad input with a message in Vietnamese and writes nothing: an unreadable or empty
file, a scan without text, a file over the limit, any edit post (fuzzed), a post without the CSRF token."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.views import DRAFTS_KEY
from tests.factories import office_user
from tests.resolutions.wizard_support import (  # noqa: F401, F811 (fixtures: directory, office)
    DOCUMENT,
    IMPORT_URL,
    counts,
    directory,
    drafts,
    office,
    review_url,
    the_draft,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, content, message", [
    ("rong.txt", b"", "rỗng"),
    ("anh.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "không phải văn bản"),
    ("hong.docx", b"PK\x03\x04" + b"\x00garbage" * 100, ".docx bị hỏng"),
    ("nhi_phan.txt", bytes(range(256)) * 50, "không phải văn bản"),
    ("hong.pdf", b"%PDF-1.4\n" + b"\x00broken" * 300, "PDF"),
], ids=["empty", "image", "broken-docx", "binary", "broken-pdf"])
def test_a_file_that_cannot_be_read_is_refused_in_vietnamese_and_nothing_is_kept(office, name, content, message):
    response = office.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not drafts(office) and counts() == (0, 0, 0, 0)


def test_a_pdf_without_text_is_refused_as_a_scan(office):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = office.post(IMPORT_URL, {"file": SimpleUploadedFile("scan.pdf", buffer.getvalue())})
    assert response.status_code == 400
    assert "PDF không có lớp văn bản" in response.content.decode()
    assert not drafts(office)


def test_a_file_over_20_mb_is_dropped_while_it_arrives(office):
    big = SimpleUploadedFile("lon.txt", b"a" * (21 * 1024 * 1024))
    response = office.post(IMPORT_URL, {"file": big})
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
    assert not drafts(office)


def test_nothing_chosen_or_both_chosen_is_explained(office):
    response = office.post(IMPORT_URL, {"text": "   "})
    assert response.status_code == 400 and "Hãy chọn tệp" in response.content.decode()
    response = office.post(IMPORT_URL, {"text": DOCUMENT, "file": SimpleUploadedFile("a.txt", DOCUMENT.encode())})
    assert response.status_code == 400 and "không cả hai" in response.content.decode()


def test_the_skipped_paragraphs_are_listed_with_their_reasons_folded_away(office):
    from intake.demo import speech_text

    upload(office, text=speech_text())
    draft = the_draft(office)
    page = office.get(review_url(draft)).content.decode()
    # 43 set aside in all: those with an assignment, a unit or a date to look at again, the rest folded away
    assert len(draft["skipped"]) + len(draft["set_aside"]) == 43
    assert f"{len(draft['skipped'])} đoạn không phải nội dung chỉ đạo (đã bỏ qua)" in page
    assert "<details" in page and "Lời chào, lời mở đầu" in page
    assert "Không nhận là nội dung chỉ đạo — kiểm tra lại" in page


def test_pasted_text_without_any_directive_still_opens_a_review_that_says_so(office):
    response = upload(office, text="Hôm nay trời đẹp. Chúng tôi đi chơi công viên.")
    assert response.status_code == 302
    page = office.get(response["Location"]).content.decode()
    assert "Không tìm thấy nội dung chỉ đạo nào" in page


_VALUES = st.one_of(
    st.text(max_size=40), st.sampled_from(["unit:1", "group:cap_uy", "group:", "unit:x", "31/02/2022", "\x00",
                                           "quarterly", "drop:", "merge:zz", "split:", "next", "save", "9" * 30]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_any_item_edit_post_is_answered_without_a_server_error_and_writes_nothing(office, data):
    session = office.session
    session.pop(DRAFTS_KEY, None)
    session.save()
    upload(office)
    draft = the_draft(office)
    ids = [item["id"] for item in draft["items"]] + ["zz", ""]
    fields = ["shown", "leads", "coordinating", "deadline", "report_cycle", "split_at", "split_from"]
    # Positions are drawn, not ids: the ids are new with every draft.
    keys = st.one_of(
        st.builds(lambda i, f: f"item-{ids[i]}-{f}", st.integers(0, len(ids) - 1), st.sampled_from(fields)),
        st.sampled_from(["doc-kind", "doc-title", "doc-issued_on", "doc-number"]),
    )
    post = data.draw(st.dictionaries(keys, st.one_of(_VALUES, st.lists(_VALUES, max_size=3)), max_size=12))
    post["op"] = data.draw(st.one_of(
        st.sampled_from(["save", "next", "", "cancel:x", "\x00"]),
        st.builds(lambda o, i: f"{o}:{ids[i]}", st.sampled_from(["drop", "merge", "split", "x"]),
                  st.integers(0, len(ids) - 1)),
    ))
    htmx = data.draw(st.booleans())
    response = office.post(review_url(draft), post, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code < 500
    if response.status_code == 302 and "confirm" in response["Location"]:
        assert office.get(response["Location"]).status_code < 500
    assert counts() == (0, 0, 0, 0)


def test_an_upload_without_the_csrf_token_is_refused(directory):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user())
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("kl.txt", DOCUMENT.encode())})
    assert response.status_code == 403
    assert not client.session.get(DRAFTS_KEY)


def _docx_bomb(unpacked: int) -> bytes:
    """A .docx of a few hundred KB whose document.xml unpacks to `unpacked` bytes: built here, never committed."""
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            block = b"<w:p><w:r><w:t>Giao Ban Tuyen giao</w:t></w:r></w:p>" * 20000
            for _ in range(unpacked // len(block)):
                fh.write(block)
    return buf.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("bom.docx", lambda: _docx_bomb(191 * 1024 * 1024), "Tệp .docx giải nén ra quá lớn (190 MB, tối đa 20 MB)"),
    ("dai.txt", lambda: b"Giao So Tai chinh ra soat. " * (19 * 1024 * 1024 // 27), "Tệp văn bản quá lớn (19 MB, tối đa 4 MB)"),
], ids=["docx-bomb", "19mb-txt"])
def test_an_upload_over_a_limit_inside_the_file_is_refused_with_the_limit_in_vietnamese(office, name, content, message):
    import html
    response = office.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content())})
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not drafts(office) and counts() == (0, 0, 0, 0)
