"""From blocks to directives: header, structure, directive-or-not, assignees, deadlines."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from . import classify as C
from .assignees import Assignment, Party, Reader, read_assignment
from .blocks import Para, Table
from .dates import DateHit, YEAR_RE, deadline_of, find_dates, is_one_off, ongoing_marker
from .directory import Directory
from .header import footer_start, read_header, read_metadata, read_signer, speech_info
from .labels import NONE, Label, read_label, section_component
from .model import ParsedDirective, ParseError, ParseResult, Skipped
from .tables import cell, is_numbering_row, section_row, task_table
from .text import clean, fold, is_upper_line

_HEADING_WORDS = re.compile(
    r"(?:về|đối với|kết quả|hạn chế|tồn tại|nhiệm vụ|định hướng|giải pháp|tổ chức thực hiện|mục đích|mục tiêu|"
    r"yêu cầu|phương hướng|tình hình|đánh giá|nguyên nhân|bài học|công tác|lĩnh vực|những|một số|các nhiệm vụ|"
    r"phần|nội dung|trách nhiệm|phân công|kiến nghị|đề xuất|ưu điểm|khuyết điểm|quan điểm|chỉ tiêu|kinh phí|"
    r"chế độ|ý kiến|kết luận|khó khăn|thuận lợi|bối cảnh)(?!\w)")
_GREETING = re.compile(r"(?:kính thưa|thưa các đồng chí|thưa toàn thể|kính gửi)(?!\w)")
_GREETING_LINE = re.compile(r"(?:[-–•+]\s*)?(?:các đồng chí|đồng chí|quý vị|thưa|toàn thể|các vị|kính thưa)(?!\w)")
_CLOSING = re.compile(r"(?:xin trân trọng cảm ơn|trân trọng cảm ơn|xin chân thành cảm ơn|xin cảm ơn|cảm ơn các đồng chí|"
                      r"chúc các đồng chí|chúc hội nghị|kính chúc|chúc sức khỏe)(?!\w)")
_SENTENCE_START = re.compile(r"[.;]\s+(?=\w)")
_CLOSING_AHEAD = re.compile(r"cảm ơn|chúc|bế mạc|kết thúc|hoàn thành (?:toàn bộ |tất cả )?(?:các )?nội dung|"
                            r"thành công tốt đẹp|trân trọng")
_CONTINUATION = re.compile(r"(?:đồng thời|trong đó|theo đó|cụ thể|qua đó|từ đó|riêng|nhất là|đặc biệt)(?!\w)")
_TERMINAL = re.compile(r"[.;!?…]\s*[\"”’')]*\s*$")
_CELL_PART = re.compile(r"[^,;]+")
_RECURRING = re.compile(r"\s*(?:của\s+)?(?:hằng|hàng|mỗi)\s+(?:năm|quý|tháng|kỳ)(?!\w)")
_CELL_SEPARATOR = re.compile(r"[\s,;]*(?:(?:và|cùng)\s+)?")


@dataclass
class Entry:
    kind: str  # "para" or "table"
    text: str = ""
    label: Label = NONE
    heading_level: int | None = None
    bold: bool = False
    rows: list[list[str]] = field(default_factory=list)
    mode: str = ""  # "greeting" or "closing"
    rank: int = 1  # of an unlabeled heading: 1 for capitals or Heading 1, n for Heading n, 5 for a bold line

    @property
    def body(self) -> str:
        return self.text[self.label.body_start:].strip()


@dataclass
class Node:
    entry: Entry | None
    depth: int
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    content: list[Entry] = field(default_factory=list)
    role: str = "heading"  # "heading", "item", or "container" (an item with sub-items)
    category: str = C.NEUTRAL
    reason: str = ""
    intro_category: str = C.NEUTRAL
    period: DateHit | None = None
    assignment: Assignment | None = None
    intro_period: DateHit | None = None
    intro_assignment: Assignment | None = None
    component: str = ""

    @property
    def barrier(self) -> bool:
        """A heading that starts a new part of the document: what an intro said above it does not reach in."""
        e = self.entry
        return e is not None and (e.label.style == "roman" or (e.label.style == "caps" and e.rank == 1))


class _Parser:
    def __init__(self, directory: Directory, ref_year: int | None, not_before: dt.date | None):
        self.d = directory
        self.ref_year = ref_year
        self.not_before = not_before
        self.result = ParseResult(reference_year=ref_year)
        self._fold_cache: dict[str, str] = {}

    # ---- small helpers -------------------------------------------------------------------------------------
    def fold(self, text: str) -> str:
        f = self._fold_cache.get(text)
        if f is None:
            f = self._fold_cache[text] = fold(text)
        return f

    def skip(self, section: str, label: str, text: str, reason_key: str):
        self.result.skipped.append(Skipped(section, label, text, C.REASONS.get(reason_key, reason_key)))

    def period_of(self, text: str) -> DateHit | None:
        return deadline_of(find_dates(text, self.ref_year, self.not_before, self.fold(text)))

    # ---- structure -----------------------------------------------------------------------------------------
    def build_tree(self, entries: list[Entry]) -> Node:
        root = Node(None, -1)
        stack: list[str] = []
        path = [root]
        for e in entries:
            style = e.label.style
            if not style:
                path[-1].content.append(e)
                continue
            if style in ("decimal", "letter") and e.label.label.endswith(")"):
                style += ")"  # "1." headings and "1)" items are two levels
            if style == "roman":
                stack = [style]
                depth = 0
            elif style == "caps":
                # an unlabeled heading: "TỔ CHỨC THỰC HIỆN" or Heading 1 opens a part of its own (or of the roman
                # part); Heading 2, 3 ... and a bold line sit under the headings above them, never under an item
                key = f"caps{e.rank}"
                if key in stack:
                    depth = stack.index(key)
                    del stack[depth + 1:]
                else:
                    kept = []
                    for s in stack:
                        if s == "roman" or (s.startswith("caps") and int(s[4:]) < e.rank) or (
                                s in ("decimal", "decimal_multi") and e.rank >= 5):
                            kept.append(s)
                        else:
                            break
                    stack = kept + [key]
                    depth = len(stack) - 1
            elif style in stack:
                depth = stack.index(style)
                del stack[depth + 1:]
            else:
                stack.append(style)
                depth = len(stack) - 1
            while path[-1] is not root and path[-1].depth >= depth:
                path.pop()
            node = Node(e, depth, parent=path[-1])
            path[-1].children.append(node)
            path.append(node)
        return root

    def assign_roles(self, node: Node):
        for child in node.children:
            self.assign_roles(child)
        e = node.entry
        if e is None:
            return
        body = e.body
        f = self.fold(body)
        heading_like = bool(
            e.label.style in ("roman", "caps") or e.heading_level
            or (len(body) <= 160 and (_HEADING_WORDS.match(f) and not _TERMINAL.search(body)
                                      or _HEADING_WORDS.match(f) and len(body) <= 80
                                      or is_upper_line(body)))
            or (len(body) <= 100 and not _TERMINAL.search(body) and not body.endswith(":")
                and not C._VERB_START.match(f) and e.label.style not in ("dash", "plus", "dot"))
        )
        if node.children:
            node.role = "heading" if heading_like or body.endswith(":") or e.label.style == "star" else "container"
        elif e.label.style in ("roman", "caps") or e.heading_level:
            node.role = "heading"
        elif e.label.style == "star":
            node.role = "heading" if len(body) <= 150 and not _TERMINAL.search(body) else "item"
        elif heading_like and node.content and (body.endswith(":") or not _TERMINAL.search(body)):
            node.role = "heading"
        else:
            node.role = "item"
        node.component = section_component(e.label, e.text)

    # ---- context -------------------------------------------------------------------------------------------
    def prepare(self, node: Node):
        """Category, period and assignee a heading hands down to what is under it."""
        e = node.entry
        if e is not None and node.role in ("heading", "container"):
            node.category, node.reason = C.heading_category(e.body)
            node.period = self.period_of(e.body)
            f = self.fold(e.body)
            a = read_assignment(self.d, e.body, f, heading=True)
            if a.found:
                node.assignment = a
        intros = [c for c in node.content if c.kind == "para" and c.text.rstrip().endswith(":")]
        for intro in intros:
            cat = C.intro_category(intro.text)
            if cat != C.NEUTRAL:
                node.intro_category = cat
            if node.intro_period is None:
                # only the sentence that announces the list: "Nhiệm vụ trọng tâm quý III/2022 như sau:", not
                # the meeting's account before it ("... tình hình 9 tháng đầu năm. Sau khi nghe ...")
                last = re.split(r"(?<=[.;!?])\s+", intro.text.strip())[-1]
                node.intro_period = self.period_of(last)
            if node.intro_assignment is None:
                # "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, chính quyền ... thực hiện tốt các nhiệm vụ sau:"
                a = read_assignment(self.d, intro.text, self.fold(intro.text))
                if a.found and re.search(r"(?<!\w)(?:giao|đề nghị|yêu cầu|phân công)\s", self.fold(intro.text)):
                    node.intro_assignment = a
        for child in node.children:
            self.prepare(child)

    def context(self, node: Node, include_self: bool, self_intro: bool = True
                ) -> tuple[str, str, DateHit | None, Assignment | None]:
        """(category, reason, inherited period, inherited assignment) for what sits under node.

        An intro line ("... như sau:") speaks for the items right under its heading, and for deeper ones unless
        a new part of the document (a roman heading) starts in between. The paragraphs of the heading itself
        read their intro in order (self_intro=False), since what comes before it is not announced by it.
        """
        category, reason, period, assignment = C.NEUTRAL, "", None, None
        n = node if include_self else node.parent
        direct = self_intro
        barrier = False
        while n is not None:
            intro_reaches = direct or (not barrier and n is not node)
            if category == C.NEUTRAL:
                if n.category != C.NEUTRAL:
                    category, reason = n.category, n.reason
                elif n.intro_category != C.NEUTRAL and intro_reaches:
                    category = n.intro_category
                    reason = "results" if category == C.ASSESSMENT else ""
            if period is None:
                period = n.period or (n.intro_period if intro_reaches else None)
            if assignment is None:
                assignment = n.assignment or (n.intro_assignment if intro_reaches else None)
            barrier = barrier or n.barrier
            direct = False
            n = n.parent
        return category, reason, period, assignment

    def section(self, node: Node) -> str:
        parts = []
        n = node
        while n is not None and n.entry is not None:
            parts.append(n.component)
            n = n.parent
        out: list[str] = []
        for part in reversed([p for p in parts if p]):
            if out and part.startswith(out[-1] + "."):
                out[-1] = part  # "2" then "2.1" reads "2.1", not "2.2.1"
            else:
                out.append(part)
        return ".".join(out)

    # ---- walking -------------------------------------------------------------------------------------------
    def walk(self, node: Node):
        if node.role in ("heading", "container") or node.entry is None:
            self.paragraphs(node, preamble=node.entry is None)
            if node.role == "container":
                self.item(node, container=True)
            for child in node.children:
                self.walk(child)
        else:
            self.item(node)

    def item(self, node: Node, container: bool = False):
        e = node.entry
        category, reason, period, inherited = self.context(node.parent, include_self=True)
        section = self.section(node.parent)
        paras = [e.body]
        tail: list[Entry] = []
        for c in [] if container else node.content:
            if c.kind != "para" or c.mode:
                continue
            if tail or C.closes_item(self.fold(c.text)):
                # "Chỉ thị này được phổ biến đến chi bộ", "Thường trực Tỉnh ủy ghi nhận và sẽ ...": the issuer
                # speaking again after a list, not more of its last item
                tail.append(c)
            else:
                paras.append(c.text)
        if not tail:
            # wrapped text may have run the document's follow-up line into the last item's paragraph
            f = self.fold(paras[-1])
            for m in _SENTENCE_START.finditer(paras[-1]):
                if not paras[-1][m.end()].isupper():
                    continue
                if C.FOLLOW_UP.match(f, m.end()) or (C.FOLLOW_UP.search(f[m.end():m.end() + 200])
                                                      and re.match(r"giao|đề nghị|yêu cầu", f[m.end():])):
                    tail.append(Entry("para", paras[-1][m.end():]))
                    paras[-1] = paras[-1][:m.start() + 1]
                    break
        text = "\n\n".join(p for p in paras if p)
        if text and category in (C.ASSESSMENT, C.PURPOSE, C.SUGGESTION):
            self.skip(section, e.label.label, text, reason or C.DEFAULT_REASON[category])
        elif text:
            self.consider(section, e.label.label, paras, category == C.NEUTRAL, False, period, inherited)
        for c in [] if container else node.content:
            if c.kind == "table":
                self.table(c, node, section)
        for c in tail:
            # the follow-up of the whole document belongs to no section
            where = "" if C.FOLLOW_UP.search(self.fold(c.text)[:300]) else section
            self.consider(where, "", [c.text], True, False, None, None)
        self.skip_marked([] if container else node.content, section)

    def skip_marked(self, entries: list[Entry], section: str):
        for c in entries:
            if c.kind == "para" and c.mode:
                self.skip(section, c.label.label, c.text, c.mode)

    def paragraphs(self, node: Node, preamble: bool):
        """Unlabeled paragraphs straight under a heading: each one a directive or not on its own."""
        category, reason, period, inherited = self.context(node, include_self=True, self_intro=False)
        section = self.section(node)
        own_intro = C.NEUTRAL
        current: list[str] | None = None
        cat_now, preamble_now = category, preamble

        def flush():
            nonlocal current
            if current is not None:
                self.consider(section, "", current, cat_now == C.NEUTRAL, preamble_now, period, inherited)
            current = None

        for c in node.content:
            if c.kind == "table":
                flush()
                self.table(c, node, section)
                continue
            if c.mode:
                flush()
                self.skip(section, "", c.text, c.mode)
                continue
            text = c.text
            f = self.fold(text)
            if current is not None and (_CONTINUATION.match(f) or text[:1].islower()):
                current.append(text)
                continue
            flush()
            if text.rstrip().endswith(":") and len(text) < 400 and not re.search(r"(?<!\w)(?:giao|đề nghị)\s", f):
                self.skip(section, "", text, "intro")
                own_intro = C.intro_category(text) if C.intro_category(text) != C.NEUTRAL else own_intro
                continue
            cat_now = category if category != C.NEUTRAL else own_intro
            preamble_now = preamble and own_intro == C.NEUTRAL
            if cat_now in (C.ASSESSMENT, C.PURPOSE, C.SUGGESTION):
                self.skip(section, "", text, reason or C.DEFAULT_REASON[cat_now])
                continue
            current = [text]
        flush()

    def consider(self, section: str, label: str, paras: list[str], neutral: bool, preamble: bool,
                 period: DateHit | None, inherited: Assignment | None):
        text = "\n\n".join(paras)
        folded = self.fold(text)
        a = read_assignment(self.d, text, folded)
        subject_end = a.subject[-1].end if a.subject else 0
        kinds = {p.entity.kind if p.entity else "unit" for p in a.subject}
        subject_kind = "issuer" if kinds == {"issuer"} else ("unit" if kinds & {"unit", "group"} else "")
        hits = find_dates(text, self.ref_year, self.not_before, folded)
        ok, why = C.content_category(folded, subject_end, subject_kind, neutral, preamble,
                                     has_lead=a.found, has_deadline=bool(hits))
        if not ok:
            self.skip(section, label, text, why)
            return
        self.add_directive(section, label, text, len(paras), a, hits, period, inherited)

    def add_directive(self, section, label, text, n_paras, a: Assignment, hits, period, inherited,
                      own_deadline: DateHit | None = None, deadline_cell: str = ""):
        folded = self.fold(text)
        if not a.found and inherited is not None:
            a = Assignment(lead=inherited.lead, coord=inherited.coord or a.coord, scope_span=None)
        d = ParsedDirective(section=section, label=label, text=text, paragraphs=n_paras)
        self.fill_parties(d, a, text)
        own = own_deadline or deadline_of(hits)
        strength, marker = ongoing_marker(deadline_cell) if deadline_cell else ("", "")
        if not strength:
            strength, marker = ongoing_marker(text, folded)
        weak = deadline_of(hits, weak=True)
        recurring = own is not None and not own_deadline and _RECURRING.match(folded, own.end)
        if recurring:
            # "báo cáo trước ngày 15/12 hằng năm": a date every year, ongoing work with periodic reports
            d.ongoing, d.deadline_text = True, text[own.start:recurring.end()].strip()
        elif own is not None:
            d.deadline, d.deadline_text = own.date, own.text
        elif period is not None and strength != "strong":
            d.deadline, d.deadline_text = period.date, f"{period.text} (heading)"
        elif weak is not None and strength != "strong":
            d.deadline, d.deadline_text = weak.date, weak.text
        else:
            if strength == "strong":
                d.ongoing, d.deadline_text = True, marker
            elif is_one_off(folded):
                d.needs_deadline = True
            else:
                d.ongoing, d.deadline_text = True, marker
        d.order = len(self.result.directives) + 1
        self.result.directives.append(d)

    def fill_parties(self, d: ParsedDirective, a: Assignment, text: str):
        def add(lst, value):
            if value and value not in lst:
                lst.append(value)

        for p in a.lead:
            kind = p.entity.kind if p.entity else None
            if kind in ("issuer", "other"):
                continue
            add(d.lead_as_written, p.text)
            if kind == "unit":
                add(d.lead_units, p.entity.target)
            elif kind == "group":
                add(d.scope_groups, p.entity.target)
            elif kind is None:
                add(d.unmatched, p.text)
        for p in a.coord:
            kind = p.entity.kind if p.entity else None
            if kind in ("issuer", "other"):
                continue
            if kind == "unit" and p.entity.target in d.lead_units:
                continue
            add(d.coordinating_as_written, p.text)
            if kind == "unit":
                add(d.coordinating_units, p.entity.target)
            elif kind is None:
                add(d.unmatched, p.text)
        if a.scope_span:
            d.scope_as_written = text[a.scope_span[0]:a.scope_span[1]].strip()
        elif d.lead_as_written:
            d.scope_as_written = ", ".join(d.lead_as_written)

    # ---- tables --------------------------------------------------------------------------------------------
    def table(self, entry: Entry, node: Node, section: str):
        """A table of tasks (layout tables were turned into paragraphs before): a directive a row."""
        rows = entry.rows
        t = task_table(rows)
        category, reason, period, inherited = self.context(node, include_self=True)
        sub = ""
        for row in rows[t.header_rows:]:
            if is_numbering_row(row):
                continue
            heading = section_row(row, t)
            if heading is not None:
                label_cell = cell(row, t, "label").rstrip(".")
                sub = label_cell or heading.strip()
                continue
            content = cell(row, t, "content")
            if not content:
                continue
            sec = ".".join(x for x in (section, sub) if x)
            label = cell(row, t, "label")
            paras = [p for p in content.split("\n") if p.strip()]
            text = "\n\n".join(paras)
            if category in (C.ASSESSMENT, C.PURPOSE, C.SUGGESTION):
                self.skip(sec, label, text, reason or C.DEFAULT_REASON[category])
                continue
            lead_cell, coord_cell, when = cell(row, t, "lead"), cell(row, t, "coord"), cell(row, t, "deadline")
            a = self.cell_assignment(lead_cell, coord_cell)
            if not a.found:
                a = read_assignment(self.d, text, self.fold(text))
            own = None
            if when:
                own = deadline_of(find_dates(when, self.ref_year, self.not_before))
                m = re.fullmatch(r"(?:năm\s+)?((?:19|20)\d\d)", self.fold(when).strip())
                if own is None and m:
                    own = DateHit(dt.date(int(m.group(1)), 12, 31), 0, len(when), when.strip())
            hits = find_dates(text, self.ref_year, self.not_before, self.fold(text))
            self.add_directive(sec, label, text, len(paras), a, hits, period, inherited, own_deadline=own,
                               deadline_cell=when)

    def cell_assignment(self, lead_cell: str, coord_cell: str) -> Assignment:
        a = Assignment()
        for text, target in ((lead_cell, a.lead), (coord_cell, a.coord)):
            for line in text.split("\n"):
                f = self.fold(line)
                r = Reader(self.d, line, f)
                pos = 0
                while pos < len(f):
                    chain = r.chain(pos, len(f))
                    if chain:
                        target.extend(chain)
                        pos = chain[-1].end
                    else:  # a name the directory does not know: keep it as written
                        m = _CELL_PART.match(f, pos)
                        if m and re.search(r"\w", m.group(0)):
                            written = line[m.start():m.end()].strip()
                            written = re.sub(r"^(?:và|cùng)\s+", "", written)
                            target.append(Party(written, None, m.start(), m.end()))
                            pos = m.end()
                        else:
                            pos += 1
                    sep = _CELL_SEPARATOR.match(f, pos)
                    pos = max(pos, sep.end() if sep else pos)
        return a


def _entries(blocks: list) -> list[Entry]:
    out = []
    for b in blocks:
        if isinstance(b, Table):
            out.append(Entry("table", rows=b.rows))
            continue
        text = clean(b.text)
        if not text:
            continue
        label = read_label(text)
        if not label.style and (b.heading_level or (is_upper_line(text) and len(text) <= 120 and len(text.split()) >= 2)
                                or (b.bold and len(text) <= 100 and not _TERMINAL.search(text)
                                    and not text.endswith(":"))):
            label = Label("caps", "", 0)
        rank = b.heading_level or (1 if is_upper_line(text) else 5)
        out.append(Entry("para", text, label, b.heading_level, b.bold, rank=rank))
    # "Nhiệm vụ trọng tâm thời gian tới" on a line of its own, right above numbered items, is a heading
    for e, nxt in zip(out, out[1:]):
        if (e.kind == "para" and not e.label.style and nxt.kind == "para" and nxt.label.style
                and len(e.text) <= 100 and not _TERMINAL.search(e.text) and not e.text.endswith((":", ","))
                and _HEADING_WORDS.match(fold(e.text)) and not C._VERB_START.match(fold(e.text))):
            e.label = Label("caps", "", 0)
            e.rank = 5
    return out


def _mark_greetings(entries: list[Entry]):
    """Greetings at the top and the closing words of a speech are not part of the structure."""
    seen_body = False
    mode = ""
    for i, e in enumerate(entries):
        if e.kind != "para":
            seen_body = True
            continue
        f = fold(e.body if e.label.style in ("dash", "plus", "dot") else e.text)
        if e.label.style in ("roman",) or (e.label.style == "caps" and mode == "closing"):
            mode = ""
        if _GREETING.match(f) and len(e.text) < 250:
            if not seen_body:
                mode = "greeting"
            else:
                ahead = " ".join(fold(x.text) for x in entries[i + 1:i + 3] if x.kind == "para")
                if _CLOSING_AHEAD.search(ahead) or i >= len(entries) - 2:
                    mode = "closing"
                else:  # "Thưa các đồng chí," between two parts of a speech
                    e.mode, e.label = "greeting", NONE
                    continue
        elif _CLOSING.match(f):
            mode = "closing"
        elif mode == "greeting" and not (_GREETING_LINE.match(f) and len(e.text) < 250):
            mode = ""
        if mode:
            e.mode = mode
            e.label = NONE
        elif e.label.style:
            seen_body = True


def _guess_year(text: str) -> int | None:
    years = Counter(int(y) for y in YEAR_RE.findall(text) if 2000 <= int(y) <= 2100)
    if not years:
        return None
    top = max(years.values())
    return max(y for y, c in years.items() if c == top)


def parse_blocks(blocks: list, directory: Directory | None = None, reference_year: int | None = None) -> ParseResult:
    directory = directory or Directory.builtin()
    blocks = [b for b in blocks if isinstance(b, Table) and b.rows or isinstance(b, Para) and clean(b.text)]
    as_read = "\n\n".join(clean(b.text) if isinstance(b, Para) else
                           "\n".join("\t".join(" ".join(c.split()) for c in row) for row in b.rows) for b in blocks)
    meta_year = meta_month = None
    if blocks and isinstance(blocks[0], Para):
        rest, meta_year, meta_month = read_metadata(clean(blocks[0].text))
        if meta_year:
            blocks[0] = Para(rest, blocks[0].heading_level, blocks[0].bold)
    # layout tables (the header, the signature) read as their cells' paragraphs
    flat: list = []
    for b in blocks:
        if isinstance(b, Table) and task_table(b.rows) is None:
            for row in b.rows:
                for c in dict.fromkeys(x for x in row if x.strip()):
                    flat.extend(Para(p) for p in c.split("\n") if p.strip())
        else:
            flat.append(b)
    blocks = flat
    texts = [clean(b.text) if isinstance(b, Para) else "" for b in blocks]
    if not any(t for t in texts) and not any(isinstance(b, Table) for b in blocks):
        raise ParseError("Văn bản trống: không có nội dung nào để đọc.")
    header, start = read_header(texts)
    end = footer_start(texts, start)
    header.signer = read_signer(texts[end:])
    if not header.kind:
        kind, title, issuer = speech_info(texts[start:end])
        header.kind = kind
        header.title = header.title or title
        header.issuer = header.issuer or issuer
    ref_year = reference_year or (header.issued_on.year if header.issued_on else None) or meta_year
    if ref_year is None:
        ref_year = _guess_year(" ".join(texts))
    if header.issued_on and header.issued_on.year == ref_year:
        not_before = header.issued_on
    elif meta_year and meta_year == ref_year:
        not_before = dt.date(meta_year, meta_month or 1, 1)
    else:
        not_before = dt.date(ref_year, 1, 1) if ref_year else None
    parser = _Parser(directory, ref_year, not_before)
    parser.result.header = header
    parser.result.text = as_read
    entries = _entries(blocks[start:end])
    _mark_greetings(entries)
    root = parser.build_tree(entries)
    parser.assign_roles(root)
    parser.prepare(root)
    parser.walk(root)
    return parser.result
