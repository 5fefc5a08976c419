"""Text normalisation shared by the parser.

`fold` turns NFC text into a matching key of the same length: lower case, one kind of dash and space, and the
new tone placement ("uỷ" -> "ủy", "hoà" -> "hòa", "quí" -> "quý"). Because every character stays where it was,
a match found in the folded text is sliced verbatim out of the original.
"""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _toned(base: str, mark: str) -> str:
    return unicodedata.normalize("NFC", base + mark)


# "oà" -> "òa", "oé" -> "óe", "uỷ" -> "ủy": the old placement puts the mark on the second vowel of an open syllable.
_PLACEMENT = {}
for _mark in _TONES:
    for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
        _PLACEMENT[_first + _toned(_second, _mark)] = _toned(_first, _mark) + _second
_OLD_PLACEMENT = re.compile(r"(?<!q)[ou][" + "".join(sorted({k[1] for k in _PLACEMENT})) + r"](?!\w)")
# "quí" -> "quý", "qui" -> "quy": the same word spelt with i or y after qu.
_QUI = {"i": "y", **{_toned("i", m): _toned("y", m) for m in _TONES}}
_QUI_SPELLING = re.compile(r"(?<=qu)(" + "|".join(_QUI) + r")(?!\w)")

_CHAR_MAP: dict[int, str] = {
    **{ord(c): " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\r\f\v"},
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u00ab\u00bb"},
    **{ord(c): "'" for c in "\u2018\u2019\u201a"},
}


_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _CHAR_MAP))) + "]")


def _lower_keep_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def fold(text: str) -> str:
    """Matching key of NFC text, same length as the text (see module docstring)."""
    text = _SPECIAL.sub(lambda m: _CHAR_MAP[ord(m.group(0))], _lower_keep_length(text))
    text = _OLD_PLACEMENT.sub(lambda m: _PLACEMENT.get(m.group(0), m.group(0)), text)
    return _QUI_SPELLING.sub(lambda m: _QUI[m.group(1)], text)


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\ufeff]")
_SPACES = re.compile("[ \t\u00a0\u202f]{2,}|[\t\u00a0\u202f]")


def clean(text: str) -> str:
    """NFC, without zero-width characters and soft hyphens, spaces collapsed, trimmed."""
    text = _INVISIBLE.sub("", nfc(text))
    return _SPACES.sub(" ", text).strip()


def key(text: str) -> str:
    """A phrase key for dictionary look-ups: folded, punctuation between words dropped, spaces single."""
    return " ".join(re.findall(r"\w+|&", fold(nfc(text))))


def is_upper_line(text: str) -> bool:
    if len(text) > 300:
        return False  # a heading in capitals is short
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)
