"""/tasks/export.xlsx on the demo (load_demo), opened as the office opens it: in LibreOffice, printed to PDF.

What a reader of the printed sheets notices: no row's text runs over the next row, each page is one page wide (the
rightmost printed heading is on every page, the header row repeated), two sheets (by directive, by unit's task),
and a title that looks like a formula is printed as the words it is. The page images are kept under
test-artifacts/screenshots/export-xlsx-*.png.
"""
from __future__ import annotations

import io

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from oversight.exports import layout
from tasks.models import Task
from tests.factories import TaskFactory, UnitFactory, office_user
from tests.office_docs import draw_pages, page_count, to_pdf

pytestmark = pytest.mark.django_db

DIRECTIVE_HEADERS = ["STT", "Văn bản", "Mục", "Nội dung chỉ đạo", "Số đơn vị", "Đã hoàn thành", "Trong đó đúng hạn",
                     "Quá hạn", "Tình hình của đơn vị chậm nhất", "Hạn gần nhất"]
# The printed columns of the tasks' sheet; the rest stay on screen for sorting and filtering.
TASK_PRINTED_HEADERS = ["STT", "Nhiệm vụ", "Văn bản", "Nội dung chỉ đạo", "Đơn vị chủ trì", "Đơn vị phối hợp",
                        "Hạn xử lý", "Tình hình thực hiện", "Bước xử lý", "Tiến độ (%)", "Ngày hoàn thành"]
BY_DIRECTIVE, BY_UNIT = "Theo nội dung chỉ đạo", "Theo đơn vị"


@pytest.fixture(scope="module")
def demo(shared_db, tmp_path_factory):
    """The demo loaded once for the module; the office's export of it, as downloaded, and LibreOffice's PDF of it."""
    with shared_db, override_settings(DEBUG=True, VAR_DIR=tmp_path_factory.mktemp("var")):
        call_command("load_demo", password="Mat-khau-thu-2026", verbosity=0, stdout=io.StringIO())
        client = Client()
        client.force_login(get_user_model().objects.get(username="vanphong"))
        response = client.get(reverse("oversight:export"))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
    workdir = tmp_path_factory.mktemp("export")
    xlsx = workdir / "nhiem-vu.xlsx"
    xlsx.write_bytes(content)
    return xlsx


@pytest.fixture(scope="module")
def printed(demo):
    pdf = to_pdf(demo, demo.parent)
    draw_pages(pdf, "export-xlsx", first=page_count(pdf), resolution=60)
    return pdf


def row_borders(page) -> list[float]:
    """The heights on the page of the horizontal cell borders, i.e. where each printed row starts and ends."""
    tops = sorted(edge["top"] for edge in page.edges if edge["orientation"] == "h")
    borders: list[float] = []
    for top in tops:
        if not borders or top - borders[-1] > 1.0:
            borders.append(top)
    return borders


def page_text(page) -> str:
    return page.extract_text() or ""


def test_both_sheets_exist_with_their_headings_a_frozen_header_and_the_office_font(demo):
    workbook = load_workbook(demo)
    assert workbook.sheetnames == [BY_DIRECTIVE, BY_UNIT]
    directives, tasks = workbook[BY_DIRECTIVE], workbook[BY_UNIT]
    assert [cell.value for cell in directives[1]] == DIRECTIVE_HEADERS
    assert [cell.value for cell in tasks[1]][:len(TASK_PRINTED_HEADERS)] == TASK_PRINTED_HEADERS
    assert tasks.max_row - 1 == Task.objects.count()
    for sheet in (directives, tasks):
        assert sheet.freeze_panes.endswith("2")  # the header row stays in view
        assert sheet.print_title_rows == "$1:$1"  # and is printed on top of every page
        assert sheet.page_setup.orientation == "landscape"
        # One page wide (1 is the file format's default, which a writer may leave out), as tall as it needs.
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        cell = sheet.cell(row=2, column=2)
        assert (cell.font.name, cell.font.sz) == ("Times New Roman", 11)
        assert cell.alignment.wrap_text
    # One row per directive: 47 units' tasks of one directive are one row, its units counted.
    rows = list(directives.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len({(row[1], row[2]) for row in rows}) < tasks.max_row - 1
    assert max(row[4] for row in rows) > 40
    # The document's name written once: never "Phát biểu bế mạc: Phát biểu bế mạc …".
    assert all(not row[1].startswith("Phát biểu bế mạc: Phát biểu bế mạc") for row in rows)


def test_openpyxl_reads_back_each_row_height_set_from_its_wrapped_lines(demo):
    sheet = load_workbook(demo)[BY_DIRECTIVE]
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"]
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        lines = max(layout.line_count(value, width) for value, width in zip(row, widths, strict=True)
                    if isinstance(value, str))
        height = sheet.row_dimensions[number].height
        assert height == layout.row_height(lines)
        assert height >= lines * layout.LINE_HEIGHT
    # The document's long name takes several lines, and its rows are that tall.
    assert sheet.row_dimensions[2].height >= 3 * layout.LINE_HEIGHT


def test_in_libreoffice_no_row_runs_over_the_next_and_every_page_is_one_page_wide(printed):
    sheets_seen = set()
    with pdfplumber.open(printed) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = page_text(page)
            # Each page holds the header row, down to its rightmost printed column: nothing went to a second page
            # across.
            if "Hạn gần" in text:  # the heading wraps: "Hạn gần / nhất"
                sheets_seen.add(BY_DIRECTIVE)
            else:
                assert "Ngày hoàn" in text and "Bước xử lý" in text, f"page {number} lacks its rightmost heading"
                sheets_seen.add(BY_UNIT)
            assert "STT" in text
            borders = row_borders(page)
            assert len(borders) >= 3, f"page {number} shows no table"
            for char in page.chars:
                if char["text"].isspace():
                    continue
                assert char["x1"] <= page.width, f"page {number}: {char['text']} runs off the page"
                # A letter stays inside its row: no border line crosses it.
                crossed = [y for y in borders if char["top"] + 0.5 < y < char["bottom"] - 0.5]
                assert not crossed, f"page {number}: '{char['text']}' at {char['top']:.1f} crosses a row border"
    assert sheets_seen == {BY_DIRECTIVE, BY_UNIT}


def test_the_font_printed_is_readable(printed):
    """Fit to one page wide shrinks the sheet; the letters stay at 9 pt or more."""
    with pdfplumber.open(printed) as pdf:
        sizes = {round(char["size"], 1) for page in pdf.pages for char in page.chars if not char["text"].isspace()}
    assert min(sizes) >= 9


def test_a_title_that_looks_like_a_formula_is_written_and_printed_as_text(client, tmp_path):
    unit = UnitFactory()
    titles = ['=HYPERLINK("http://evil.example","Bấm vào đây")', "+84 cán bộ", "-1 đơn vị", "@SUM(A1:A2)"]
    for title in titles:
        TaskFactory(title=title, lead=unit)
    client.force_login(office_user())
    response = client.get(reverse("oversight:export") + f"?unit={unit.pk}")
    path = tmp_path / "formula.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = load_workbook(path)[BY_UNIT]
    cells = [sheet.cell(row=row, column=2) for row in range(2, 2 + len(titles))]
    assert sorted(cell.value for cell in cells) == sorted(titles)
    assert {cell.data_type for cell in cells} == {"s"}  # text, not a formula ("f")
    pdf = to_pdf(path, tmp_path)
    with pdfplumber.open(pdf) as document:
        text = "".join(page_text(page) for page in document.pages)
    assert "=HYPERLINK(" in text and "+84 cán bộ" in text and "@SUM(A1:A2)" in text
