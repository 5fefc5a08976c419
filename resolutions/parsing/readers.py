"""Reading uploaded bytes: which kind of file it is (by its content, not its name), and its blocks."""
from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
import zipfile

from .blocks import Para, Table, page_furniture, reflow, text_blocks
from .labels import read_label
from .model import ParseError
from .text import clean, is_upper_line

_TERMINAL_PDF = re.compile(r"[.:;!?…”\"')]$")
_ALWAYS_NEW_PDF = re.compile(r"(?:nơi nhận|kính gửi|kính thưa|t/m\s|tm\.|k/t\s|kt\.|tl\.|t/l\s)", re.IGNORECASE)
_SEPARATOR_PDF = re.compile(r"[\s*\-_=~.·•]{3,}|\*")

# Limits, all checked before the expensive part (python-docx, pdfminer, the parser) runs on the file.
MB = 1024 * 1024
MAX_BYTES = 20 * MB  # any upload
MAX_TEXT_BYTES = 4 * MB  # a .txt: a 300-page document is about 1 MB of UTF-8
MAX_CHARS = 1_000_000  # characters of text in any document (the review page's own limit)
MAX_UNZIPPED = 20 * MB  # a .docx's XML parts unpacked (document.xml of a 300-page document is a few MB)
MAX_UNZIPPED_ALL = 60 * MB  # a .docx's parts unpacked, pictures included
MAX_MEMBERS = 2000  # parts inside a .docx
MAX_RATIO = 100  # a part above RATIO_FROM that unpacks to more than 100 times its packed size is a zip bomb
RATIO_FROM = 2 * MB
MAX_PAGES = 200
MAX_PAGE_CONTENT = 16 * MB  # one PDF page's drawing instructions, unpacked

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


def _mb(size: int) -> str:
    """190 MB, 4,5 MB, 0,3 MB: the way the office writes sizes."""
    if size >= 10 * MB or size % MB == 0:
        return f"{round(size / MB)} MB"
    return f"{size / MB:.1f} MB".replace(".", ",")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_chars(count: int):
    """The one limit on a document's length, pasted or read from a file."""
    if count > MAX_CHARS:
        raise ParseError(f"Văn bản quá dài (hơn {_thousands(count)} ký tự, tối đa {_thousands(MAX_CHARS)} ký tự): "
                         "hãy tách thành các phần nhỏ hơn rồi tải lên từng phần.")


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
def check_input(data: bytes) -> int:
    """What can be refused without reading the text (fast, whatever the file): the size, what the file is, a .docx's
    zip directory and document.xml's unpacked size, a .txt's length. Raises ParseError; returns how much there is to
    read (a .docx's document.xml unpacked, else the file's bytes). The import wizard asks this in the request, so
    that a bomb is refused at once and a document with much to read goes to a worker."""
    kind = sniff(data)
    if kind == "docx":
        return _open_docx(data).getinfo("word/document.xml").file_size
    if kind == "text":
        _checked_text(data)
    return len(data)


def _open_docx(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError("Tệp .docx bị hỏng hoặc không phải tệp Word: không mở được.") from exc
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise ParseError("Đây là tệp Excel, không phải văn bản Word: hãy tải lên tệp .docx, .pdf hoặc .txt.")
        if "ppt/presentation.xml" in names:
            raise ParseError("Đây là tệp PowerPoint, không phải văn bản Word: hãy tải lên tệp .docx, .pdf hoặc .txt.")
        raise ParseError("Tệp nén này không phải tệp Word (.docx): không tìm thấy nội dung văn bản.")
    _check_zip(zf, infos)
    return zf


def docx_blocks(data: bytes) -> list:
    _open_docx(data)
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
        from .docx_numbering import document_blocks
        blocks = document_blocks(document)
    except ParseError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        raise ParseError("Tệp .docx bị hỏng hoặc không đọc được nội dung.") from exc
    check_chars(sum(len(b.text) if isinstance(b, Para) else sum(len(c) for r in b.rows for c in r) for b in blocks))
    return blocks


_BOMB = "có thể tệp bị hỏng hoặc là tệp nén độc hại (zip bomb), nên không mở"


def _check_zip(zf: zipfile.ZipFile, infos: list):
    """A .docx is a zip: what its directory declares is checked before any part is unpacked, then document.xml
    is unpacked in chunks and counted, so a part that lies about its size is caught too."""
    if len(infos) > MAX_MEMBERS:
        raise ParseError(f"Tệp .docx có quá nhiều thành phần ({_thousands(len(infos))} tệp con, tối đa "
                         f"{_thousands(MAX_MEMBERS)}): {_BOMB}.")
    xml = sum(i.file_size for i in infos if not i.filename.startswith("word/media/"))
    total = sum(i.file_size for i in infos)
    if xml > MAX_UNZIPPED:
        raise ParseError(f"Tệp .docx giải nén ra quá lớn ({_mb(xml)}, tối đa {_mb(MAX_UNZIPPED)}): {_BOMB}.")
    if total > MAX_UNZIPPED_ALL:
        raise ParseError(f"Tệp .docx giải nén ra quá lớn ({_mb(total)} kể cả hình ảnh, tối đa "
                         f"{_mb(MAX_UNZIPPED_ALL)}): hãy bớt hoặc nén nhỏ hình ảnh rồi tải lên lại.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise ParseError(f"Tệp .docx có thành phần nén bất thường («{info.filename}» giải nén ra "
                             f"{_mb(info.file_size)}, gấp {_thousands(int(ratio))} lần, tối đa {MAX_RATIO} lần): "
                             f"{_BOMB}.")
    unpacked = 0
    try:
        with zf.open("word/document.xml") as fh:
            while chunk := fh.read(MB):
                unpacked += len(chunk)
                if unpacked > MAX_UNZIPPED:
                    raise ParseError(f"Tệp .docx giải nén ra quá lớn (hơn {_mb(MAX_UNZIPPED)}, tối đa "
                                     f"{_mb(MAX_UNZIPPED)}): {_BOMB}.")
    except ParseError:
        raise
    except Exception as exc:  # a bad CRC, a truncated member, an unknown compression
        raise ParseError("Tệp .docx bị hỏng hoặc không đọc được nội dung.") from exc


# ---- pdf -----------------------------------------------------------------------------------------------------
def pdf_blocks(data: bytes) -> list:
    """Paragraphs and tables of a PDF's text layer, rebuilt from where the characters stand (pdfplumber); pypdf's
    plain text when pdfplumber cannot open the file."""
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
        count = len(reader.pages)
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError("Tệp PDF bị hỏng hoặc không đọc được.") from exc
    if count > MAX_PAGES:
        raise ParseError(f"Tệp PDF quá dài ({count} trang, tối đa {MAX_PAGES} trang): hãy tách văn bản thành các "
                         "phần nhỏ hơn rồi tải lên từng phần.")
    for page in reader.pages:
        _check_page_content(page)
    try:
        blocks = _layout_blocks(data)
    except ParseError:
        raise
    except Exception:  # pdfminer cannot read what pypdf can: its plain text, line by line
        blocks = _pypdf_blocks(reader)
    if sum(len(b.text.strip()) if isinstance(b, Para) else sum(len(c) for r in b.rows for c in r)
           for b in blocks) < 20:
        raise ParseError("Tệp PDF không có lớp văn bản (có thể là bản scan ảnh): hãy dùng tệp PDF có văn bản, "
                         "tệp .docx, hoặc nhận dạng ký tự (OCR) trước khi tải lên.")
    check_chars(sum(len(b.text) if isinstance(b, Para) else sum(len(c) for r in b.rows for c in r) for b in blocks))
    return blocks


def _check_page_content(page):
    """Refuse a page whose drawing instructions unpack to more than MAX_PAGE_CONTENT, counting them in chunks."""
    import zlib
    try:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        streams = list(contents) if isinstance(contents, list) else [contents] if contents is not None else []
        total = 0
        for ref in streams:
            stream = ref.get_object()
            raw = getattr(stream, "_data", b"") or b""
            filters = stream.get("/Filter")
            filters = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
            if filters[:1] == ["/FlateDecode"]:
                inflater = zlib.decompressobj()
                pending = raw
                while pending and total <= MAX_PAGE_CONTENT:
                    total += len(inflater.decompress(pending, 1024 * 1024))
                    pending = inflater.unconsumed_tail
            else:
                total += len(raw)
            if total > MAX_PAGE_CONTENT:
                raise ParseError(f"Tệp PDF có trang quá nặng (nội dung một trang hơn {_mb(MAX_PAGE_CONTENT)}, tối đa "
                                 f"{_mb(MAX_PAGE_CONTENT)}): có thể tệp bị hỏng hoặc là tệp độc hại.")
    except ParseError:
        raise
    except Exception:  # a damaged page is for the extraction to skip, not for this check to refuse
        return


def _pypdf_blocks(reader) -> list:
    lines: list[str] = []
    indents: list[float] = []
    gaps: list[bool] = []
    chars = 0
    for page in reader.pages:
        try:
            page_lines = _pdf_page_lines(page)
        except Exception:  # one damaged page does not lose the others
            page_lines = []
        page_lines = [pl for pl in page_lines if not page_furniture(pl[0])]
        for text, indent, gap in page_lines:
            chars += len(text)
            lines.append(text)
            indents.append(indent)
            gaps.append(gap)
        check_chars(chars)
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
    return text_blocks(_checked_text(data))


def _checked_text(data: bytes) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise ParseError(f"Tệp văn bản quá lớn ({_mb(len(data))}, tối đa {_mb(MAX_TEXT_BYTES)}): một văn bản thường "
                         "chỉ vài trăm KB; hãy tách thành các phần nhỏ hơn rồi tải lên từng phần.")
    text = decode_text(data)
    check_chars(len(text))
    return text


# ---- pdf layout: paragraphs and tables from where the characters stand -------------------------------------------
class _Line:
    """A run of characters on one baseline (one column of it): its text and its box."""
    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "page", "column", "first_word")

    def __init__(self, chars: list, page: int):
        chars.sort(key=lambda c: c["x0"])
        sizes = sorted(c.get("size") or 10.0 for c in chars)
        self.size = sizes[len(sizes) // 2] or 10.0
        out, last = [], None
        for c in chars:
            t = c.get("text") or ""
            if last is not None and t != " " and not out[-1].endswith(" ") and c["x0"] - last > 0.15 * self.size \
                    and not unicodedata.combining(t[:1] or "a"):
                out.append(" ")
            out.append(t)
            last = c["x1"] if t != " " else last
        self.text = clean(unicodedata.normalize("NFC", "".join(out)))
        self.x0 = min(c["x0"] for c in chars if (c.get("text") or " ").strip()) if self.text else chars[0]["x0"]
        self.x1 = max(c["x1"] for c in chars if (c.get("text") or " ").strip()) if self.text else chars[-1]["x1"]
        self.top = min(c["top"] for c in chars)
        self.bottom = max(c["bottom"] for c in chars)
        self.page = page
        self.column = ""  # "left" / "right" in a two-column stretch (the header, the signature)
        word = self.text.split(" ", 1)[0]
        self.first_word = sum(c["x1"] - c["x0"] for c in chars[:len(word)])


def _page_lines(chars: list, page: int, width: float = 0) -> list[_Line]:
    """Characters grouped into lines by their baseline, a line split where a wide gap parts two columns."""
    chars = [c for c in chars if c.get("upright", True) and (c.get("text") or "")]
    chars.sort(key=lambda c: (round(c["bottom"], 1), c["x0"]))
    rows: list[list] = []
    for c in sorted(chars, key=lambda c: c["bottom"]):
        if rows and abs(c["bottom"] - rows[-1][0]) <= 0.35 * (c.get("size") or 10.0):
            rows[-1][1].append(c)
        else:
            rows.append([c["bottom"], [c]])
    lines = []
    for _, row in rows:
        row.sort(key=lambda c: c["x0"])
        size = sorted(c.get("size") or 10.0 for c in row)[len(row) // 2]
        start, last = 0, None
        for i, c in enumerate(row):
            if not (c.get("text") or "").strip():
                continue
            gap = c["x0"] - last if last is not None else 0
            if gap > 4 * size or (gap > 1.2 * size and last < 0.65 * width and c["x0"] > 0.4 * width):
                part = row[start:i]
                if any((x.get("text") or "").strip() for x in part):
                    lines.append(_Line(part, page))
                start = i
            last = c["x1"]
        part = row[start:]
        if any((x.get("text") or "").strip() for x in part):
            lines.append(_Line(part, page))
    lines.sort(key=lambda ln: (round(ln.bottom), ln.x0))
    return [ln for ln in lines if ln.text]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _drop_furniture(pages: list[list]) -> list[list]:
    """Running headers and footers (the same words, page numbers aside, at the top or bottom of several pages) and
    bare page numbers."""
    def edges(items):
        lines = [(k, x) for k, x in enumerate(items) if isinstance(x, _Line)]
        return lines[:2] + lines[-2:]

    seen: dict[str, set] = {}
    for p, items in enumerate(pages):
        for _, ln in edges(items):
            seen.setdefault(_furniture_key(ln.text), set()).add(p)
    out = []
    for p, items in enumerate(pages):
        drop = {k for k, ln in edges(items)
                if page_furniture(ln.text) or (len(pages) > 1 and len(seen[_furniture_key(ln.text)]) > 1)}
        out.append([x for k, x in enumerate(items) if k not in drop])
    return out


def _columns(lines: list[_Line], left: float, right: float) -> list[_Line]:
    """A stretch of lines none of which crosses the middle of the text, with words on both sides (the header's two
    columns, "Nơi nhận" beside the signature): the left column, then the right one, as Word keeps them."""
    middle = (left + right) / 2
    out: list[_Line] = []
    run: list[_Line] = []

    def flush():
        rights = [ln for ln in run if ln.x0 >= middle]
        if rights:  # the short last line of a paragraph above the columns is not in them
            top = min(ln.top for ln in rights) - 0.5 * rights[0].size
            while run and run[0].bottom < top and run[0].x1 <= middle:
                out.append(run.pop(0))
        after = []  # nor the short paragraph below them ("Kính gửi:")
        if rights:
            bottom = max(ln.bottom for ln in rights) + 0.5 * rights[0].size
            while run and run[-1].top > bottom and run[-1].x1 <= middle:
                after.insert(0, run.pop())
        lefts = [ln for ln in run if ln.x1 <= middle]
        if lefts and rights:
            for ln in lefts:
                ln.column = "left"
            for ln in rights:
                ln.column = "right"
            out.extend(lefts + rights)
        else:
            out.extend(run)
        out.extend(after)
        run.clear()

    for ln in lines:
        if ln.x1 <= middle or ln.x0 >= middle:
            run.append(ln)
        else:
            flush()
            out.append(ln)
    flush()
    return out


def _join(a: str, b: str) -> str:
    """Two lines of one paragraph: a date or number broken at its slash or dash joins without a space."""
    if re.search(r"\d[/.\-]$", a) and b[:1].isdigit():
        return a + b
    return a + " " + b


_LINE_LABEL = re.compile(r"(?:[-+•–*▪◦]\s|\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]\s|\(?[a-zđ][).]\s|[IVXL]{1,5}\.\s)")


def _centered(line: _Line, left: float, right: float) -> bool:
    """A title line: as far from the left margin as from the right one (a first-line indent is from the left only)."""
    before, after = line.x0 - left, right - line.x1
    return before > 2 * line.size and after > 2 * line.size and abs(before - after) < 0.5 * line.size


def _new_paragraph(prev: _Line, cur: _Line, left: float, right: float, step: float, column_width: float = 0) -> bool:
    text, ptext = cur.text, prev.text
    if cur.column != prev.column:
        return True
    if _ALWAYS_NEW_PDF.match(text) or _SEPARATOR_PDF.fullmatch(text) or _SEPARATOR_PDF.fullmatch(ptext):
        return True
    label = read_label(text)
    first = text[:1]
    if cur.column:  # a cell of a layout table (a column half as wide as the text): the line above was full or not
        if label.style:
            return True
        if first.islower() or (first.isdigit() and not _TERMINAL_PDF.search(ptext)):
            return False
        if is_upper_line(ptext) != is_upper_line(text):
            return True  # "PHÓ BÍ THƯ" / "(Đã ký)"
        return (prev.x1 - prev.x0) + cur.first_word + 0.6 * cur.size < max(column_width, (right - left) / 2 - cur.size)
    size = max(cur.size, prev.size)
    same_page = cur.page == prev.page
    room = (right - left) - (prev.x1 - prev.x0) if _centered(prev, left, right) else right - prev.x1
    ended_short = room > cur.first_word + 0.6 * size
    indented = 0.8 * size < cur.x0 - left < 8 * size and not _centered(cur, left, right)
    gap = same_page and step > 0 and cur.top - prev.top > 1.3 * step
    if label.style and (ended_short or indented or gap or _TERMINAL_PDF.search(ptext) or ptext.endswith(":")):
        return True
    if ended_short:
        return not (first.islower() and not is_upper_line(ptext) and room < 12 * size)
    if gap or indented:
        return not first.islower()
    return False


def _cell_text(lines: list[str]) -> str:
    """A table cell's lines as the cell's paragraphs: a new one only at a label."""
    paras: list[str] = []
    for ln in (clean(x) for x in lines):
        if not ln:
            continue
        if paras and not (_LINE_LABEL.match(ln) and _TERMINAL_PDF.search(paras[-1])):
            paras[-1] = _join(paras[-1], ln)
        else:
            paras.append(ln)
    return "\n".join(paras)


def _layout_blocks(data: bytes) -> list:
    import pdfplumber

    pages: list[list] = []
    chars_seen = 0
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        for number, page in enumerate(pdf.pages):
            try:
                chars = page.chars
                chars_seen += len(chars)
                check_chars(chars_seen)
                tables = []
                for found in page.find_tables():
                    rows = found.extract(x_tolerance=1.5)
                    if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                        tables.append((found.bbox, [[(c or "").split("\n") for c in r] for r in rows]))

                def in_table(c):
                    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
                    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b, _ in tables)

                items: list = _page_lines([c for c in chars if not in_table(c)], number, page.width)
                for bbox, rows in tables:
                    k = next((i for i, ln in enumerate(items) if isinstance(ln, _Line) and ln.top > bbox[1]), len(items))
                    items.insert(k, rows)
                pages.append(items)
            except ParseError:
                raise
            except Exception:  # one damaged page does not lose the others
                pages.append([])
            finally:
                page.close()
    pages = _drop_furniture(pages)
    lines = [x for items in pages for x in items if isinstance(x, _Line)]
    if not lines and not any(not isinstance(x, _Line) for items in pages for x in items):
        return []
    body = [ln for ln in lines if len(ln.text) > 30] or lines
    lefts = sorted(round(ln.x0) for ln in body)
    left = max(set(lefts), key=lambda v: (sum(1 for x in lefts if abs(x - v) <= 1), -v)) if lefts else 0
    rights = sorted(ln.x1 for ln in body)
    right = rights[int(len(rights) * 0.9)] if rights else 0
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:])
                   if a.page == b.page and len(a.text) > 30 and len(b.text) > 30 and 0 < b.top - a.top < 3 * a.size)
    step = steps[len(steps) // 2] if steps else 0  # the usual spacing of the lines of a paragraph

    blocks: list = []
    prev: _Line | None = None
    for items in pages:
        stretch: list[_Line] = []
        ordered: list = []
        for x in items:
            if isinstance(x, _Line):
                stretch.append(x)
            else:
                ordered.extend(_columns(stretch, left, right))
                stretch = []
                ordered.append(x)
        ordered.extend(_columns(stretch, left, right))
        for k, x in enumerate(ordered):
            if not isinstance(x, _Line):
                rows = x
                last = blocks[-1] if blocks else None
                if k == 0 and isinstance(last, list) and len(last[0]) == len(rows[0]):  # the table goes on
                    if rows[0] == last[0]:
                        rows = rows[1:]  # its header row repeated on the new page
                    if rows and not "".join(rows[0][0]).strip() and "".join(last[-1][0]).strip():
                        last[-1] = [a + b for a, b in zip(last[-1], rows[0])]  # a row broken by the page
                        rows = rows[1:]
                    last.extend(rows)
                else:
                    blocks.append(rows)
                prev = None
                continue
            width = max((ln.x1 - ln.x0 for ln in ordered if isinstance(ln, _Line) and ln.column == x.column),
                        default=0) if x.column else 0
            if prev is None or _new_paragraph(prev, x, left, right, step, width):
                blocks.append(Para(x.text))
            else:
                blocks[-1] = Para(_join(blocks[-1].text, x.text))
            prev = x
    return [b if isinstance(b, Para) else Table([[_cell_text(c) for c in row] for row in b]) for b in blocks]
