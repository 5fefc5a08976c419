"""Reading uploaded bytes: which kind of file it is (by its content, not its name), and its blocks."""
from __future__ import annotations

import codecs
import io
import os
import unicodedata
import zipfile

from .blocks import Para, page_furniture, reflow, text_blocks
from .model import ParseError
from .text import clean

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024  # a .docx that unpacks to more than this is refused (a zip bomb)

_BINARY_MAGIC = [  # magic bytes -> what the file is, for the message
    (b"\x89PNG", "ảnh PNG"), (b"\xff\xd8\xff", "ảnh JPEG"), (b"GIF8", "ảnh GIF"), (b"BM", None),
    (b"II*\x00", "ảnh TIFF"), (b"MM\x00*", "ảnh TIFF"), (b"\x1f\x8b", "tệp nén gzip"), (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"), (b"MZ", "tệp chương trình"), (b"\x7fELF", "tệp chương trình"),
    (b"ID3", "tệp âm thanh"), (b"OggS", "tệp âm thanh"), (b"\x00\x00\x00\x18ftyp", "tệp video"),
    (b"\x00\x00\x00\x20ftyp", "tệp video"), (b"RIFF", "tệp âm thanh hoặc video"),
]


def read_input(source, filename: str = "") -> bytes:
    """Bytes of a path, bytes, or a file-like object (a Django upload), refusing more than 20 MB without reading it."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            size = os.path.getsize(source)
        except OSError as exc:
            raise ParseError(f"Không mở được tệp «{filename or source}».") from exc
        _check_size(size)
        with open(source, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    elif hasattr(source, "read"):
        size = getattr(source, "size", None)
        if isinstance(size, int):
            _check_size(size)
        if hasattr(source, "seek"):
            try:
                source.seek(0)
            except (OSError, ValueError):
                pass
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise ParseError("Không đọc được dữ liệu tải lên.")
    _check_size(len(data))
    return data


def _check_size(size: int):
    if size > MAX_BYTES:
        raise ParseError(f"Tệp quá lớn ({size / 1024 / 1024:.1f} MB): chỉ nhận tệp đến 20 MB.")


def sniff(data: bytes) -> str:
    """'pdf', 'docx', 'text', or raise ParseError naming what the file is instead."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ParseError("Tệp rỗng: không có nội dung nào để đọc.")
    head = data[:1024]
    if b"%PDF-" in head[:1024] and head.lstrip().startswith(b"%PDF-") or head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ParseError("Đây là tệp Word 97-2003 (.doc) hoặc Excel cũ: hãy mở bằng Word và lưu lại dưới dạng "
                         ".docx rồi tải lên lại.")
    if head.startswith(b"{\\rtf"):
        raise ParseError("Tệp RTF chưa được hỗ trợ: hãy lưu lại dưới dạng .docx hoặc .txt rồi tải lên lại.")
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic) and what:
            raise ParseError(f"Tệp này là {what}, không phải văn bản: hãy tải lên tệp .docx, .pdf hoặc .txt.")
    return "text"


# ---- text ----------------------------------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    """UTF-8, UTF-16 (with BOM, or without when the NULs say so), else Windows-1258; binary is refused."""
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(data[3:], "utf-8", "replace")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and len(data) % 4 == 0:
        return _decoded(data, "utf-32", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16", "replace")
    sample = data[:4096]
    if sample and sample.count(0) > len(sample) // 4:
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        if odds > len(sample) // 3 and evens < len(sample) // 20:
            return _check_text(_decoded(data, "utf-16-le", "replace"))
        if evens > len(sample) // 3 and odds < len(sample) // 20:
            return _check_text(_decoded(data, "utf-16-be", "replace"))
        raise ParseError("Tệp này không phải văn bản (có dữ liệu nhị phân): hãy tải lên tệp .docx, .pdf hoặc .txt.")
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _check_text(_decoded(data, "cp1258", "replace"))


def _decoded(data: bytes, encoding: str, errors: str) -> str:
    return unicodedata.normalize("NFC", data.decode(encoding, errors))


def _check_text(text: str) -> str:
    sample = text[:20000]
    if not sample:
        return text
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v") or c == "\ufffd"
              or 0x80 <= ord(c) < 0xA0)
    if bad > max(8, len(sample) // 50):
        raise ParseError("Tệp này không phải văn bản (có dữ liệu nhị phân): hãy tải lên tệp .docx, .pdf hoặc .txt.")
    return unicodedata.normalize("NFC", text)


# ---- docx ----------------------------------------------------------------------------------------------------
def docx_blocks(data: bytes) -> list:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError("Tệp .docx bị hỏng hoặc không phải tệp Word: không mở được.") from exc
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise ParseError("Đây là tệp Excel, không phải văn bản Word: hãy tải lên tệp .docx, .pdf hoặc .txt.")
        if "ppt/presentation.xml" in names:
            raise ParseError("Đây là tệp PowerPoint, không phải văn bản Word: hãy tải lên tệp .docx, .pdf hoặc .txt.")
        raise ParseError("Tệp nén này không phải tệp Word (.docx): không tìm thấy nội dung văn bản.")
    if total > MAX_UNZIPPED:
        raise ParseError("Tệp .docx quá lớn khi giải nén: có thể tệp bị hỏng.")
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
        from .docx_numbering import document_blocks
        return document_blocks(document)
    except ParseError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        raise ParseError("Tệp .docx bị hỏng hoặc không đọc được nội dung.") from exc


# ---- pdf -----------------------------------------------------------------------------------------------------
def pdf_blocks(data: bytes) -> list:
    try:
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ParseError("Tệp PDF được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
            except ParseError:
                raise
            except Exception as exc:
                raise ParseError("Tệp PDF được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.") from exc
        pages = list(reader.pages)
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError("Tệp PDF bị hỏng hoặc không đọc được.") from exc
    lines: list[str] = []
    indents: list[float] = []
    gaps: list[bool] = []
    for page in pages:
        try:
            page_lines = _pdf_page_lines(page)
        except Exception:  # one damaged page does not lose the others
            page_lines = []
        page_lines = [pl for pl in page_lines if not page_furniture(pl[0])]
        for i, (text, indent, gap) in enumerate(page_lines):
            lines.append(text)
            indents.append(indent)
            gaps.append(gap)
    if sum(len(t.strip()) for t in lines) < 20:
        raise ParseError("Tệp PDF không có lớp văn bản (có thể là bản scan ảnh): hãy dùng tệp PDF có văn bản, "
                         "tệp .docx, hoặc nhận dạng ký tự (OCR) trước khi tải lên.")
    return [Para(p) for p in reflow(lines, indents=indents, gaps=gaps)]


def _pdf_page_lines(page) -> list[tuple[str, float, bool]]:
    """The page's lines with their indent (points right of the left margin) and whether a gap stands above.

    pypdf's plain extraction gives good text in reading order; its text visitor, called for exactly the pieces
    that make up that text, tells where each line starts. Two pieces far apart on one line (the recipients
    column and the signer's name) are two lines.
    """
    lines: list[list] = [["", None, None, 0.0]]  # text, x, y, x where the last piece ends (estimated)

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size * (tm[0] or 1) * (cm[0] or 1)) or 10.0
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append(["", None, None, 0.0])
            if not part:
                continue
            line = lines[-1]
            if line[1] is None or not line[0].strip():
                line[1], line[2] = x, y
            elif x - line[3] > 4 * size and abs((line[2] or y) - y) < size:
                lines.append([part, x, y, x + 0.5 * size * len(part)])
                continue
            line[0] += part
            line[3] = max(line[3], x + 0.5 * size * len(part))

    plain = page.extract_text(visitor_text=visit) or ""
    found = [(unicodedata.normalize("NFC", t), x, y) for t, x, y, _ in lines if t.strip() and x is not None]
    if not found:
        return [(unicodedata.normalize("NFC", ln), 0.0, False) for ln in plain.split("\n")]
    body = sorted(x for t, x, _ in found if len(t.strip()) > 30) or sorted(x for _, x, _ in found)
    margin = body[len(body) // 10]
    steps = sorted(abs(found[i][2] - found[i + 1][2]) for i in range(len(found) - 1)
                   if 0 < abs(found[i][2] - found[i + 1][2]) < 60)
    step = steps[len(steps) // 2] if steps else 0
    out = []
    for i, (text, x, y) in enumerate(found):
        gap = i > 0 and step > 0 and abs(found[i - 1][2] - y) > 1.6 * step
        out.append((clean(text), max(0.0, x - margin - 6), gap))
    return out


def file_blocks(data: bytes) -> list:
    kind = sniff(data)
    if kind == "pdf":
        return pdf_blocks(data)
    if kind == "docx":
        return docx_blocks(data)
    return text_blocks(decode_text(data))
