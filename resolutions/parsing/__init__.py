"""Turning a document's text into directives: pure Python, no Django, nothing of the project (the unit directory
is handed in as plain data: Directory.from_data).

    from resolutions.parsing import parse_text, parse_file, ParseError, ParseResult
    result = parse_text(text, directory=None, reference_year=None)
    result = parse_file(path_or_bytes, filename, directory=None)

`ParseError` carries a Vietnamese message that names what is wrong with the input.
"""
from __future__ import annotations

from .blocks import text_blocks
from .core import parse_blocks
from .directory import Directory
from .model import Header, ParsedDirective, ParseError, ParseResult, Skipped
from .readers import MAX_BYTES, check_chars, check_input, file_blocks, read_input
from .text import nfc

__all__ = ["parse_text", "parse_file", "ParseError", "ParseResult", "ParsedDirective", "Skipped", "Header",
           "Directory", "MAX_BYTES", "read_input", "check_input", "nfc"]


def parse_text(text: str, directory: Directory | None = None, reference_year: int | None = None) -> ParseResult:
    """Parse pasted text. Raises ParseError when there is nothing to read."""
    if not isinstance(text, str):
        raise ParseError("Nội dung dán vào không phải văn bản.")
    check_chars(len(text))  # before anything is read: a pasted text is held to a file's limit
    text = nfc(text.encode("utf-8", "replace").decode("utf-8"))
    return _guarded(lambda: parse_blocks(text_blocks(text), directory, reference_year))


def parse_file(path_or_bytes, filename: str = "", directory: Directory | None = None,
               reference_year: int | None = None) -> ParseResult:
    """Parse a .txt, .docx or .pdf, recognised by its content. Raises ParseError on anything it cannot read."""
    data = read_input(path_or_bytes, filename)
    return _guarded(lambda: parse_blocks(file_blocks(data), directory, reference_year))


def _guarded(run):
    try:
        return run()
    except ParseError:
        raise
    except RecursionError as exc:
        raise ParseError("Văn bản có cấu trúc quá phức tạp, không đọc được.") from exc
