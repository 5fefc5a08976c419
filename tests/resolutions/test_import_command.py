"""python manage.py import_resolution PATH [--dry-run] [--format json] [--default-lead CODE] (a contract)."""
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from intake.demo import GOLDEN_PATH, SPEECH_PATH
from resolutions.models import Directive, Resolution
from units.directory import sync_unit_directory
from tasks.models import Assignment, Task
from units.models import Unit

pytestmark = pytest.mark.django_db

# The shared scorer beside the checkout (as tests/resolutions/parsing/test_seed_and_documents.py finds it).
SCORER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "score_directives.py"
GOLDEN = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))
DOCUMENTS = Path(__file__).resolve().parent / "documents"


@pytest.fixture
def directory(db):
    sync_unit_directory()


def counts():
    return (Resolution.objects.count(), Directive.objects.count(), Task.objects.count(),
            Assignment.objects.count())


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_resolution", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_json(*args):
    out, err = run(*args, "--format", "json")
    return json.loads(out), err


def refusal(*args):
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 1
    return str(info.value)


# --- the worked example ------------------------------------------------------------------------------------


def test_the_seed_gives_exactly_the_16_directives_of_the_careful_reading(directory, tmp_path):
    output, _err = run_json(SPEECH_PATH, "--dry-run")
    assert set(output) >= {"directives", "skipped", "header", "warnings"}
    found = output["directives"]
    expected = GOLDEN["directives"]
    assert len(found) == len(expected)
    for got, want in zip(found, expected):
        place = f"{want['section']} {want['label']}"
        assert (got["section"], got["label"]) == (want["section"], want["label"]), place
        assert want["starts_with"] in got["text"], place
        assert got["deadline"] == want["deadline"], place
        assert got["ongoing"] == want["ongoing"], place
        assert got["lead_units"] == want["lead_units"], place
        assert got["coordinating_units"] == want["coordinating_units"], place
        assert got["scope_groups"] == want["scope_groups"], place
        assert isinstance(got["lead_as_written"], list) and isinstance(got["unmatched"], list)
        assert "deadline_text" in got and "coordinating_as_written" in got
    if SCORER.exists():  # the shared scorer, as the acceptance check runs it
        out = tmp_path / "out.json"
        out.write_text(json.dumps(output, ensure_ascii=False), encoding="utf-8")
        scored = subprocess.run([sys.executable, str(SCORER), str(GOLDEN_PATH), str(out)],
                                capture_output=True, text=True, check=True)
        score = json.loads(scored.stdout)
        assert score["matched"] == score["expected"] == score["found"] == 16
        for key in ("deadline_ok", "ongoing_ok", "lead_ok", "coord_ok"):
            assert score[key] == 16, key
        assert score["missed"] == [] and score["extra"] == []


def test_the_skipped_paragraphs_come_with_their_reasons(directory):
    output, _err = run_json(SPEECH_PATH, "--dry-run")
    assert output["skipped"] and all(item["reason"] for item in output["skipped"])
    assert output["header"]["kind"] == "Phát biểu bế mạc"


def test_a_dry_run_writes_nothing(directory):
    before = counts()
    run(SPEECH_PATH, "--dry-run")
    run(SPEECH_PATH, "--dry-run", "--format", "json")
    assert counts() == before == (0, 0, 0, 0)


def test_a_dry_run_on_a_document_already_recorded_still_prints_it_with_a_warning(directory):
    run(SPEECH_PATH, "--default-lead", "VPTU")
    before = counts()
    output, err = run_json(SPEECH_PATH, "--dry-run")
    assert len(output["directives"]) == 16
    assert any("đã được nhập trước đây" in warning for warning in output["warnings"])
    assert "đã được nhập trước đây" in err
    assert counts() == before


def test_without_units_in_the_database_the_shipped_directory_is_used_with_a_warning():
    output, err = run_json(SPEECH_PATH, "--dry-run")
    assert len(output["directives"]) == 16
    assert output["directives"][-1]["lead_units"] == ["Ban Tuyên giáo Tỉnh ủy"]
    assert "danh mục đơn vị mặc định" in err and output["warnings"]


def test_the_text_output_speaks_vietnamese_and_never_says_heading(directory):
    out, _err = run(SPEECH_PATH, "--dry-run")
    assert "16 nội dung chỉ đạo" in out and "Chủ trì:" in out
    assert "theo đề mục" in out and "heading" not in out


# --- recording ---------------------------------------------------------------------------------------------


def test_directives_without_a_lead_are_listed_and_nothing_is_recorded(directory):
    message = refusal(SPEECH_PATH)
    assert "chưa có đơn vị chủ trì" in message
    assert "I.3 (4)" in message and "IV.3 (3)" in message
    assert "--default-lead" in message
    assert counts() == (0, 0, 0, 0)


def test_with_a_default_lead_the_document_its_directives_and_tasks_are_recorded_in_one_go(directory):
    output, _err = run_json(SPEECH_PATH, "--default-lead", "VPTU", "--issued-on", "15/04/2022")
    resolution = Resolution.objects.get()
    assert output["recorded"]["resolution"] == resolution.pk
    assert resolution.kind == Resolution.Kind.PHAT_BIEU and str(resolution.issued_on) == "2022-04-15"
    assert resolution.directives.count() == 16
    assert output["recorded"]["tasks"] == Task.objects.count() > 16
    without = resolution.directives.get(section_path="I.3", label="(4)")
    [task] = without.tasks.all()
    assert task.assignments.get(role=Assignment.Role.LEAD).unit.code == "VPTU"
    named = resolution.directives.get(section_path="IV.3", label="(4)")
    [task] = named.tasks.all()
    assert task.assignments.get(role=Assignment.Role.LEAD).unit.code == "BTGTU"
    assert resolution.original_file.name.endswith(".txt")


def test_importing_the_same_document_again_is_refused_with_exit_code_1(directory):
    path = DOCUMENTS / "ket_luan_danh_so_tu_dong.docx"
    run(path)
    before = counts()
    message = refusal(path)
    assert "đã được nhập trước đây" in message
    assert counts() == before


def test_an_unknown_default_lead_is_refused(directory):
    assert "VPXX" in refusal(SPEECH_PATH, "--default-lead", "VPXX")
    assert counts() == (0, 0, 0, 0)


def test_a_missing_issue_date_is_recorded_as_today_with_a_warning(directory):
    from django.utils import timezone

    out, err = run(SPEECH_PATH, "--default-lead", "VPTU")
    assert "ngày ban hành" in err
    assert Resolution.objects.get().issued_on == timezone.localdate()
    assert "Đã ghi văn bản" in out


def test_a_wrong_issue_date_or_user_is_refused(directory):
    assert "không hợp lệ" in refusal(SPEECH_PATH, "--issued-on", "31/02/2022", "--dry-run")
    assert "ai-do" in refusal(SPEECH_PATH, "--user", "ai-do", "--dry-run")


# --- hostile files (RELIABILITY row 14) ----------------------------------------------------------------------


def _broken_docx(path):
    path.write_bytes(b"PK\x03\x04" + b"\x00this is not a zip" * 200)


def _scanned_pdf(path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)


def _fifty_mb(path):
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)


@pytest.mark.parametrize("name, make, message", [
    ("rong.txt", lambda p: p.write_bytes(b""), "rỗng"),
    ("nhi_phan.txt", lambda p: p.write_bytes(bytes(range(256)) * 64), "không phải văn bản"),
    ("lon.txt", _fifty_mb, "quá lớn"),
    ("hong.docx", _broken_docx, ".docx"),
    ("hong.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n" + b"\x00broken" * 300), "PDF"),
    ("scan.pdf", _scanned_pdf, "không có lớp văn bản"),
], ids=["empty", "binary", "50MB", "malformed-docx", "malformed-pdf", "pdf-without-text"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "record"])
def test_a_file_that_cannot_be_read_exits_with_a_vietnamese_message_and_writes_nothing(
        directory, tmp_path, name, make, message, dry_run):
    path = tmp_path / name
    make(path)
    text = refusal(path, *(["--dry-run"] if dry_run else []))
    assert message in text
    assert counts() == (0, 0, 0, 0)


def test_a_path_that_does_not_exist_is_named(directory, tmp_path):
    assert "khong-co.txt" in refusal(tmp_path / "khong-co.txt")


def test_the_command_line_prints_one_json_object_and_exits_non_zero_on_a_bad_file(tmp_path):
    """The contract as a script sees it: stdout is one JSON object; a bad file exits non-zero."""
    import os

    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    subprocess.run([sys.executable, str(manage), "migrate", "-v0"], env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, str(manage), "import_resolution", str(SPEECH_PATH), "--dry-run",
                           "--format", "json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0
    assert len(json.loads(done.stdout)["directives"]) == 16
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    done = subprocess.run([sys.executable, str(manage), "import_resolution", str(empty)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1 and "rỗng" in done.stderr and done.stdout == ""
