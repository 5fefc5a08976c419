"""Build the fixture documents that are not plain UTF-8 text: other encodings, NFD, .docx and .pdf.

    .venv/bin/python tests/resolutions/documents/build_fixtures.py

Readable UTF-8 sources of the re-encoded texts live in src/. The .docx files are built with python-docx (Word's
automatic numbering is written into numbering.xml by hand); the .pdf is converted from a .docx by LibreOffice
(`soffice --headless --convert-to pdf`) when it is installed. The outputs are committed, so tests need neither.
"""
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def cp1258(text: str) -> bytes:
    """Windows-1258 writes a toned vowel as a base letter plus a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        rest = [m for m in marks if m not in tones]
        out += unicodedata.normalize("NFC", base + "".join(rest)).encode("cp1258")
        out += "".join(tones).encode("cp1258")
    return bytes(out)


def texts():
    src = HERE / "src"
    (HERE / "nfd_ket_luan_van_hoa.txt").write_bytes(
        unicodedata.normalize("NFD", (src / "nfd_ket_luan_van_hoa.txt").read_text("utf-8")).encode("utf-8"))
    (HERE / "cp1258_ket_luan_hoi_nghi.txt").write_bytes(
        cp1258((src / "cp1258_ket_luan_hoi_nghi.txt").read_text("utf-8").replace("\n", "\r\n")))
    (HERE / "utf16_nghi_quyet_ngay_thang.txt").write_bytes(
        (src / "utf16_nghi_quyet_ngay_thang.txt").read_text("utf-8").replace("\n", "\r\n").encode("utf-16"))


def main():
    texts()
    from docx_fixtures import build_numbered, build_plan_table, build_pdf_source
    build_plan_table(HERE / "ke_hoach_bang_nhiem_vu.docx")
    build_numbered(HERE / "ket_luan_danh_so_tu_dong.docx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "ket_luan_nong_nghiep.docx"
            build_pdf_source(source)
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                           check=True, capture_output=True, timeout=180)
            shutil.copy(Path(tmp) / "ket_luan_nong_nghiep.pdf", HERE / "ket_luan_nong_nghiep.pdf")
    else:
        print("LibreOffice is not installed: ket_luan_nong_nghiep.pdf left as it is")


if __name__ == "__main__":
    main()
