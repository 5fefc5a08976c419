"""intake.scoring on small hand-made expectations and outputs, and the score_importer command on a folder."""
import json
import unicodedata

import pytest
from django.core.management import call_command

from intake.scoring import DocumentScore, field_problems, norm, pair_up, phrases_agree, score_document, totals

TOURISM = "Sở Văn hóa, Thể thao và Du lịch"
PROPAGANDA = "Ban Tuyên giáo Tỉnh ủy"


def directive(starts_with, **fields):
    e = {"starts_with": starts_with, "lead_units": [], "coordinating_units": [], "scope_groups": [],
         "unmatched": [], "deadline": None, "ongoing": False, "needs_deadline": True}
    e.update(fields)
    return e


def found(text, **fields):
    o = {"section": "", "label": "", "text": text, "lead_units": [], "coordinating_units": [], "scope_groups": [],
         "unmatched": [], "lead_as_written": [], "coordinating_as_written": [], "deadline": None, "ongoing": False,
         "needs_deadline": True}
    o.update(fields)
    return o


def output(*directives, set_aside=(), header=None):
    return {"directives": list(directives), "set_aside": list(set_aside), "skipped": [], "header": header or {}}


# --- pairing --------------------------------------------------------------------------------------------------


def test_pairing_reads_nfc_old_tone_placement_case_and_spaces_alike():
    expected = [directive("Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp")]
    decomposed_old_tones = "1. BAN TUYÊN GIÁO  TỈNH\u00a0Uỷ chủ trì, phối hợp với Sở Nội vụ"
    assert pair_up(expected, [found(unicodedata.normalize("NFD", decomposed_old_tones))]) == [0]
    assert norm("Ủy ban nhân dân  tỉnh Hậu Giang") == norm("Uỷ ban nhân dân tỉnh Hậu Giang")


def test_pairing_is_one_to_one_in_the_expectations_order_and_looks_at_the_first_400_characters():
    expected = [directive("Tổ chức tuyên truyền"), directive("Tổ chức tuyên truyền"), directive("kiểm tra việc")]
    outputs = [found("Tổ chức tuyên truyền sâu rộng"), found("x" * 400 + " kiểm tra việc thực hiện"),
               found("Tổ chức tuyên truyền lần hai")]
    assert pair_up(expected, outputs) == [0, 2, None]
    # the objects holding "directives" are accepted too
    assert pair_up({"directives": expected}, output(*outputs)) == [0, 2, None]


def test_only_the_first_60_characters_of_starts_with_must_be_found():
    start = "Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành liên quan khẩn trương rà soát"  # > 60 characters
    assert pair_up([directive(start + " và báo cáo")], [found(start[:60] + " ... khác hẳn")]) == [0]


# --- fields ----------------------------------------------------------------------------------------------------


def test_lists_of_units_are_compared_as_sets():
    e = directive("Giao", lead_units=[PROPAGANDA, TOURISM])
    assert field_problems(e, found("Giao", lead_units=[TOURISM, PROPAGANDA])) == []
    assert field_problems(e, found("Giao", lead_units=[TOURISM])) == [
        f"'Giao': lead_units is {[TOURISM]!r}, expected {[PROPAGANDA, TOURISM]!r}"]


def test_phrases_as_written_agree_by_containment_either_way():
    assert phrases_agree(["Ban Quản lý dự án"], ["Ban Quản lý dự án đầu tư xây dựng tỉnh"])
    assert phrases_agree(["Ban Quản lý dự án đầu tư xây dựng tỉnh"], ["ban quản lý  dự án"])
    assert not phrases_agree(["Ban Quản lý dự án"], ["Kho bạc Nhà nước"])
    assert not phrases_agree(["Ban Quản lý dự án"], ["Ban Quản lý dự án", "Kho bạc Nhà nước"])  # one too many
    assert not phrases_agree(["Ban Quản lý dự án"], [])
    e = directive("Giao", unmatched=["UBND huyện Phú Tân"], coordinating_as_written=["các Bộ, ngành"])
    assert field_problems(e, found("Giao", unmatched=["UBND huyện Phú Tân tỉnh An Giang"],
                                   coordinating_as_written=["các Bộ, ngành liên quan"])) == []


def test_timing_is_exact_and_notes_are_not_scored():
    e = directive("Giao", deadline="2024-06-30", needs_deadline=False, note="a reader's note",
                  deadline_text="trong quý II")
    assert field_problems(e, found("Giao", deadline="2024-06-30", needs_deadline=False)) == []
    assert field_problems(e, found("Giao", deadline="2024-06-29", needs_deadline=False)) == [
        "'Giao': deadline is '2024-06-29', expected '2024-06-30'"]


def test_a_document_score_counts_each_field_and_says_each_problem():
    expected = {"directives": [
        directive("Ban Tuyên giáo Tỉnh ủy chủ trì", lead_units=[PROPAGANDA], deadline="2024-06-30",
                  needs_deadline=False),
        directive("Sở Văn hóa tổ chức", lead_units=[TOURISM], ongoing=True, needs_deadline=False),
        directive("Các sở, ban, ngành", scope_groups=["co_quan_don_vi"]),
    ], "header": {"number": "12-KL/TU"}}
    out = output(
        found("1. Ban Tuyên giáo Tỉnh ủy chủ trì thực hiện", lead_units=[PROPAGANDA], deadline="2024-06-30",
              needs_deadline=False),  # fully right
        found("2. Sở Văn hóa tổ chức lễ hội", lead_units=[TOURISM], deadline="2024-12-31", needs_deadline=False),
        found("3. Các sở, ban, ngành", scope_groups=[], unmatched=["Các sở, ban, ngành"]),
        found("Thường trực Tỉnh ủy thống nhất", section="II", label="1."),
        header={"number": "12-KL/TU"},
    )
    score = score_document(expected, out)
    assert (score.expected, score.found, score.matched) == (3, 4, 3)
    assert (score.lead, score.coordinating, score.deadline, score.timing, score.fully_right) == (2, 3, 2, 2, 1)
    assert score.dropped == []
    assert score.problems == [
        "'Sở Văn hóa tổ chức': deadline is '2024-12-31', expected None",
        "'Sở Văn hóa tổ chức': ongoing is False, expected True",
        "'Các sở, ban, ngành': scope_groups is [], expected ['co_quan_don_vi']",
        "'Các sở, ban, ngành': unmatched is ['Các sở, ban, ngành'], expected []",
        "extra directive: II 1. 'Thường trực Tỉnh ủy thống nhất'",
    ]
    assert score.precision == pytest.approx(0.75) and score.recall == 1.0
    assert score.f1 == pytest.approx(2 * 0.75 / 1.75)


def test_header_fields_are_compared_and_said():
    score = score_document({"directives": [], "header": {"number": "12-KL/TU"}}, output(header={"number": "12"}))
    assert score.problems == ["header number is '12', expected '12-KL/TU'"]


# --- missed, set aside, dropped --------------------------------------------------------------------------------


def test_a_missed_directive_found_among_the_paragraphs_set_aside_is_not_dropped_without_trace():
    expected = {"directives": [directive("Giao Công an tỉnh chủ trì"), directive("Đề nghị Sở Y tế")]}
    set_aside = [{"section": "", "label": "", "text": "Ngày 5/3, giao Công an tỉnh chủ trì kiểm tra",
                  "reason": "...", "signals": ["assignment"], "proposal": {}}]
    score = score_document(expected, output(set_aside=set_aside))
    # "Giao Công an tỉnh" is inside the first 400 characters of the set-aside paragraph, case folded
    assert score.matched == 0
    assert score.dropped == ["Đề nghị Sở Y tế"] and score.dropped_without_trace == 1
    assert score.problems == ["missing directive: 'Giao Công an tỉnh chủ trì'", "missing directive: 'Đề nghị Sở Y tế'"]


def test_f1_is_zero_when_nothing_is_found_and_perfect_when_nothing_was_to_be_found():
    nothing_found = score_document({"directives": [directive("Giao Sở Y tế")]}, output())
    assert (nothing_found.precision, nothing_found.recall, nothing_found.f1) == (0.0, 0.0, 0.0)
    assert totals([nothing_found])["f1"] == 0.0 and totals([nothing_found])["fully_right"] == 0.0
    empty = score_document({"directives": []}, output())
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)
    assert totals([])["f1"] == 1.0 and totals([])["documents"] == 0


def test_totals_sum_the_directives_over_documents_then_take_the_shares():
    first = DocumentScore(expected=10, found=8, matched=8, lead=7, coordinating=8, deadline=6, timing=5,
                          fully_right=4, dropped=["a"])
    second = DocumentScore(expected=10, found=12, matched=10, lead=9, coordinating=10, deadline=10, timing=9,
                           fully_right=8)
    failed = DocumentScore(expected=5, error="ParseError: cannot read")
    total = totals([first, second, failed])
    assert (total["documents"], total["failed"]) == (3, 1)
    assert (total["expected"], total["found"], total["matched"]) == (25, 20, 18)
    assert total["precision"] == pytest.approx(18 / 20) and total["recall"] == pytest.approx(18 / 25)
    assert total["f1"] == pytest.approx(2 * 0.9 * 0.72 / (0.9 + 0.72))
    assert total["lead"] == pytest.approx(16 / 25) and total["coordinating"] == pytest.approx(18 / 25)
    assert total["deadline"] == pytest.approx(16 / 25) and total["timing"] == pytest.approx(14 / 25)
    assert total["fully_right"] == pytest.approx(12 / 25) and total["fully_right_count"] == 12
    assert total["dropped_without_trace"] == 1


# --- the command --------------------------------------------------------------------------------------------


@pytest.fixture
def held_out(tmp_path):
    (tmp_path / "ket_luan_thu.txt").write_text(
        "TỈNH ỦY HẬU GIANG\n\nKẾT LUẬN\n\n"
        "1. Ban Tuyên giáo Tỉnh ủy chủ trì tổ chức tuyên truyền Nghị quyết, hoàn thành trong quý III/2024.\n\n"
        "2. Sở Văn hóa, Thể thao và Du lịch thường xuyên kiểm tra các lễ hội trên địa bàn.\n",
        encoding="utf-8")
    (tmp_path / "ket_luan_thu.expected.json").write_text(json.dumps({
        "document": "ket_luan_thu.txt",
        "directives": [
            directive("Ban Tuyên giáo Tỉnh ủy chủ trì tổ chức tuyên truyền", lead_units=[PROPAGANDA],
                      deadline="2024-09-30", needs_deadline=False),
            directive("Sở Văn hóa, Thể thao và Du lịch thường xuyên", lead_units=[TOURISM], ongoing=True,
                      needs_deadline=False),
            directive("Công an tỉnh bảo đảm an ninh trật tự"),  # not in the text: missed, dropped without trace
        ]}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "hong.expected.json").write_text('{"document": "hong.txt", "directives": []}', encoding="utf-8")
    return tmp_path


def test_the_command_scores_a_held_out_folder_as_a_table(held_out, capsys):
    call_command("score_importer", str(held_out), "--problems")
    text = capsys.readouterr().out
    row = next(line for line in text.splitlines() if "ket_luan_thu" in line)
    assert row.split()[1:4] == ["3", "2", "2"]  # expected, found, matched
    assert "0.80" in row  # F1: precision 1, recall 2/3
    assert "hong" in text and "ERROR: no document beside the expectation" in text  # a row, not a crash
    assert "missing directive: 'Công an tỉnh bảo đảm an ninh trật tự'" in text
    assert "TOTAL 2 documents, 1 not parsed: 3 directives expected, 2 found, 2 matched" in text
    assert "dropped without trace: 1" in text


def test_the_command_prints_one_json_object(held_out, capsys):
    call_command("score_importer", str(held_out / "ket_luan_thu.expected.json"), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["directory"] == "shipped"
    assert [(d["name"], d["expected"], d["found"], d["matched"]) for d in data["documents"]] == [
        (f"{held_out.name}/ket_luan_thu", 3, 2, 2)]
    assert data["totals"]["recall"] == pytest.approx(2 / 3) and data["totals"]["dropped_without_trace"] == 1
