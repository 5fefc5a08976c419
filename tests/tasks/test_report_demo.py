"""The quarterly report on the demo's history, opened in LibreOffice as the office opens it: the busiest quarter
reads in at most eight pages before its appendix, the document is named once in section II, and the pages are
drawn as images (test-artifacts/screenshots/report-demo-*.png) for a person to look at."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.test import override_settings
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from oversight.dashboard.periods import parse_period_key
from resolutions.models import Resolution
from tasks.filters import in_period
from tasks.models import Task
from tests.office_docs import draw_pages, page_count, to_pdf

pytestmark = pytest.mark.django_db

SUMMARY_PAGES = 8


@pytest.fixture(scope="module")
def demo(shared_db):
    with shared_db, override_settings(DEBUG=True):
        call_command("load_demo", "--password", "Mat-khau-demo-2022", stdout=io.StringIO())


def busiest_quarter() -> str:
    """The quarter with the most tasks due, as the demo stands (never written down: the demo may change)."""
    row = (Task.objects.exclude(status=Task.Status.CANCELLED).filter(deadline__isnull=False)
           .annotate(year=ExtractYear("deadline"), quarter=ExtractQuarter("deadline"))
           .values("year", "quarter").annotate(n=Count("id")).order_by("-n", "-year", "-quarter").first())
    return f"{row['year']}-Q{row['quarter']}"


@pytest.fixture
def report(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="vanphong"))
    response = client.get(reverse("oversight:report"), {"period": busiest_quarter()})
    assert response.status_code == 200
    return response.content


def body_texts(document) -> list[str]:
    """Every paragraph of the body in reading order, tables' cells included."""
    out = []
    for element in document.element.body.iterchildren():
        if element.tag in (qn("w:p"), qn("w:tbl")):
            out.append("".join(node.text or "" for node in element.iter(qn("w:t"))))
    return out


def test_the_busiest_quarter_reads_in_a_few_pages_before_its_appendix(report, tmp_path):
    source = tmp_path / "bao-cao-quy.docx"
    source.write_bytes(report)
    pdf = to_pdf(source, tmp_path)
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        pages = [page.extract_text() or "" for page in opened.pages]
    appendix = next(n for n, text in enumerate(pages) if "PHỤ LỤC" in text)
    draw_pages(pdf, "report-demo", first=appendix + 1, resolution=70)
    assert 1 <= appendix <= SUMMARY_PAGES, f"{appendix} pages before the appendix"
    assert "BÁO CÁO" in pages[0] and "TÌNH HÌNH CHUNG" in pages[0]
    assert page_count(pdf) > appendix  # the appendix follows, with the tasks
    assert "CHI TIẾT CÁC NHIỆM VỤ TRONG KỲ" in pages[appendix]


def test_each_document_is_named_once_in_section_two(report):
    document = Document(io.BytesIO(report))
    texts = body_texts(document)
    start = next(i for i, t in enumerate(texts) if t.startswith("II. "))
    end = next(i for i, t in enumerate(texts) if t.startswith("III. "))
    section_two = "\n".join(texts[start:end])
    named = [r for r in Resolution.objects.all() if r.title in section_two]
    assert named, "section II names no document"
    for resolution in named:
        assert section_two.count(resolution.title) == 1, resolution.title
        assert f"{resolution.get_kind_display()}: {resolution.title}" not in section_two


def test_the_appendix_has_a_row_per_task_of_the_quarter(report):
    document = Document(io.BytesIO(report))
    table = next(t for t in document.tables
                 if [c.text for c in t.rows[0].cells[:3]] == ["STT", "Đơn vị chủ trì", "Nhiệm vụ"])
    numbered = [row.cells[0].text for row in table.rows[1:] if row.cells[0].text.isdigit()]
    period = parse_period_key(busiest_quarter())
    # The period's tasks by the task list's own rule: due in it, or ongoing and assigned in it.
    due = Task.objects.exclude(status=Task.Status.CANCELLED).filter(in_period(period.start, period.end)).count()
    assert numbered == [str(n) for n in range(1, due + 1)]
