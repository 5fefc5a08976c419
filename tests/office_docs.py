"""Opening the portal's .docx and .xlsx as the office does: LibreOffice (headless) turns them into a PDF, whose
pages are counted and drawn as images (test-artifacts/screenshots/) for a person to look at.

LibreOffice is Debian's (`apt-get install libreoffice-writer-nogui libreoffice-calc-nogui`); .ci/run installs it and
sets PORTAL_REQUIRE_LIBREOFFICE=1, so on a machine CI prepared a missing LibreOffice fails instead of skipping."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        missing = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"
        if os.environ.get("PORTAL_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"{missing}, and PORTAL_REQUIRE_LIBREOFFICE=1 says this machine must have it", pytrace=False)
        pytest.skip(missing)
    return path


def to_pdf(document: Path, workdir: Path) -> Path:
    """The PDF LibreOffice prints from document (a .docx or .xlsx), in workdir; its own profile, so that two test
    processes never share one."""
    profile = workdir / "lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(workdir), str(document)],
                   check=True, capture_output=True, timeout=180)
    pdf = workdir / (document.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice printed no PDF for {document.name}"
    return pdf


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def draw_pages(pdf: Path, name: str, first: int = 3, resolution: int = 60) -> list[Path]:
    """The first pages as PNG images under test-artifacts/screenshots/<name>-<n>.png."""
    import pdfplumber

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages[:first], start=1):
            path = ARTIFACTS / f"{name}-{number}.png"
            page.to_image(resolution=resolution).save(path)
            out.append(path)
    return out
