"""From a document's blocks to its outline: entries (paragraphs and tables with their labels), the tree of
headings and items they form, and what each heading hands down to what is under it (a category such as results or
tasks, a period, an assignee). parsing.core walks the outline to find the directives."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import classify as C
from .assignees import Assignment, read_assignment
from .blocks import Table
from .dates import CONTINUING_HEADING, DateHit, deadline_of, find_dates
from .directory import Directory
from .labels import NONE, Label, read_label, section_component
from .model import ParseResult, Skipped
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
_CLOSING_AHEAD = re.compile(r"cảm ơn|chúc|bế mạc|kết thúc|hoàn thành (?:toàn bộ |tất cả )?(?:các )?nội dung|"
                            r"thành công tốt đẹp|trân trọng")
_TERMINAL = re.compile(r"[.;!?…]\s*[\"”’')]*\s*$")


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


class Outline:
    """The parse's state and the outline's reading; parsing.core's parser adds the directives."""

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
        if node.children and self.is_block(node):
            node.role = "block"
        elif node.children:
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

    def is_block(self, node: Node) -> bool:
        """"2. Vận hành hợp lý các công trình thủy lợi, cụ thể:" with bullets under it: one directive whose
        bullets are its details, unless each bullet names a lead of its own (then the line is a heading)."""
        e = node.entry
        body = e.body
        if e.label.style in ("roman", "caps", "star") or e.heading_level or not body.rstrip().endswith(":"):
            return False
        f = self.fold(body)
        # lettered sub-items a), b) are directives of their own (each tracked), bullets are details of one
        if any(c.children or c.entry.label.style not in ("dash", "plus", "dot") for c in node.children):
            return False
        if C.intro_category(body) == C.ASSESSMENT:
            return False
        a = read_assignment(self.d, body, f, heading=True)
        if _HEADING_WORDS.match(f) and not (a.found and re.search(r"(?<!\w)(?:giao|đề nghị|yêu cầu)\s", f)):
            return False
        if not (C._VERB_START.match(f) or a.found or re.search(r"cụ thể|sau đây|như sau|các việc sau", f)):
            return False
        own = sum(read_assignment(self.d, c.entry.body, self.fold(c.entry.body)).found for c in node.children)
        # "+ Hoàn thành đo đạc trong tháng 9/2022; + Chi trả bồi thường trước ngày 30/11/2022": each its own date,
        # each tracked on its own
        dated = sum(bool(self.period_of(c.entry.body)) for c in node.children)
        return own < max(2, len(node.children) // 2 + 1) and dated < 2

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

    def continuing(self, node: Node | None) -> str:
        """The words of a heading or intro above that make what is under it continuing work ("Nhiệm vụ trọng tâm
        thời gian tới", "Định hướng …", "thường xuyên"), or ""."""
        n = node
        while n is not None:
            texts = ([n.entry.body] if n.entry is not None and n.role in ("heading", "container") else []) + [
                c.text for c in n.content if c.kind == "para" and c.text.rstrip().endswith(":")]
            for t in texts:
                m = CONTINUING_HEADING.search(self.fold(t))
                if m:
                    return t[m.start():m.end()]
            n = n.parent
        return ""

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


def read_entries(blocks: list) -> list[Entry]:
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


def mark_greetings(entries: list[Entry]):
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
