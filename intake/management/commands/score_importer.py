"""python manage.py score_importer [PATHS...] [--json] [--problems] [--directory shipped|db]

Measures the importer: parses each document of a corpus and scores what it finds against a careful reader's
expectation (intake.scoring: the pairing of /work/shared/tools/score_directives.py). Writes nothing.

PATHS           folders of `<name>.<txt|docx|pdf>` + `<name>.expected.json` pairs (e.g. a held-out corpus outside
                the repository), or single `<name>.expected.json` files beside their document. Without PATHS:
                tests/resolutions/documents, tests/resolutions/documents/corpus and the worked example
                (intake/demo/seed_directives.json with intake/demo/hau_giang_2022_04_closing_speech.txt).
--json          print ONE JSON object: {"directory": ..., "documents": [...], "totals": {...}}
--problems      list under each document every way its parse differs from its expectation
--directory     the unit directory handed to the parser: the one shipped with the portal (default) or the
                database's (the office's edits in the admin count)

Prints one row per document (directives expected / found / matched, F1, fully right) and a totals line:
precision, recall, F1, then the shares of the expected directives whose lead, coordinating units, deadline,
timing (deadline, ongoing and needs_deadline) are right and that are fully right, and the number of expected
directives dropped without trace (neither found nor among the paragraphs set aside). A document that cannot be
read or parsed is a row with its error. Exit status 0: it is a measuring tool, not a gate (the gate is
tests/resolutions/parsing/test_corpus.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from intake import importing, scoring
from resolutions.parsing import parse_file

EXPECTED_SUFFIX = ".expected.json"
DOCUMENT_SUFFIXES = (".txt", ".docx", ".pdf")


def default_corpus() -> list[tuple[Path, Path | None]]:
    """(expectation, document) of the documents the repository holds."""
    base = Path(settings.BASE_DIR)
    documents = base / "tests" / "resolutions" / "documents"
    pairs = [pair for folder in (documents, documents / "corpus") for pair in folder_pairs(folder)]
    demo = base / "intake" / "demo"
    pairs.append((demo / "seed_directives.json", demo / "hau_giang_2022_04_closing_speech.txt"))
    return pairs


def folder_pairs(folder: Path) -> list[tuple[Path, Path | None]]:
    return [(expected, None) for expected in sorted(folder.glob(f"*{EXPECTED_SUFFIX}"))]


def document_of(expected_path: Path, expectation: dict) -> Path | None:
    """The document beside an expectation: the one it names, else `<name>.<txt|docx|pdf>`; for an
    expectation not named `<name>.expected.json` (the seed), else the only document in its folder."""
    folder = expected_path.parent
    named = str(expectation.get("document") or "")
    candidates = [folder / named, folder / Path(named).name] if named else []
    stem = expected_path.name[: -len(EXPECTED_SUFFIX)] if expected_path.name.endswith(EXPECTED_SUFFIX) \
        else expected_path.stem
    candidates += [folder / f"{stem}{suffix}" for suffix in DOCUMENT_SUFFIXES]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None and not expected_path.name.endswith(EXPECTED_SUFFIX):
        # e.g. intake/demo/seed_directives.json, whose "document" is the owner's file name, not the demo's
        alone = [path for path in folder.iterdir() if path.suffix in DOCUMENT_SUFFIXES and path.is_file()]
        found = alone[0] if len(alone) == 1 else None
    return found


def row_name(expected_path: Path, document: Path | None = None) -> str:
    """`<folder>/<name>`: the expectation's name, or the document's for an expectation not named
    `<name>.expected.json`."""
    name = expected_path.name
    if name.endswith(EXPECTED_SUFFIX):
        name = name[: -len(EXPECTED_SUFFIX)]
    else:
        name = document.stem if document is not None else expected_path.stem
    return f"{expected_path.parent.name}/{name}"


def score_pair(expected_path: Path, document: Path | None, directory) -> scoring.DocumentScore:
    """Parse one document and score it; any failure becomes the row's error, never an exception."""
    name = row_name(expected_path, document)
    try:
        expectation = json.loads(expected_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return scoring.failed_document(None, name, f"expectation unreadable: {error}")
    document = document or document_of(expected_path, expectation)
    name = row_name(expected_path, document)
    if document is None:
        return scoring.failed_document(expectation, name, "no document beside the expectation")
    try:
        output = parse_file(document, document.name, directory=directory).to_json()
    except Exception as error:  # noqa: BLE001 - a measuring tool reports a parser crash as a row
        return scoring.failed_document(expectation, name, f"{type(error).__name__}: {error}")
    try:
        return scoring.score_document(expectation, output, name=name)
    except Exception as error:  # noqa: BLE001 - a malformed expectation is the row's error too
        return scoring.failed_document(expectation, name, f"expectation malformed: {type(error).__name__}: {error}")


class Command(BaseCommand):
    # It reads documents and, with --directory db, the units: the URL and admin checks have nothing to say about
    # that, and a measurement should not wait on a half-edited view.
    requires_system_checks = []
    help = ("Đo chất lượng đọc văn bản: tách nội dung chỉ đạo từ các văn bản mẫu và so với kết quả đọc của "
            "người (độ chính xác, độ phủ, F1, đơn vị chủ trì, phối hợp, thời hạn). Không ghi gì. / Score the "
            "importer against hand-written expectations (precision, recall, F1, lead, coordinating units, "
            "deadlines). Writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH",
                            help="Thư mục chứa các cặp <tên>.<txt|docx|pdf> + <tên>.expected.json, hoặc một tệp "
                                 ".expected.json. Mặc định: bộ văn bản mẫu trong tests/resolutions/documents và "
                                 "ví dụ mẫu. / Folders of document + expectation pairs, or expectation files.")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="In một đối tượng JSON. / Print one JSON object.")
        parser.add_argument("--problems", action="store_true",
                            help="Liệt kê các chỗ khác biệt của từng văn bản. / List each document's problems.")
        parser.add_argument("--directory", choices=["shipped", "db"], default="shipped",
                            help="Danh mục đơn vị dùng khi đọc: danh mục mặc định (shipped) hoặc danh mục trong cơ "
                                 "sở dữ liệu (db). / The unit directory: the shipped one or the database's.")

    def handle(self, *args, paths=(), as_json=False, problems=False, directory="shipped", **options):
        units, directory_used = importing.shipped_directory(), "shipped"
        if directory == "db":
            try:
                from_db = importing.directory_from_db()
            except DatabaseError as error:
                from_db = None
                self.stderr.write(f"Cảnh báo: không đọc được cơ sở dữ liệu ({error}). / Warning: the database "
                                  "cannot be read.")
            if from_db is None:
                self.stderr.write("Cảnh báo: không có danh mục đơn vị trong cơ sở dữ liệu, dùng danh mục mặc định. / "
                                  "Warning: no unit directory in the database, the shipped one is used.")
            else:
                units, directory_used = from_db, "db"

        pairs, missing = self._pairs(paths)
        scores = [score_pair(expected, document, units) for expected, document in pairs]
        scores += [scoring.failed_document(None, str(path), "no such file or folder") for path in missing]
        totals = scoring.totals(scores)
        if as_json:
            self.stdout.write(json.dumps(
                {"directory": directory_used, "documents": [score.as_json() for score in scores], "totals": totals},
                ensure_ascii=False, indent=1))
            return
        self._print_table(scores, totals, directory_used, problems)

    def _pairs(self, paths):
        if not paths:
            return default_corpus(), []
        pairs, missing = [], []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                pairs += folder_pairs(path)
            elif path.is_file():
                pairs.append((path, None))
            else:
                missing.append(path)
        return pairs, missing

    def _print_table(self, scores, totals, directory, problems):
        out = self.stdout
        width = max([len("document")] + [len(score.name) for score in scores])
        out.write(f"Importer scored with the {directory} unit directory\n")
        out.write(f"{'document':<{width}}  expected  found  matched     F1  fully right")
        for score in scores:
            if score.error:
                out.write(f"{score.name:<{width}}  {score.expected:>8}  ERROR: {score.error}")
            else:
                out.write(f"{score.name:<{width}}  {score.expected:>8}  {score.found:>5}  {score.matched:>7}  "
                          f"{score.f1:5.2f}  {score.fully_right:>5}/{score.expected}")
            if problems:
                for problem in score.problems:
                    out.write(f"{'':<{width}}    - {problem}")
        t = totals
        failed = f", {t['failed']} not parsed" if t["failed"] else ""
        out.write(
            f"\nTOTAL {t['documents']} documents{failed}: {t['expected']} directives expected, {t['found']} found, "
            f"{t['matched']} matched\n"
            f"precision {t['precision']:.3f}  recall {t['recall']:.3f}  F1 {t['f1']:.3f}\n"
            f"of the expected directives, right: lead {t['lead']:.3f}  coordinating units {t['coordinating']:.3f}  "
            f"deadline {t['deadline']:.3f}  timing {t['timing']:.3f}  fully right {t['fully_right']:.3f} "
            f"({t['fully_right_count']}/{t['expected']})\n"
            f"dropped without trace: {t['dropped_without_trace']}"
        )
