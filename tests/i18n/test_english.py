"""The interface in English is whole (issue 14): every marked string has an English translation, nothing is fuzzy,
the compiled catalogue is the one the .po says, and the office's pages, read in English over data written in plain
ASCII, show no Vietnamese word of their own (a string someone forgot to mark for translation)."""
import datetime
import gettext
import re
import shutil
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import (DirectiveFactory, ProgressReportFactory, ResolutionFactory, TaskFactory, UnitFactory, leader,
                             office_user)

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["accounts", "config", "core", "devtools", "intake", "jobs", "notifications", "oversight", "resolutions", "tasks",
           "units", "templates", "locale", "manage.py"]
# proper nouns that stay Vietnamese in English ("Hậu Giang"), and the language switch's own name for Vietnamese
KEPT = ["Tiếng Việt", "Hậu Giang", "Việt Nam"]
VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ"
                        "ÀÁẠẢÃẰẮẶẲẴẦẤẬẨẪÈÉẸẺẼỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕỒỐỘỔỖỜỚỢỞỠÙÚỤỦŨỪỨỰỬỮỲÝỴỶỸ]")


def test_every_marked_string_has_an_english_translation_and_the_compiled_catalogue_matches(tmp_path):
    """makemessages over a copy of the sources (the checkout is left as it is), then msgfmt --statistics."""
    copy = tmp_path / "src"
    copy.mkdir()
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, copy / name)
    env = {"DEBUG": "1", "PORTAL_ENV_FILE": "", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
           "PORTAL_VAR_DIR": str(tmp_path / "var")}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "-v", "0"], cwd=copy, env=env,
                   check=True, capture_output=True, timeout=300)
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(["msgfmt", "--statistics", "-o", str(tmp_path / "fresh.mo"), str(po)],
                           capture_output=True, text=True, check=True).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"{stats.strip()}: run `manage.py makemessages -l en`, translate, then `manage.py compilemessages`")
    with open(tmp_path / "fresh.mo", "rb") as fresh, open(ROOT / "locale/en/LC_MESSAGES/django.mo", "rb") as shipped:
        fresh_catalog = gettext.GNUTranslations(fresh)._catalog
        shipped_catalog = gettext.GNUTranslations(shipped)._catalog
    missing = {k: v for k, v in fresh_catalog.items() if k and shipped_catalog.get(k) != v}
    assert not missing, f"django.mo is older than django.po: run `manage.py compilemessages` ({len(missing)} entries)"


class _Text(HTMLParser):
    """The words a person sees: text outside <script>/<style>, and the labels screen readers read."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _vietnamese_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for part in parser.parts:
        part = unicodedata.normalize("NFC", part)
        for kept in KEPT:
            part = part.replace(kept, "")
        if VIETNAMESE.search(part):
            found.append(part[:80])
    return found


@pytest.fixture
def ascii_world(db, settings):
    """A unit, a document, a directive and tasks written in plain ASCII: any Vietnamese letter on a page in English
    is then the interface's own. The authenticator app's issuer name is configuration (the name the app shows, the
    same in every language), so it is plain ASCII here too."""
    settings.OTP_TOTP_ISSUER = "Provincial office"
    unit = UnitFactory(name="Test board", short_name="TB", code="TEST_BOARD")
    document = ResolutionFactory(title="Plain ASCII conclusion", number="1-KL/TU", issuing_body="Provincial office",
                                 signer="Signer", body="Plain text")
    directive = DirectiveFactory(resolution=document, text="Carry out the plain task", short_title="Plain task")
    task = TaskFactory(lead=unit, directive=directive, title="Plain task", description="Plain description",
                       deadline=datetime.date.today() + datetime.timedelta(days=20))
    office = office_user(first_name="Anna", last_name="Office", username="office.ascii")
    head = leader(unit, first_name="Ben", last_name="Leader", username="leader.ascii")
    # an overdue task and a progress report: the pages, the export and the report show their overdue parts too
    other = UnitFactory(name="Other board", short_name="OB", code="OTHER_BOARD")
    TaskFactory(lead=other, directive=directive, title="Late task", description="Late description",
                deadline=datetime.date.today() - datetime.timedelta(days=10))
    ProgressReportFactory(task=task, author=head, text="Plain progress", percent=40)
    return {"unit": unit, "document": document, "directive": directive, "task": task, "office": office,
            "leader": head}


PAGES = ["/", "/tasks/", "/tasks/{task}/", "/resolutions/", "/resolutions/{document}/", "/directives/",
         "/directives/{directive}/", "/dashboard/", "/calendar/", "/resolutions/import/", "/notifications/",
         "/outbox/", "/accounts/password_change/", "/accounts/2fa/setup/", "/files/", "/files/{job}/",
         "/files/{failed_job}/"]
# the notification preferences have no page of their own: their form is on /notifications/ (a POST to
# /notifications/preferences/)


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_pages_in_english_show_no_vietnamese_word_of_their_own(client, ascii_world, who):
    client.force_login(ascii_world[who])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # A background export under way and one that failed (its title is written in the requester's language when asked for).
    from jobs.models import Job

    running = Job.objects.create(owner=ascii_world[who], kind="tasks_xlsx", title="Task list (Excel), 9,000 tasks",
                                 state="running", done=4000, total=9000, progress=0.44)
    failed = Job.objects.create(owner=ascii_world[who], kind="report_docx", title="Implementation report",
                               state="failed", error="Bộ xử lý nền dừng giữa chừng. Hãy thử lại.")
    ids = {"task": ascii_world["task"].pk, "document": ascii_world["document"].pk,
           "directive": ascii_world["directive"].pk, "job": running.pk, "failed_job": failed.pk}
    seen = {}
    for url in PAGES:
        response = client.get(url.format(**ids), follow=True)
        if response.status_code in (403, 404):  # a page this person may not open
            continue
        assert response.status_code == 200, url
        words = _vietnamese_words(response.content.decode())
        if words:
            seen[url] = words
    assert not seen, "Vietnamese left on English pages:\n" + "\n".join(f"{url}: {words}" for url, words in seen.items())


def _xlsx_text(content: bytes) -> list[str]:
    import io

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(content), read_only=True)
    parts = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts += [str(value) for value in row if isinstance(value, str)]
    return parts


def _docx_text(content: bytes) -> list[str]:
    import io

    from docx import Document
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]

    def cells(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)
    cells(document.tables)
    parts.append(document.core_properties.title or "")
    return [p for p in parts if p.strip()]


def _vietnamese_parts(parts: list[str]) -> list[str]:
    """As _vietnamese_words, the kept names also in capitals (the report's heading: "HẬU GIANG PROVINCIAL PARTY
    COMMITTEE")."""
    found = []
    for part in parts:
        part = unicodedata.normalize("NFC", part)
        for kept in KEPT:
            part = re.sub(re.escape(kept), "", part, flags=re.IGNORECASE)
        if VIETNAMESE.search(part):
            found.append(part[:80])
    return found


def test_the_excel_export_and_the_word_report_follow_the_requesters_language(client, ascii_world):
    """The export and the report are written in the request, in the language the office reads the portal in."""
    client.force_login(ascii_world["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    export = client.get("/tasks/export.xlsx")
    assert export.status_code == 200
    assert not _vietnamese_parts(_xlsx_text(b"".join(export.streaming_content)))
    year = datetime.date.today().year
    report = client.get("/reports/implementation.docx", {"period": str(year)})
    assert report.status_code == 200
    assert not _vietnamese_parts(_docx_text(report.content))
    assert _docx_language(report.content) == "en-GB"


def _docx_language(content: bytes) -> str:
    import io

    from docx import Document
    return Document(io.BytesIO(content)).core_properties.language
