"""Whatever it is fed, the parser returns a result or a ParseError with a message; it never crashes."""
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resolutions.parsing import ParseError, ParseResult, parse_file, parse_text

from tests.resolutions.parsing._expected import DOCUMENTS

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = ["I.", "II/", "1.", "2.1.", "(1)", "(2)", "a)", "-", "⁃", "•", "+", "*", "Thứ nhất,", "Một là,",
          "Giao", "Đề nghị", "Ban Tổ chức Tỉnh ủy", "chủ trì,", "phối hợp với", "Sở Tài chính", "UBND tỉnh",
          "Cấp uỷ, chính quyền", "các cơ quan, đơn vị", "MTTQ và các đoàn thể chính trị - xã hội", "trước ngày",
          "30/6/2022", "31/2/2022", "ngày 99 tháng 13 năm 2022", "quý II/2022", "quí V", "tháng 13/2022",
          "6 tháng đầu năm", "cuối năm", "dịp 30/4 và 1/5", "thường xuyên", "tiếp tục", "Kết quả đạt được",
          "Hạn chế", "NHIỆM VỤ", "Kính thưa", "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Số 15-KL/TU",
          "KẾT LUẬN", "của", "và", ",", ";", ":", ".", "(", ")", '"', "\n", "\n\n", "\t", "  "]


@FAST
@given(st.text(max_size=3000))
def test_any_text_gives_a_result_or_a_parse_error(text):
    try:
        result = parse_text(text)
    except ParseError as exc:
        assert str(exc)
    else:
        assert isinstance(result, ParseResult)
        result.to_json()


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=200).map(" ".join))
def test_document_shaped_nonsense_gives_a_result_or_a_parse_error(text):
    try:
        result = parse_text(text, reference_year=2022)
    except ParseError as exc:
        assert str(exc)
    else:
        for d in result.directives:
            assert d.text and (d.deadline is None or d.deadline.year >= 1900)
        result.to_json()


@FAST
@given(st.binary(max_size=4000))
def test_any_bytes_give_a_result_or_a_parse_error(data):
    try:
        parse_file(data, "tep.bin").to_json()
    except ParseError as exc:
        assert str(exc)


def _mutations():
    docx = (DOCUMENTS / "ket_luan_danh_so_tu_dong.docx").read_bytes()
    pdf = (DOCUMENTS / "ket_luan_nong_nghiep.pdf").read_bytes()
    return st.tuples(st.sampled_from([docx, pdf]), st.integers(0, 40000), st.binary(min_size=1, max_size=64))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_damaged_docx_and_pdf_give_a_result_or_a_parse_error(case):
    data, at, junk = case
    at = at % len(data)
    damaged = data[:at] + junk + data[at + len(junk):]
    try:
        parse_file(damaged, "hong").to_json()
    except ParseError as exc:
        assert str(exc)


@FAST
@given(st.text(max_size=500))
def test_any_text_inside_a_word_file_gives_a_result_or_a_parse_error(text):
    from docx import Document
    doc = Document()
    for line in text.split("\n"):
        try:
            doc.add_paragraph(line)
        except ValueError:  # XML cannot hold some control characters; Word files never do either
            return
    buf = io.BytesIO()
    doc.save(buf)
    try:
        parse_file(buf.getvalue(), "x.docx").to_json()
    except ParseError as exc:
        assert str(exc)


def test_a_zip_bomb_dressed_as_docx_is_refused(monkeypatch):
    from resolutions.parsing import readers
    monkeypatch.setattr(readers, "MAX_UNZIPPED", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a>" + b" " * (2 * 1024 * 1024) + b"</a>")
    assert len(buf.getvalue()) < 20000
    try:
        parse_file(buf.getvalue(), "bom.docx")
    except ParseError as exc:
        assert "quá lớn" in str(exc)
    else:
        raise AssertionError("a zip bomb was parsed")
