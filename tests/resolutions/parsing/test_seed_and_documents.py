"""The worked example and the hand-checked documents parse to exactly the directives a careful reader lists."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from resolutions.parsing import parse_file, parse_text
from resolutions.parsing.classify import REASONS

from tests.resolutions.parsing._expected import DOCUMENTS, SHIPPED, differences, expectations, load

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "intake" / "demo" / "hau_giang_2022_04_closing_speech.txt"
SEED_GOLDEN = REPO / "intake" / "demo" / "seed_directives.json"
SCORER = REPO.parent / "shared" / "tools" / "score_directives.py"


def test_the_closing_speech_gives_exactly_its_sixteen_directives():
    output = parse_file(SEED, SEED.name, directory=SHIPPED).to_json()
    assert differences(load(SEED_GOLDEN), output) == []


def test_the_closing_speech_scores_perfectly_with_the_shared_scorer(tmp_path):
    if not SCORER.exists():
        pytest.skip("shared/tools is not beside this checkout")
    out = tmp_path / "out.json"
    out.write_text(json.dumps(parse_file(SEED, SEED.name, directory=SHIPPED).to_json(), ensure_ascii=False), encoding="utf-8")
    score = json.loads(subprocess.run([sys.executable, str(SCORER), str(SEED_GOLDEN), str(out)],
                                      capture_output=True, text=True, check=True).stdout)
    assert score == {"expected": 16, "found": 16, "matched": 16, "deadline_ok": 16, "ongoing_ok": 16,
                     "lead_ok": 16, "lead_total": 16, "coord_ok": 16, "coord_total": 16, "missed": [], "extra": []}


def test_the_closing_speech_reports_every_skipped_item_with_a_vietnamese_reason():
    result = parse_file(SEED, SEED.name, directory=SHIPPED)
    skipped = {(s.section, s.label) for s in result.skipped}
    # the results of quarter I and the shortcomings of II and IV are numbered like directives
    assert {("I.1", "(1)"), ("I.1", "(6)"), ("II.Kết quả đạt được", "(3)"), ("II.Về hạn chế", "(1)"),
            ("IV.1", "(3)"), ("IV.2", "(2)")} <= skipped
    assert all(s.reason and s.reason[0].isupper() for s in result.skipped)
    assert any("hạn chế" in s.reason for s in result.skipped)


def test_the_one_off_directive_without_a_date_is_flagged_as_needing_one():
    result = parse_file(SEED, SEED.name, directory=SHIPPED)
    flagged = [d for d in result.directives if d.needs_deadline]
    assert [(d.section, d.label) for d in flagged] == [("IV.3", "(4)")]


@pytest.mark.parametrize("expected_file", expectations(), ids=lambda p: p.name.split(".")[0])
def test_each_document_gives_the_directives_a_careful_reader_lists(expected_file):
    expected = load(expected_file)
    output = parse_file(DOCUMENTS / expected["document"], expected["document"], directory=SHIPPED).to_json()
    assert differences(expected, output) == []
    # whatever was left out is said, with one of the parser's Vietnamese reasons
    assert output["skipped"] and {s["reason"] for s in output["skipped"]} <= set(REASONS.values())
    assert [d["order"] for d in output["directives"]] == list(range(1, len(output["directives"]) + 1))


def test_there_are_at_least_eight_documents_of_other_shapes():
    kinds = {p.name.split(".")[-1] for p in DOCUMENTS.iterdir() if p.suffix in (".txt", ".docx", ".pdf")}
    assert len(expectations()) >= 8 and {"txt", "docx", "pdf"} <= kinds


@pytest.mark.parametrize("name", ["thong_bao_ket_luan_du_an", "chi_thi_pccc", "thong_bao_lam_viec_long_my",
                                  "phat_bieu_lam_viec_phung_hiep"])
@pytest.mark.parametrize("width", [60, 72, 80])
def test_a_hard_wrapped_copy_with_page_numbers_gives_the_same_directives(name, width):
    """Text pasted from a PDF or an e-mail: lines broken at the margin, a page number every 40 lines."""
    import textwrap
    lines = []
    for paragraph in (DOCUMENTS / f"{name}.txt").read_text(encoding="utf-8").split("\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    for k in range(40, len(lines), 40):
        lines.insert(k, str(k // 40 + 1))
    output = parse_text("\n".join(lines), directory=SHIPPED).to_json()
    assert differences(load(DOCUMENTS / f"{name}.expected.json"), output) == []
