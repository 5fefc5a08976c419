"""The corpus of tests/resolutions/documents/corpus, scored as a whole (intake.scoring), and its expectations checked
for being written as CONVENTIONS.md says.

Unlike test_seed_and_documents.py, which wants every document exactly right, this holds the importer to figures
over the whole corpus: F1 ≥ 0.95 on finding the directives, ≥ 85 % of the expected directives fully right, and
no expected directive dropped without trace (neither found nor among the paragraphs set aside for the office).
`.venv/bin/python manage.py score_importer tests/resolutions/documents/corpus --problems` shows where it falls short.
"""
import datetime
import json

import pytest

from intake.scoring import norm, score_document, totals
from resolutions.parsing import parse_file
from units.directory_data import GROUPS, UNITS

from tests.resolutions.parsing._expected import DOCUMENTS, SHIPPED, load

CORPUS = DOCUMENTS / "corpus"
F1_AT_LEAST = 0.95
FULLY_RIGHT_AT_LEAST = 0.85

UNIT_NAMES = {unit["name"] for unit in UNITS}
GROUP_KEYS = {group["key"] for group in GROUPS}


def corpus():
    return sorted(CORPUS.glob("*.expected.json"))


def _name(path):
    return path.name.split(".")[0]


def _summary(scores, limit=60):
    lines = [f"{s.name}: {s.matched}/{s.expected} matched, {s.found} found, {s.fully_right} fully right"
             + (f", dropped without trace: {s.dropped}" if s.dropped else "") for s in scores]
    problems = [f"{s.name}: {p}" for s in scores for p in s.problems]
    more = [f"... {len(problems) - limit} more"] if len(problems) > limit else []
    return "\n".join(lines + problems[:limit] + more)


@pytest.fixture(scope="module")
def scores():
    result = []
    for path in corpus():
        expected = load(path)
        document = CORPUS / expected["document"]
        output = parse_file(document, document.name, directory=SHIPPED).to_json()
        result.append(score_document(expected, output, name=_name(path)))
    return result


def test_there_is_a_corpus():
    assert corpus(), f"no *.expected.json in {CORPUS}"


def test_the_importer_finds_the_corpus_directives_with_an_f1_of_at_least_0_95(scores):
    total = totals(scores)
    assert total["f1"] >= F1_AT_LEAST, (
        f"F1 {total['f1']:.3f} (precision {total['precision']:.3f}, recall {total['recall']:.3f}) "
        f"< {F1_AT_LEAST}\n{_summary(scores)}")


def test_at_least_85_percent_of_the_corpus_directives_come_out_fully_right(scores):
    total = totals(scores)
    assert total["fully_right"] >= FULLY_RIGHT_AT_LEAST, (
        f"fully right {total['fully_right']:.3f} ({total['fully_right_count']}/{total['expected']}) "
        f"< {FULLY_RIGHT_AT_LEAST}\n{_summary(scores)}")


def test_no_corpus_directive_is_dropped_without_trace(scores):
    dropped = {s.name: s.dropped for s in scores if s.dropped}
    assert not dropped, "neither found nor set aside:\n" + json.dumps(dropped, ensure_ascii=False, indent=1)


# --- the expectations are written as CONVENTIONS.md says ---------------------------------------------------


@pytest.mark.parametrize("expected_file", corpus(), ids=_name)
def test_each_corpus_expectation_is_well_formed(expected_file):
    expected = load(expected_file)
    assert expected_file.name == f"{_name(expected_file)}.expected.json"
    document = CORPUS / expected.get("document", "")
    assert expected.get("document") and document.is_file(), f"document {expected.get('document')!r} not beside it"
    text = norm(document.read_text(encoding="utf-8"))
    assert expected["directives"], "an expectation lists at least one directive"
    problems = []
    for d in expected["directives"]:
        where = repr(d.get("starts_with", "")[:50])
        if not norm(d.get("starts_with")) or norm(d.get("starts_with")) not in text:
            problems.append(f"{where}: starts_with does not occur in the document")
        for field in ("lead_units", "coordinating_units"):
            unknown = set(d.get(field, [])) - UNIT_NAMES
            if unknown:
                problems.append(f"{where}: {field} {sorted(unknown)} are not canonical unit names (directory_data)")
        unknown = set(d.get("scope_groups", [])) - GROUP_KEYS
        if unknown:
            problems.append(f"{where}: scope_groups {sorted(unknown)} are not keys of GROUPS")
        for field in ("lead_units", "coordinating_units", "scope_groups", "unmatched"):
            if not isinstance(d.get(field), list):
                problems.append(f"{where}: {field} is missing or not a list")
        timing = [bool(d.get("deadline")), d.get("ongoing") is True, d.get("needs_deadline") is True]
        if sum(timing) != 1 or "needs_deadline" not in d or "ongoing" not in d or "deadline" not in d:
            problems.append(f"{where}: exactly one of deadline / ongoing / needs_deadline must hold, all three "
                            f"written (deadline {d.get('deadline')!r}, ongoing {d.get('ongoing')!r}, "
                            f"needs_deadline {d.get('needs_deadline')!r})")
        if d.get("deadline"):
            try:
                datetime.date.fromisoformat(d["deadline"])
            except (TypeError, ValueError):
                problems.append(f"{where}: deadline {d['deadline']!r} is not an ISO date")
    assert not problems, "\n".join(problems)
