"""Accent-insensitive text search that works the same on SQLite and PostgreSQL, without database extensions.

Vietnamese is typed with and without diacritics ("tuyen giao" for "Tuyên giáo"), in NFC or NFD, and with old or
new tone placement ("uỷ" / "ủy"). Both the stored text (Task.search_text, a unit's search key) and the query are reduced to the same
key: lower case, every combining mark removed, "đ" → "d", whitespace collapsed. Tone placement then no longer
matters, because the tone marks are gone. Pure Python: no Django import.
"""
import unicodedata


def search_key(*parts: str | None) -> str:
    """The search form of some text: 'Ủy ban Kiểm tra Tỉnh uỷ' → 'uy ban kiem tra tinh uy'."""
    text = " ".join(part for part in parts if part)
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", stripped).casefold().split())


def search_words(query: str | None) -> list[str]:
    """The words of a query, each as a search key; a task matches when its key contains every word."""
    return search_key(query).split()
