"""The unit directory as the parser sees it: names, aliases and broad phrases compiled into one matcher.

Built from plain data (`Directory.from_data`) by the caller, so the parser needs no database and imports nothing of
the project: the importer hands it the office's directory (intake.importing). Without one, `Directory.builtin()`
knows the broad phrases of every party document and no unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import fold, key, nfc

# Broad phrases every Vietnamese party document uses; they resolve to a group when the directory has its key.
BUILTIN_GROUP_PHRASES = {
    "cap_uy": [
        "cấp ủy", "các cấp ủy", "cấp ủy các cấp", "cấp ủy đảng", "các cấp ủy đảng", "cấp ủy đảng các cấp",
        "cấp ủy, tổ chức đảng", "các cấp ủy, tổ chức đảng", "cấp ủy, tổ chức đảng các cấp", "tổ chức đảng",
        "các tổ chức đảng", "tổ chức cơ sở đảng", "các huyện ủy, thị ủy, thành ủy", "các huyện, thị, thành ủy",
        "huyện ủy, thị ủy, thành ủy", "các huyện ủy, thành ủy, thị ủy", "các thành ủy, thị ủy, huyện ủy",
        "các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc", "các huyện, thị, thành ủy, đảng ủy trực thuộc",
        "các đảng ủy trực thuộc", "đảng ủy trực thuộc", "các đảng ủy trực thuộc Tỉnh ủy", "các đảng bộ trực thuộc",
        "các huyện ủy", "các thành ủy", "các thị ủy", "cấp ủy cơ sở", "cấp ủy trực thuộc",
        "ban thường vụ các huyện ủy, thị ủy, thành ủy", "ban thường vụ các huyện, thị, thành ủy",
        "ban thường vụ các huyện, thị, thành ủy, đảng ủy trực thuộc", "các đảng bộ, chi bộ",
    ],
    "chinh_quyen": [
        "chính quyền", "chính quyền các cấp", "chính quyền địa phương", "chính quyền địa phương các cấp",
        "UBND các cấp", "Ủy ban nhân dân các cấp", "UBND các huyện, thị xã, thành phố",
        "Ủy ban nhân dân các huyện, thị xã, thành phố", "UBND cấp huyện", "Ủy ban nhân dân cấp huyện",
        "UBND các huyện, thị, thành phố", "UBND huyện, thị xã, thành phố", "UBND các địa phương",
    ],
    "co_quan_don_vi": [
        "các cơ quan, đơn vị", "cơ quan, đơn vị", "cơ quan, đơn vị các cấp", "các cơ quan, đơn vị các cấp",
        "các cơ quan, đơn vị cấp tỉnh", "các sở, ban, ngành", "sở, ban, ngành", "các sở, ban, ngành tỉnh",
        "các sở, ngành", "sở, ngành", "các ban, sở, ngành", "các ban, ngành", "ban, ngành", "các ngành",
        "các ban đảng", "các ban xây dựng đảng", "các ban xây dựng Đảng tỉnh", "các ban đảng tỉnh",
        "các ban, sở, ngành tỉnh", "các sở, ban, ngành, đoàn thể tỉnh", "các cơ quan, ban, ngành",
        "các ban đảng, đảng đoàn, ban cán sự đảng", "các đảng đoàn, ban cán sự đảng",
    ],
    "mttq_doan_the": [
        "MTTQ và các đoàn thể chính trị - xã hội", "MTTQ và các đoàn thể", "MTTQ và các tổ chức chính trị - xã hội",
        "MTTQ, các đoàn thể chính trị - xã hội", "Mặt trận và các đoàn thể", "Mặt trận, đoàn thể",
        "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội", "Mặt trận Tổ quốc và các đoàn thể",
        "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội", "Mặt trận Tổ quốc, các tổ chức chính trị - xã hội",
        "Mặt trận Tổ quốc Việt Nam và các đoàn thể chính trị - xã hội", "các đoàn thể chính trị - xã hội",
        "các tổ chức chính trị - xã hội", "các đoàn thể", "đoàn thể chính trị - xã hội", "MTTQ, đoàn thể",
        "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội các cấp", "MTTQ và các đoàn thể các cấp",
        "các hội, đoàn thể", "MTTQ, các đoàn thể",
    ],
}

# Phrases that name somebody without naming a unit: kept as written, never resolved, never "unmatched".
VAGUE_PHRASES = [
    "các cơ quan liên quan", "các cơ quan có liên quan", "cơ quan liên quan", "cơ quan có liên quan",
    "các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị có liên quan", "các đơn vị liên quan",
    "các đơn vị có liên quan", "đơn vị liên quan", "các ngành liên quan", "các sở, ngành liên quan",
    "các sở, ngành có liên quan", "các ngành có liên quan", "các ngành chức năng", "các cơ quan chức năng",
    "cơ quan chức năng", "các địa phương", "địa phương", "các địa phương liên quan", "các địa phương có liên quan",
    "các cơ quan, đơn vị, địa phương liên quan", "các cơ quan, đơn vị, địa phương có liên quan",
    "các sở, ban, ngành liên quan", "các sở, ban, ngành có liên quan", "các ban, ngành liên quan",
    "các cơ quan tham mưu", "các cơ quan tham mưu, giúp việc", "các cơ quan tham mưu, giúp việc Tỉnh ủy",
    "các tổ chức, cá nhân liên quan", "các doanh nghiệp", "doanh nghiệp", "người dân", "Nhân dân",
]

# The issuing bodies and bodies above the province: never an assignee of the province's directives.
ISSUER_PHRASES = [
    "Ban Thường vụ Tỉnh ủy", "BTV Tỉnh ủy", "Thường trực Tỉnh ủy", "TT Tỉnh ủy", "Tỉnh ủy",
    "Ban Chấp hành Đảng bộ tỉnh", "BCH Đảng bộ tỉnh", "Ban Chấp hành Tỉnh ủy", "Bí thư Tỉnh ủy",
    "Thường trực", "Ban Thường vụ", "Ban Chấp hành",
]
HIGHER_PHRASES = [
    "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương", "Trung ương", "Chính phủ", "Thủ tướng Chính phủ",
    "Quốc hội", "Ủy ban Thường vụ Quốc hội",
]

# Abbreviations documents use in both directions.
_ABBREVIATIONS = [
    ("Ủy ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"), ("Mặt trận Tổ quốc Việt Nam", "MTTQ Việt Nam"),
    ("Mặt trận Tổ quốc", "MTTQ"), ("Ban Thường vụ", "BTV"), ("Ban Chấp hành", "BCH"), ("thành phố", "TP"),
    ("thị xã", "TX"), ("Ủy ban Kiểm tra", "UBKT"), ("Ban cán sự đảng", "BCS đảng"),
]
_LEADERSHIP_PREFIXES = ["Ban Thường vụ", "BTV", "Thường trực", "Ban Chấp hành"]
# A name written without its trailing "tỉnh" must not swallow a lower level: "UBND huyện X" is not "UBND tỉnh".
_LOWER_LEVEL = re.compile(r"\s+(?:các\s+)?(?:huyện|thị xã|thành phố|tp\b|tx\b|xã|phường|thị trấn|quận|"
                          r"cấp huyện|cấp xã|cấp cơ sở|cơ sở|trung ương)(?!\w)")


_OTHER_COMMITTEE = re.compile(r"\s+(?:huyện ủy|thành ủy|thị ủy|đảng ủy|trung ương|bộ\s|chính phủ)(?!\w)")


@dataclass(frozen=True)
class Entity:
    kind: str  # "unit", "group", "vague", "issuer", "other"
    target: str  # canonical unit name, group key, or "" for the rest
    guarded: bool = False  # a shortened name: refuse it before a lower administrative level


def _variants(name: str) -> list[tuple[str, bool]]:
    """Spellings of one unit name: abbreviations both ways, without a trailing 'tỉnh' (guarded), with a prefix."""
    base = {name}
    for long, short in _ABBREVIATIONS:
        for v in list(base):
            fv = fold(v)
            if fold(long) in fv:
                base.add(re.sub(re.escape(long), short, v, flags=re.IGNORECASE))
            if re.search(r"(?<!\w)" + re.escape(fold(short)) + r"(?!\w)", fv):
                base.add(re.sub(r"(?<!\w)" + re.escape(short) + r"(?!\w)", long, v, flags=re.IGNORECASE))
    out = [(v, False) for v in base]
    for v in base:
        short = re.sub(r"\s+(?:Việt Nam\s+)?tỉnh$", "", v, flags=re.IGNORECASE)
        # only when what remains is still a name ("Hội Nông dân"), not a common word ("Thanh tra", "Công an")
        if short != v and sum(1 for w in short.split() if w[:1].isupper()) >= 2:
            out.append((short, True))
    for v, guarded in list(out):
        for prefix in _LEADERSHIP_PREFIXES:
            out.append((f"{prefix} {v}", guarded))
    return out


class Directory:
    """Units and groups to match assignee phrases against."""

    def __init__(self, units: list[dict], groups: list[dict], other_bodies: list[str] = ()):
        self.units = [dict(u) for u in units]
        self.groups = [dict(g) for g in groups]
        self.group_keys = [g["key"] for g in self.groups]
        self.group_names = {g["key"]: g.get("name", g["key"]) for g in self.groups}
        entries: dict[str, tuple[str, Entity]] = {}

        def add(phrase: str, entity: Entity, strong: bool = True):
            phrase = nfc(phrase).strip()
            k = key(phrase)
            if not k:
                return
            old = entries.get(k)
            if old is None or (strong and old[1].guarded and not entity.guarded):
                entries[k] = (phrase, entity)

        for phrase in VAGUE_PHRASES:
            add(phrase, Entity("vague", ""))
        for group in self.groups:
            for phrase in [*BUILTIN_GROUP_PHRASES.get(group["key"], []), *group.get("phrases", [])]:
                add(phrase, Entity("group", group["key"]))
        for phrase in HIGHER_PHRASES + list(other_bodies):
            add(phrase, Entity("other", ""))
        for phrase in ISSUER_PHRASES:
            add(phrase, Entity("issuer", ""))
        # exact names and aliases first, so that a generated variant never takes a name another unit owns
        for unit in self.units:
            for phrase in [unit["name"], unit.get("short_name") or "", *unit.get("aliases", [])]:
                if phrase:
                    add(phrase, Entity("unit", unit["name"]))
        for unit in self.units:
            for phrase in [unit["name"], unit.get("short_name") or "", *unit.get("aliases", [])]:
                for variant, guarded in _variants(phrase) if phrase else []:
                    if key(variant) not in entries:
                        add(variant, Entity("unit", unit["name"], guarded))
        self._entries = {k: e for k, (_, e) in entries.items()}
        self._first_words = {k.split(" ", 1)[0] for k in self._entries}
        self._max_words = max((k.count(" ") + 1 for k in self._entries), default=0)

    @classmethod
    def from_data(cls, units: list[dict], groups: list[dict], other_bodies: list[str] = ()) -> "Directory":
        return cls(units, groups, other_bodies)

    @classmethod
    def builtin(cls) -> "Directory":
        return _builtin_directory()

    def unit_groups(self, name: str) -> list[str]:
        for unit in self.units:
            if unit["name"] == name:
                return list(unit.get("groups", []))
        return []

    def _words(self, folded: str, pos: int, end: int) -> list[tuple[str, int]]:
        """The words from pos on, as phrase keys see them: (word, where it ends)."""
        words: list[tuple[str, int]] = []
        p = pos
        while p < end and len(words) < self._max_words:
            m = _WORD.match(folded, p, end)
            if not m:
                break
            words.append((m.group(0), m.end()))
            sep = _SEP.match(folded, m.end(), end)
            p = sep.end()
            if p == m.end() and not (folded.startswith("&", p) or m.group(0) == "&"):
                break
            if "." in sep.group(0) and len(m.group(0)) > 3:
                break  # a full stop ends the name unless it closes an abbreviation ("TP. Vị Thanh")
        return words

    def match_at(self, folded: str, pos: int, end: int | None = None) -> tuple[int, Entity] | None:
        """The longest phrase that starts exactly at pos in folded text: (end, entity), or None."""
        end = len(folded) if end is None else end
        if pos >= end or (pos > 0 and (folded[pos - 1].isalnum() or folded[pos - 1] == "_")):
            return None
        first = _WORD.match(folded, pos, end)
        if not first or first.group(0) not in self._first_words:
            return None
        words = self._words(folded, pos, end)
        for n in range(len(words), 0, -1):
            entity = self._entries.get(" ".join(w for w, _ in words[:n]))
            if entity is None:
                continue
            stop = words[n - 1][1]
            if stop < len(folded) and (folded[stop].isalnum() or folded[stop] == "_"):
                continue
            if entity.guarded and _LOWER_LEVEL.match(folded, stop):
                continue
            if entity.kind == "unit" and _OTHER_COMMITTEE.match(folded, stop):
                # "Ban Tổ chức Huyện ủy Phụng Hiệp" is the district's board, not the province's "Ban Tổ chức"
                continue
            return stop, entity
        return None

    def search(self, folded: str, start: int, end: int):
        """Every phrase in folded[start:end], leftmost-longest, as (start, end, entity)."""
        pos = start
        for m in _WORD_START.finditer(folded, start, end):
            if m.start() < pos:
                continue
            hit = self.match_at(folded, m.start(), end)
            if hit:
                yield m.start(), hit[0], hit[1]
                pos = hit[0]


_WORD = re.compile(r"\w+|&")
_SEP = re.compile(r"[\s,\-.]*")
_WORD_START = re.compile(r"(?<!\w)(?:\w|&)")


@lru_cache(maxsize=1)
def _builtin_directory() -> Directory:
    """Broad phrases resolve to their groups; no unit is known."""
    return Directory([], [{"key": k, "name": k} for k in BUILTIN_GROUP_PHRASES])
