#!/usr/bin/env python3
"""How long the directive parser takes on a 100-page document.

    .venv/bin/python scripts/bench_parser.py [--pages 100]

Builds a document of about N pages (3,000 characters a page) from the worked example's sections, renumbered,
and times parse_text on it, then the same text as a .txt and a .docx through parse_file. Prints one line per
input and a last line `bench_parser: key=value ...`. No Django needed.
"""
import argparse
import io
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from resolutions.parsing import Directory, parse_file, parse_text  # noqa: E402
from units.directory_data import GROUPS, OTHER_BODIES, UNITS  # noqa: E402

SEED = REPO / "intake" / "demo" / "hau_giang_2022_04_closing_speech.txt"
PAGE = 3000


def roman(n: int) -> str:
    out = ""
    for value, sym in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def document(pages: int) -> str:
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index("I. Đánh giá"):text.index("Kính thưa các đồng chí\n")]
    parts = re.split(r"(?m)^(?=(?:I|II|III|IV)[./] )", body)
    parts = [p for p in parts if p.strip()]
    head = ("TỈNH ỦY HẬU GIANG\n*\nSố 15-KL/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nHậu Giang, ngày 12 tháng 4 năm 2022\n\n"
            "KẾT LUẬN\nCỦA BAN THƯỜNG VỤ TỈNH ỦY\nvề nhiệm vụ trọng tâm năm 2022\n\n")
    out, n = [head], 0
    while sum(map(len, out)) < pages * PAGE:
        for part in parts:
            n += 1
            out.append(re.sub(r"^(?:I|II|III|IV)(?=[./] )", roman(((n - 1) % 89) + 1), part))
    out.append("\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\nNghiêm Xuân Thành\n")
    return "".join(out)


def docx_bytes(text: str) -> bytes:
    from docx import Document
    doc = Document()
    for line in text.split("\n"):
        if line.strip():
            doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_bytes(docx: bytes) -> bytes | None:
    import shutil
    import subprocess
    import tempfile
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench.docx"
        source.write_bytes(docx)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                       check=True, capture_output=True, timeout=600)
        return (Path(tmp) / "bench.pdf").read_bytes()


def best_of(runs: int, fn):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pdf", action="store_true", help="also print the .docx to PDF with LibreOffice and time it")
    args = ap.parse_args()
    text = document(args.pages)
    pages = len(text) / PAGE
    cold, directory = best_of(1, lambda: Directory.from_data(UNITS, GROUPS, OTHER_BODIES))
    t_text, result = best_of(args.runs, lambda: parse_text(text, directory=directory))
    t_txt, _ = best_of(args.runs, lambda: parse_file(text.encode("utf-8"), "bench.txt", directory=directory))
    data = docx_bytes(text)
    t_docx, _ = best_of(args.runs, lambda: parse_file(data, "bench.docx", directory=directory))
    print(f"document: {pages:.0f} pages, {len(text)} characters, {len(result.directives)} directives, "
          f"{len(result.skipped)} skipped")
    print(f"unit directory compiled once: {cold:.3f} s")
    print(f"parse_text: {t_text:.3f} s; .txt: {t_txt:.3f} s; .docx: {t_docx:.3f} s")
    extra = ""
    if args.pdf:
        pdf = pdf_bytes(data)
        if pdf:
            from pypdf import PdfReader
            t_pdf, parsed = best_of(1, lambda: parse_file(pdf, "bench.pdf", directory=directory))
            n = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f".pdf ({n} printed pages, {len(parsed.directives)} directives): {t_pdf:.3f} s, most of it "
                  f"pypdf's text extraction")
            extra = f" pdf_pages={n} pdf_s={t_pdf:.3f}"
        else:
            print("LibreOffice (soffice) is not installed: no PDF timing")
    print(f"bench_parser: pages={pages:.0f} directives={len(result.directives)} text_s={t_text:.3f} "
          f"txt_s={t_txt:.3f} docx_s={t_docx:.3f} directory_s={cold:.3f}{extra}")


if __name__ == "__main__":
    main()
