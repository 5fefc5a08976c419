"""What the importer is fed: every encoding and format it accepts, and a clear Vietnamese refusal for the rest."""
import codecs
import io
import tracemalloc
import unicodedata
import zipfile

import pytest
from pypdf import PdfWriter

from resolutions.parsing import MAX_BYTES, ParseError, parse_file, parse_text

from tests.resolutions.documents.docx_fixtures import build_numbered
from tests.resolutions.parsing._expected import DOCUMENTS, SHIPPED

SHORT = ("KẾT LUẬN\n\n1. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy rà soát quy chế làm việc, "
         "hoàn thành trước ngày 30/6/2022.\n")


def refusal(data, name="tep"):
    with pytest.raises(ParseError) as info:
        parse_file(data, name)
    return str(info.value)


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),  # with a byte-order mark
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "nfd"])
def test_a_text_file_in_any_of_its_usual_encodings_gives_the_same_directive(encode):
    result = parse_file(encode(SHORT), "ket_luan.txt", directory=SHIPPED)
    [d] = result.directives
    assert d.lead_units == ["Ban Tổ chức Tỉnh ủy"] and d.coordinating_units == ["Văn phòng Tỉnh ủy"]
    assert d.text == unicodedata.normalize("NFC", d.text) and d.text.startswith("Giao Ban Tổ chức Tỉnh ủy")


def test_windows_1258_with_its_combining_tone_marks_reads_as_nfc_text():
    from tests.resolutions.documents.build_fixtures import cp1258
    result = parse_file(cp1258(SHORT), "ket_luan.txt", directory=SHIPPED)
    [d] = result.directives
    assert d.text.startswith("Giao Ban Tổ chức Tỉnh ủy chủ trì")
    assert str(d.deadline) == "2022-06-30"


def test_the_kind_of_file_is_read_from_its_content_not_its_name():
    docx = (DOCUMENTS / "ket_luan_danh_so_tu_dong.docx").read_bytes()
    pdf = (DOCUMENTS / "ket_luan_nong_nghiep.pdf").read_bytes()
    assert parse_file(docx, "nham_ten.txt").header.number == "27-KL/TU"
    assert parse_file(pdf, "nham_ten.docx").header.number == "41-KL/TU"
    assert parse_file(SHORT.encode(), "nham_ten.pdf").directives


def test_a_path_a_file_object_and_bytes_are_all_accepted(tmp_path):
    path = tmp_path / "kl.txt"
    path.write_text(SHORT, encoding="utf-8")
    for source in (path, str(path), io.BytesIO(SHORT.encode()), SHORT.encode()):
        assert len(parse_file(source, "kl.txt").directives) == 1


def test_the_auto_numbering_fixture_is_what_the_builder_writes(tmp_path):
    build_numbered(tmp_path / "n.docx")
    rebuilt = parse_file(tmp_path / "n.docx", "n.docx", directory=SHIPPED).to_json()
    committed = parse_file(DOCUMENTS / "ket_luan_danh_so_tu_dong.docx", "x.docx", directory=SHIPPED).to_json()
    assert rebuilt == committed
    assert [d["label"] for d in rebuilt["directives"]] == ["1.", "a)", "b)", "3.", "4."]


@pytest.mark.parametrize("data, words", [
    (b"", "rỗng"),
    (b"   \r\n\t  \n", "rỗng"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "ảnh PNG"),
    (b"\xff\xd8\xff\xe0" + bytes(200), "ảnh JPEG"),
    (b"MZ\x90\x00" + bytes(range(256)), "chương trình"),
    (bytes(range(256)) * 20, "không phải văn bản"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".doc"),
    (b"{\\rtf1\\ansi Ket luan}", "RTF"),
], ids=["empty", "blank", "png", "jpeg", "exe", "binary", "doc97", "rtf"])
def test_what_is_not_a_document_is_refused_in_vietnamese(data, words):
    assert words in refusal(data)


def test_a_damaged_docx_is_refused_as_damaged():
    good = (DOCUMENTS / "ket_luan_danh_so_tu_dong.docx").read_bytes()
    assert "hỏng" in refusal(good[: len(good) // 2], "kl.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>không đóng thẻ")
    assert "hỏng" in refusal(buf.getvalue(), "kl.docx")


def test_a_zip_that_is_not_word_says_what_it_is():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel" in refusal(buf.getvalue(), "bang.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("anh.png", b"\x89PNG")
    assert "không phải tệp Word" in refusal(buf.getvalue(), "nen.zip")


def test_a_pdf_without_a_text_layer_is_refused_as_a_scan():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    assert "scan" in refusal(buf.getvalue(), "scan.pdf")


def test_a_password_protected_pdf_is_refused():
    from pypdf import PdfReader
    writer = PdfWriter(clone_from=PdfReader(DOCUMENTS / "ket_luan_nong_nghiep.pdf"))
    writer.encrypt(user_password="mat-khau", owner_password="chu")
    buf = io.BytesIO()
    writer.write(buf)
    assert "mật khẩu" in refusal(buf.getvalue(), "kl.pdf")


def test_a_damaged_pdf_is_refused():
    pdf = (DOCUMENTS / "ket_luan_nong_nghiep.pdf").read_bytes()
    message = refusal(pdf[:800], "kl.pdf")
    assert "PDF" in message


def test_a_file_over_20_mb_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "lon.txt"
    with open(big, "wb") as fh:
        fh.seek(MAX_BYTES + 10)
        fh.write(b"x")
    assert "20 MB" in refusal(big, "lon.txt")
    assert "20 MB" in refusal(b"a" * (MAX_BYTES + 1), "lon.txt")


def test_an_upload_that_announces_its_size_is_refused_by_it():
    class Upload(io.BytesIO):
        size = 50 * 1024 * 1024
    assert "quá lớn" in refusal(Upload(b"KET LUAN"), "lon.txt")


def test_pasted_text_that_is_empty_is_refused():
    for text in ("", "   \n\n\t", "\u200b\ufeff"):
        with pytest.raises(ParseError, match="trống"):
            parse_text(text)


def test_a_text_with_no_directive_gives_an_empty_list_not_an_error():
    result = parse_text("Kết quả đạt được\n\n(1) Thu ngân sách đạt 105% dự toán.\n")
    assert result.directives == [] and result.skipped


def _word(build) -> bytes:
    from docx import Document
    doc = Document()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_word_file_with_heading_styles_bold_headings_line_breaks_and_a_tabbed_header():
    def build(doc):
        doc.add_paragraph("TỈNH ỦY HẬU GIANG\t\t\tĐẢNG CỘNG SẢN VIỆT NAM")
        doc.add_paragraph("Số 77-KL/TU\t\t\tHậu Giang, ngày 03 tháng 10 năm 2022")
        doc.add_paragraph("KẾT LUẬN").runs[0].bold = True
        doc.add_paragraph("về công tác dân vận")
        doc.add_heading("Kết quả đạt được", level=1)
        doc.add_paragraph("Công tác dân vận được các cấp ủy quan tâm, đạt nhiều kết quả.")
        doc.add_heading("Nhiệm vụ thời gian tới", level=1)
        p = doc.add_paragraph()
        p.add_run("Nhiệm vụ trọng tâm quý IV/2022").bold = True
        p = doc.add_paragraph("1. Ban Dân vận Tỉnh ủy chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tổ chức")
        p.runs[0].add_break()
        p.add_run("hội nghị đối thoại với Nhân dân.")
        p.add_run().add_break()
        p.add_run("2. Các huyện ủy, thị ủy, thành ủy thường xuyên nắm tình hình Nhân dân.")
    result = parse_file(_word(build), "kl.docx", directory=SHIPPED)
    assert (result.header.number, str(result.header.issued_on)) == ("77-KL/TU", "2022-10-03")
    first, second = result.directives
    assert first.text.endswith("tổ chức hội nghị đối thoại với Nhân dân.") and first.label == "1."
    assert first.lead_units == ["Ban Dân vận Tỉnh ủy"] and str(first.deadline) == "2022-12-31"
    assert second.label == "2." and second.scope_groups == ["cap_uy"] and second.ongoing
    assert "Nhiệm vụ thời gian tới" in first.section
    assert any("kết quả" in s.reason for s in result.skipped)


def test_a_word_table_numbered_by_word_itself_keeps_its_labels():
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from tests.resolutions.documents.docx_fixtures import _add_numbering

    def build(doc):
        _add_numbering(doc, 80, 81, [("decimal", "%1.", None)])
        doc.add_paragraph("KẾ HOẠCH")
        table = doc.add_table(rows=3, cols=4)
        for cell, text in zip(table.rows[0].cells, ("TT", "Nội dung công việc", "Đơn vị thực hiện", "Thời hạn")):
            cell.text = text
        rows = [("Tổ chức sơ kết Nghị quyết.", "Ban Tổ chức Tỉnh ủy", "Quý IV/2022"),
                ("Rà soát quy hoạch cán bộ.", "Ủy ban Kiểm tra Tỉnh ủy", "Tháng 11/2022")]
        for row, (content, lead, when) in zip(table.rows[1:], rows):
            numpr = OxmlElement("w:numPr")
            for tag, val in (("w:ilvl", "0"), ("w:numId", "81")):
                el = OxmlElement(tag)
                el.set(qn("w:val"), val)
                numpr.append(el)
            row.cells[0].paragraphs[0]._p.get_or_add_pPr().append(numpr)
            row.cells[0].paragraphs[0].add_run("")
            row.cells[1].text, row.cells[2].text, row.cells[3].text = content, lead, when
    result = parse_file(_word(build), "kh.docx", directory=SHIPPED, reference_year=2022)
    assert [(d.label, d.lead_units, str(d.deadline)) for d in result.directives] == [
        ("1.", ["Ban Tổ chức Tỉnh ủy"], "2022-12-31"), ("2.", ["Ủy ban Kiểm tra Tỉnh ủy"], "2022-11-30")]


def test_the_result_keeps_the_document_as_read():
    result = parse_file((DOCUMENTS / "ket_luan_nong_nghiep.pdf").read_bytes(), "kl.pdf", directory=SHIPPED)
    assert "Ban cán sự đảng UBND tỉnh lãnh đạo UBND tỉnh tập trung chỉ đạo" in result.text
    assert "\n\n" in result.text and "text" not in result.to_json()


# ---- limits, checked before the file is parsed: what the office sees is the limit, and the server stays small ---------
def _peak_refusal(data, name):
    """The refusal's message and the memory it took at its peak (MB)."""
    import tracemalloc
    tracemalloc.start()
    try:
        message = refusal(data, name)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    return message, peak


def _bomb(size: int, members: dict | None = None) -> bytes:
    """A .docx whose document.xml is `size` bytes of one repeated run: a few hundred KB packed."""
    buf = io.BytesIO()
    run = b"<w:p><w:r><w:t>Giao Ban T\xe1\xbb\x95 ch\xe1\xbb\xa9c t\xe1\xbb\x89nh \xe1\xbb\xa7y</w:t></w:r></w:p>"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            fh.write(b"<w:document><w:body>")
            block = run * (1024 * 1024 // len(run))
            for _ in range(size // len(block)):
                fh.write(block)
            fh.write(b"</w:body></w:document>")
        for name, content in (members or {}).items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_a_docx_that_unpacks_to_190_mb_is_refused_from_its_zip_directory_in_little_memory():
    data = _bomb(190 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    message, peak = _peak_refusal(data, "bom.docx")
    assert "giải nén ra quá lớn (190 MB, tối đa 20 MB)" in message
    assert peak < 50


def test_a_docx_part_packed_more_than_100_to_1_is_refused():
    data = _bomb(6 * 1024 * 1024)  # 6 MB of one repeated run: under the size limit, far over the ratio
    message, peak = _peak_refusal(data, "nen.docx")
    assert "nén bất thường" in message and "tối đa 100 lần" in message
    assert peak < 50


def test_a_docx_with_thousands_of_parts_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(2500):
            zf.writestr(f"word/media/a{i}.png", b"")
    assert "quá nhiều thành phần (2.501 tệp con, tối đa 2.000)" in refusal(buf.getvalue(), "nhieu.docx")


def test_a_docx_whose_document_lies_about_its_size_is_caught_while_unpacking():
    """The zip's directory says 1 KB; unpacking is counted (and stopped) all the same."""
    data = bytearray(_bomb(3 * 1024 * 1024))
    from resolutions.parsing import readers
    real = readers.MAX_UNZIPPED
    readers.MAX_UNZIPPED, readers.RATIO_FROM = 1024 * 1024, 10**12  # the ratio check is not what is tested
    try:
        zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
        info = zf.getinfo("word/document.xml")
        # forge the central directory's uncompressed size (offset 24 in its record)
        cd = bytes(data).rfind(b"PK\x01\x02")
        while bytes(data[cd + 46: cd + 46 + len(info.filename)]) != info.filename.encode():
            cd = bytes(data).rfind(b"PK\x01\x02", 0, cd)
        data[cd + 24: cd + 28] = (1024).to_bytes(4, "little")
        assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size == 1024
        message = refusal(bytes(data), "gia.docx")
    finally:
        readers.MAX_UNZIPPED, readers.RATIO_FROM = real, 2 * 1024 * 1024
    assert "hỏng" in message or "quá lớn" in message


def test_a_19_mb_text_file_is_refused_by_its_size_before_it_is_decoded():
    data = ("Giao Sở Tài chính rà soát. " * 800_000).encode("utf-8")[: 19 * 1024 * 1024]
    message, peak = _peak_refusal(data, "dai.txt")
    assert "Tệp văn bản quá lớn (19 MB, tối đa 4 MB)" in message
    assert peak < 50


def test_a_text_over_a_million_characters_is_refused_with_the_limit():
    message = refusal(("a " * 600_000).encode("utf-16"), "dai.txt")
    assert "tối đa 1.000.000 ký tự" in message


def test_a_pdf_over_200_pages_is_refused_by_its_page_count():
    writer = PdfWriter()
    for _ in range(201):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    assert "Tệp PDF quá dài (201 trang, tối đa 200 trang)" in refusal(buf.getvalue(), "dai.pdf")


def test_a_pdf_page_whose_drawing_unpacks_to_hundreds_of_mb_is_refused_in_little_memory():
    import zlib

    from pypdf.generic import DecodedStreamObject, NameObject
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"")
    inflater = zlib.compressobj(9)
    packed = b"".join(inflater.compress(b" " * (1024 * 1024)) for _ in range(200)) + inflater.flush()
    stream._data = packed
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    buf = io.BytesIO()
    writer.write(buf)
    assert len(buf.getvalue()) < 2 * 1024 * 1024
    message, peak = _peak_refusal(buf.getvalue(), "nang.pdf")
    assert "trang quá nặng" in message
    assert peak < 50


def test_a_pdf_with_more_than_a_million_characters_stops_being_read_there(monkeypatch):
    from resolutions.parsing import readers
    monkeypatch.setattr(readers, "MAX_CHARS", 500)
    message = refusal((DOCUMENTS / "ket_luan_nong_nghiep.pdf").read_bytes(), "kl.pdf")
    assert "tối đa 500 ký tự" in message


def test_pasted_text_is_held_to_the_same_length_as_a_file_before_it_is_read():
    from resolutions.parsing import readers

    text = "1. Sở Y tế rà soát. " * (readers.MAX_CHARS // 20 + 1000)
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match="Văn bản quá dài") as refused:
            parse_text(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "1.000.000 ký tự" in str(refused.value)
    assert peak < 5 * 1024 * 1024  # refused on its length, not after reading a million characters
