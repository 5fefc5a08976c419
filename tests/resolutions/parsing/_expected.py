"""Comparing a parse with a hand-written expectation in the golden file's shape (see tests/resolutions/documents)."""
import json
from pathlib import Path

from intake.scoring import norm, score_document  # noqa: F401  (norm: the scorer's reading, for the tests)
from resolutions.parsing import Directory
from units.directory_data import GROUPS, OTHER_BODIES, UNITS

DOCUMENTS = Path(__file__).resolve().parent.parent / "documents"
# The directory the portal ships: the importer hands the parser the office's own, the same units on a new install.
SHIPPED = Directory.from_data(UNITS, GROUPS, OTHER_BODIES)


def expectations():
    return sorted(DOCUMENTS.glob("*.expected.json"))


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def differences(expected: dict, output: dict) -> list[str]:
    """Every way the output differs from the expectation, as sentences; empty when they agree (intake.scoring)."""
    return score_document(expected, output).problems
