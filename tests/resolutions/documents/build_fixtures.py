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


THREE_FORMS = HERE / "three_forms"
RUNNING_HEADERS = {  # what each document prints at the top of every page
    "p_ket_luan_chuyen_doi_so": "Kết luận số 412-KL/TU của Ban Thường vụ Tỉnh ủy",
    "p_chi_thi_an_toan_giao_thong": "Chỉ thị số 21-CT/TU của Ban Thường vụ Tỉnh ủy",
    "s_ke_hoach_chuyen_doi_so_2023": "Kế hoạch số 52/KH-UBND của UBND tỉnh Hậu Giang",
    "x_cong_van_bo_nnptnt_han_man": "Công văn số 1534/BNN-TCTL",
}


def three_forms(soffice):
    """three_forms/<name>.txt (copied from corpus/) -> <name>.docx written by python-docx -> <name>.pdf by LibreOffice."""
    from docx_fixtures import build_from_text
    for name, running in RUNNING_HEADERS.items():
        docx = THREE_FORMS / f"{name}.docx"
        build_from_text((THREE_FORMS / f"{name}.txt").read_text("utf-8"), docx, running)
        if soffice:
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                               check=True, capture_output=True, timeout=180)
                shutil.copy(Path(tmp) / f"{name}.pdf", THREE_FORMS / f"{name}.pdf")


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
        print("LibreOffice is not installed: the .pdf files are left as they are")
    three_forms(soffice)


if __name__ == "__main__":
    main()
