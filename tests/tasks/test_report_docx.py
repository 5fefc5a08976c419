"""The implementation report (.docx): the party's administrative layout, figures that agree with the database,
the units' own report excerpts, and a file LibreOffice converts to PDF."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from oversight.dashboard.links import COUNTED
from tasks.models import Task
from tasks.standing import Standing
from tests.factories import ProgressReportFactory, TaskFactory, UnitFactory, leader, member, office_user
from tests.tasks.dashboard_support import custom_query, lead_of, make_portfolio, truth

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fetch(client, params=None) -> bytes:
    response = client.get(reverse("oversight:report"), params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-thuc-hien-chi-dao-')
    return response.content


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def unit_tables(document):
    """The per-unit tables: those whose header starts with STT, Đơn vị chủ trì."""
    return [t for t in document.tables if [c.text for c in t.rows[0].cells[:2]] == ["STT", "Đơn vị chủ trì"]]


@pytest.fixture
def portfolio():
    return make_portfolio(100)


def test_the_report_has_the_party_administrative_layout(client, portfolio):
    client.force_login(office_user())
    today = timezone.localdate()
    document = Document(io.BytesIO(fetch(client, {"period": f"{today.year}-Q{(today.month - 1) // 3 + 1}"})))
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["TỈNH ỦY HẬU GIANG", "VĂN PHÒNG", "*", "Số:        -BC/VPTU"]
    party, _blank, place_date = right.paragraphs
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.runs[0].bold and party.runs[0].underline
    assert place_date.text == f"Hậu Giang, ngày {today:%d} tháng {today:%m} năm {today.year}"
    assert place_date.runs[0].italic
    body = texts(document)
    quarter = ["I", "II", "III", "IV"][(today.month - 1) // 3]
    assert "BÁO CÁO" in body
    assert (f"kết quả thực hiện các nội dung chỉ đạo của Ban Thường vụ Tỉnh ủy quý {quarter}/{today.year}"
            in body)
    signature = document.tables[-1].rows[0].cells
    assert signature[0].paragraphs[0].text == "Nơi nhận:"
    assert signature[1].paragraphs[0].text == "CHÁNH VĂN PHÒNG"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)] == [2.0, 2.0, 3.0, 1.5]
    fonts = {run.font.name for p in document.paragraphs for run in p.runs}
    assert fonts == {"Times New Roman"}
    sizes = {run.font.size for p in document.paragraphs for run in p.runs}
    assert Pt(13) in sizes and Pt(14) in sizes


def test_per_document_and_per_unit_rows_agree_with_the_database(client, portfolio):
    client.force_login(office_user())
    document = Document(io.BytesIO(fetch(client, custom_query(portfolio.period))))
    expected = truth(Task.objects.all(), portfolio.period, portfolio.today)
    # {(document pk or None, lead unit name): {standing: n}} from the database.
    cells = {}
    for standing, ids in expected.items():
        for task in Task.objects.filter(pk__in=ids).select_related("directive"):
            key = (task.directive.resolution_id if task.directive_id else None,
                   next(u.name for u in portfolio.units if u.pk == lead_of(task)))
            cells.setdefault(key, dict.fromkeys(COUNTED, 0))[standing] += 1
    tables = unit_tables(document)
    doc_keys = sorted({k[0] for k in cells}, key=lambda pk: (pk is None, pk and -next(
        d.issued_on.toordinal() for d in portfolio.documents if d.pk == pk)))
    assert len(tables) == len(doc_keys)
    seen = 0
    for table, doc_pk in zip(tables, doc_keys):
        for row in table.rows[1:-1]:
            values = [c.text for c in row.cells]
            counts = cells[(doc_pk, values[1])]
            in_progress = counts[Standing.ON_TRACK] + counts[Standing.DUE_SOON]
            assert values[2:] == [str(n) for n in (
                sum(counts.values()), counts[Standing.DONE_ON_TIME], counts[Standing.DONE_LATE],
                counts[Standing.OVERDUE], in_progress, counts[Standing.ONGOING])], values
            seen += 1
        assert table.rows[-1].cells[1].text == "Cộng"
    assert seen == len(cells)
    total = sum(len(ids) for ids in expected.values())
    summary = next(t for t in texts(document) if t.startswith("Tổng số"))
    assert summary.startswith(f"Tổng số {total} nhiệm vụ; hoàn thành đúng hạn "
                              f"{len(expected[Standing.DONE_ON_TIME])}; hoàn thành quá hạn "
                              f"{len(expected[Standing.DONE_LATE])}; quá hạn chưa hoàn thành "
                              f"{len(expected[Standing.OVERDUE])};")
    # Section III lists every overdue task of the period.
    overdue_table = next(t for t in document.tables if t.rows[0].cells[-1].text == "Số ngày quá hạn")
    assert len(overdue_table.rows) - 1 == len(expected[Standing.OVERDUE])


def test_the_units_own_latest_report_is_quoted_trimmed(client):
    unit = UnitFactory(name="Ban Dân vận Tỉnh ủy")
    task = TaskFactory(title="Tổng kết 10 năm thực hiện Nghị quyết", lead=unit,
                       deadline=timezone.localdate())
    ProgressReportFactory(task=task, text="Bản cũ không được trích.")
    ProgressReportFactory(task=task, text="Đã tổ chức hội nghị sơ kết tại 8 huyện. " + "Chi tiết kèm theo. " * 60)
    TaskFactory(title="Việc chưa báo cáo", lead=unit, deadline=timezone.localdate())
    client.force_login(office_user())
    body = texts(Document(io.BytesIO(fetch(client, {"period": str(timezone.localdate().year)}))))
    quoted = next(t for t in body if t.startswith("- Tổng kết 10 năm"))
    assert "Đã tổ chức hội nghị sơ kết tại 8 huyện." in quoted
    assert "Bản cũ" not in quoted
    assert quoted.endswith("…") and len(quoted) < 600
    assert any(t.startswith("- Việc chưa báo cáo") and t.endswith("chưa có báo cáo tiến độ.") for t in body)
    assert "Ban Dân vận Tỉnh ủy:" in body


def test_a_unit_leader_reports_on_the_unit_and_its_sub_units_only(client):
    parent = UnitFactory(name="Huyện ủy Châu Thành")
    child = UnitFactory(name="UBND huyện Châu Thành", parent=parent)
    elsewhere = UnitFactory(name="Thành ủy Vị Thanh")
    for unit in (parent, child, elsewhere):
        TaskFactory(lead=unit, deadline=timezone.localdate())
    client.force_login(leader(parent))
    document = Document(io.BytesIO(fetch(client, {"period": str(timezone.localdate().year)})))
    names = [row.cells[1].text for table in unit_tables(document) for row in table.rows[1:-1]]
    assert sorted(names) == ["Huyện ủy Châu Thành", "UBND huyện Châu Thành"]
    assert document.tables[0].rows[0].cells[0].paragraphs[1].text == "HUYỆN ỦY CHÂU THÀNH"


def test_an_officer_gets_404(client):
    client.force_login(member(UnitFactory()))
    assert client.get(reverse("oversight:report")).status_code == 404


@pytest.mark.parametrize("period, subject", [
    ("2026-H1", "6 tháng đầu năm 2026"),
    ("2025", "năm 2025"),
    ("custom&date_from=2026-02-01&date_to=2026-03-15", "từ ngày 01/02/2026 đến ngày 15/03/2026"),
])
def test_the_title_names_the_period(client, period, subject):
    client.force_login(office_user())
    response = client.get(reverse("oversight:report") + "?period=" + period)
    body = texts(Document(io.BytesIO(response.content)))
    assert f"kết quả thực hiện các nội dung chỉ đạo của Ban Thường vụ Tỉnh ủy {subject}" in body


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
def test_libreoffice_converts_the_report_to_pdf(client, portfolio, tmp_path):
    client.force_login(office_user())
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(fetch(client, custom_query(portfolio.period)))
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    # pypdf reorders some stacked Vietnamese diacritics when it extracts text; these lines come out whole.
    first = reader.pages[0].extract_text()
    assert "VĂN PHÒNG" in first and "-BC/VPTU" in first and "BÁO CÁO" in first
    assert len(reader.pages) >= 2
