"""One document typed three ways gives the same directives: the .txt, the .docx written from it (python-docx: a
header table, justified paragraphs with a first-line indent, a bordered task table, the signature beside "Nơi
nhận", a running header and page numbers) and the .pdf LibreOffice prints from that .docx (lines wrapped mid-date
and across pages, a table broken by a page). Built by tests/resolutions/documents/build_fixtures.py."""
import json
import re

import pytest

from resolutions.parsing import parse_file

from tests.resolutions.parsing._expected import DOCUMENTS, SHIPPED, differences

THREE_FORMS = DOCUMENTS / "three_forms"
NAMES = sorted(p.stem for p in THREE_FORMS.glob("*.txt"))
FIELDS = ("label", "lead_units", "coordinating_units", "scope_groups", "unmatched", "deadline", "ongoing",
          "needs_deadline")


def _text(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _directives(result: dict) -> list[dict]:
    return [{"text": _text(d["text"]), **{f: d[f] for f in FIELDS}} for d in result["directives"]]


def _set_aside(result: dict) -> list[tuple[str, str]]:
    return [(_text(s["text"]), s["reason"]) for s in result["set_aside"]]


def test_there_are_four_documents_of_different_shapes_each_in_three_forms():
    assert len(NAMES) >= 4
    for name in NAMES:
        for ext in ("docx", "pdf", "expected.json"):
            assert (THREE_FORMS / f"{name}.{ext}").exists(), f"{name}.{ext}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_the_docx_and_the_pdf_give_the_directives_of_the_txt(name, form):
    txt = parse_file(THREE_FORMS / f"{name}.txt", f"{name}.txt", directory=SHIPPED).to_json()
    other = parse_file(THREE_FORMS / f"{name}.{form}", f"{name}.{form}", directory=SHIPPED).to_json()
    assert txt["directives"], "the source has directives to compare"
    assert _directives(other) == _directives(txt)
    assert _set_aside(other) == _set_aside(txt)


@pytest.mark.parametrize("name", NAMES)
def test_the_pdf_reads_as_the_careful_reader_of_the_txt_expects(name):
    """The same yardstick as the corpus: what a human read in the .txt, now found in the printed PDF. Only the
    directives' fields are held to it here; the .txt itself answers to it in the corpus tests."""
    expected = json.loads((THREE_FORMS / f"{name}.expected.json").read_text(encoding="utf-8"))
    txt = parse_file(THREE_FORMS / f"{name}.txt", f"{name}.txt", directory=SHIPPED).to_json()
    pdf = parse_file(THREE_FORMS / f"{name}.pdf", f"{name}.pdf", directory=SHIPPED).to_json()
    expected.pop("header", None)
    assert differences(expected, pdf) == differences(expected, txt)


def test_the_pdf_fixtures_are_what_the_test_says_they_are():
    """Two pages or more, the running header and page numbers printed on each page, a date wrapped to the next line,
    and (in the plan) a task table broken by a page: the hard parts are there to be read past."""
    import pdfplumber
    wrapped_date = False
    for name in NAMES:
        with pdfplumber.open(THREE_FORMS / f"{name}.pdf") as pdf:
            assert len(pdf.pages) >= 2, name
            texts = [page.extract_text() or "" for page in pdf.pages]
        assert all(re.search(r"Trang \d+/\d+", t) for t in texts), name
        assert all(t.splitlines()[0].startswith(("Kết luận số", "Chỉ thị số", "Kế hoạch số", "Công văn số"))
                   for t in texts), name
        wrapped_date = wrapped_date or any(re.search(r"(?:ngày|tháng|quý|trước)\n\d|\d/\n\d", t) for t in texts)
    assert wrapped_date
    with pdfplumber.open(THREE_FORMS / "s_ke_hoach_chuyen_doi_so_2023.pdf") as pdf:
        pages_with_table = [p.page_number for p in pdf.pages if p.find_tables()]
    assert len(pages_with_table) >= 2


def test_the_running_header_and_page_numbers_are_not_read_as_text():
    for name in NAMES:
        result = parse_file(THREE_FORMS / f"{name}.pdf", f"{name}.pdf", directory=SHIPPED)
        assert not re.search(r"Trang \d+/\d+", result.text), name
        assert "của Ban Thường vụ Tỉnh ủy\n" not in result.text.split("\n\n", 1)[0]
        first_line = result.text.split("\n", 1)[0]
        assert not first_line.startswith(("Kết luận số", "Chỉ thị số", "Kế hoạch số", "Công văn số")), name


def test_a_task_table_broken_by_a_page_is_one_table_with_its_rows_whole():
    from resolutions.parsing.blocks import Table
    from resolutions.parsing.readers import file_blocks, read_input
    txt = [b for b in file_blocks(read_input(THREE_FORMS / "s_ke_hoach_chuyen_doi_so_2023.txt")) if isinstance(b, Table)]
    pdf = [b for b in file_blocks(read_input(THREE_FORMS / "s_ke_hoach_chuyen_doi_so_2023.pdf")) if isinstance(b, Table)]
    assert len(pdf) == len(txt) == 1
    assert [[_text(c) for c in row] for row in pdf[0].rows] == [[_text(c) for c in row] for row in txt[0].rows]
