"""Comparing a parse with a hand-written expectation in the golden file's shape (see tests/resolutions/documents)."""
import json
import re
import unicodedata
from pathlib import Path

from resolutions.parsing import Directory
from units.directory_data import GROUPS, OTHER_BODIES, UNITS

DOCUMENTS = Path(__file__).resolve().parent.parent / "documents"
# The directory the portal ships: the importer hands the parser the office's own, the same units on a new install.
SHIPPED = Directory.from_data(UNITS, GROUPS, OTHER_BODIES)


def norm(s):
    """The scorer's reading: NFC, old and new tone placement alike, spaces collapsed, case folded."""
    s = unicodedata.normalize("NFC", s or "")
    for a, b in (("uỷ", "ủy"), ("Uỷ", "Ủy"), ("quí", "quý"), ("hoà", "hòa"), ("thuỷ", "thủy"), ("oá", "óa"),
                 ("oà", "òa"), ("oạ", "ọa"), ("uý", "úy"), ("uỵ", "ụy")):
        s = s.replace(a, b)
    return re.sub(r"[\s\u00a0]+", " ", s).strip().casefold()


def expectations():
    return sorted(DOCUMENTS.glob("*.expected.json"))


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def differences(expected: dict, output: dict) -> list[str]:
    """Every way the output differs from the expectation, as sentences; empty when they agree."""
    found = list(output["directives"])
    problems = []
    used = set()
    for e in expected["directives"]:
        key = norm(e["starts_with"])[:60]
        match = next((i for i, o in enumerate(found) if i not in used and key in norm(o["text"])[:400]), None)
        if match is None:
            problems.append(f"missing directive: {e['starts_with'][:60]!r}")
            continue
        used.add(match)
        o = found[match]
        for field, want in e.items():
            if field in ("starts_with", "note", "places_named", "deadline_text"):
                continue
            got = o.get(field)
            if isinstance(want, list) and isinstance(got, list):
                same = sorted(want) == sorted(got)
            else:
                same = want == got
            if not same:
                problems.append(f"{e['starts_with'][:40]!r}: {field} is {got!r}, expected {want!r}")
    for i, o in enumerate(found):
        if i not in used:
            problems.append(f"extra directive: {o['section']} {o['label']} {o['text'][:60]!r}")
    for field, want in expected.get("header", {}).items():
        if output["header"].get(field) != want:
            problems.append(f"header {field} is {output['header'].get(field)!r}, expected {want!r}")
    return problems
