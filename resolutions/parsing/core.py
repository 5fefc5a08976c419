"""From blocks to directives: the header, then the outline (parsing.outline) walked item by item, each kept as a
directive or not, with its assignees and deadline."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from . import classify as C
from .assignees import TRIGGER_WORDS, Assignment, Party, Reader, read_assignment
from .blocks import Para, Table
from .dates import DateHit, YEAR_RE, deadline_of, find_dates, is_one_off, ongoing_marker, ongoing_span
from .evidence import confidence, party_sources
from .directory import Directory
from .header import attachment_start, footer_start, read_header, read_metadata, read_signer, speech_info
from .model import ParsedDirective, ParseError, ParseResult, Source
from .segments import split_points
from .outline import Entry, Node, Outline, mark_greetings, read_entries
from .tables import cell, is_numbering_row, section_row, task_table
from .text import clean
from .titles import short_title

_SENTENCE_START = re.compile(r"[.;]\s+(?=\w)")
_CONTINUATION = re.compile(r"(?:đồng thời|trong đó|theo đó|cụ thể|qua đó|từ đó|riêng|nhất là|đặc biệt)(?!\w)")
_CELL_PART = re.compile(r"[^,;]+")
_RECURRING = re.compile(r"\s*(?:của\s+)?(?:hằng|hàng|mỗi)\s+(?:năm|quý|tháng|kỳ)(?!\w)")
_CELL_SEPARATOR = re.compile(r"[\s,;]*(?:(?:và|cùng)\s+)?")


_ASSIGNS = re.compile(r"(?<!\w)(?:" + TRIGGER_WORDS + r"|chủ trì|có trách nhiệm|chịu trách nhiệm|"
                      r"phối hợp|khẩn trương|chỉ đạo)(?!\w)")
# what is never worth a second look, whatever it names: the greetings and thanks of a speech
_NO_SECOND_LOOK = {C.REASONS["greeting"], C.REASONS["closing"]}


class _Parser(Outline):
    def skip(self, section: str, label: str, text: str, reason_key: str):
        super().skip(section, label, text, reason_key)
        s = self.result.skipped[-1]
        s.after = len(self.result.directives)
        folded = self.fold(text)
        a = read_assignment(self.d, text, folded)
        hits = find_dates(text, self.ref_year, self.not_before, folded)
        if _ASSIGNS.search(folded):
            s.signals.append("assignment")
        if a.found or any(p.entity is not None and p.entity.kind in ("unit", "group") for p in a.coord):
            s.signals.append("unit")
        if hits:
            s.signals.append("date")
        if s.reason in _NO_SECOND_LOOK and "assignment" not in s.signals:
            s.signals = []
        if s.signals:
            paras = text.count("\n\n") + 1
            s.proposal = self.build_directive(section, label, text, paras, a, hits, None, None, directive=0.3)

    def walk(self, node: Node):
        if node.role == "block":
            self.item(node)
        elif node.role in ("heading", "container") or node.entry is None:
            e = node.entry
            if (node.role == "heading" and e is not None and e.label.style not in ("roman", "caps")
                    and node.assignment is not None and e.body.rstrip().endswith(":")):
                # "2. UBND thị xã Vĩnh Châu, UBND huyện Trần Đề:": whom the items below are for; listed for a second
                # look in case the office wants it tracked as one directive
                self.skip(self.section(node.parent), e.label.label, e.body, "assigning_heading")
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
        if node.role == "block":
            for child in node.children:
                paras.append(child.entry.text)
                paras.extend(c.text for c in child.content if c.kind == "para" and not c.mode)
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
            self.consider(section, e.label.label, paras, category == C.NEUTRAL, False, period, inherited,
                          continuing=self.continuing(node.parent))
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
        continuing = self.continuing(node)
        current: list[str] | None = None
        cat_now, preamble_now = category, preamble

        def flush():
            nonlocal current
            if current is not None:
                self.consider(section, "", current, cat_now == C.NEUTRAL, preamble_now, period, inherited,
                              continuing=continuing)
            current = None

        paras_left = [c for c in node.content if c.kind == "para" and not c.mode]
        for c in node.content:
            if c.kind == "table":
                flush()
                self.table(c, node, section)
                continue
            if (c.kind == "para" and not c.mode and c.text.rstrip().endswith(":") and len(c.text) < 1000
                    and c is paras_left[-1] and (node.children or c is not node.content[-1])):
                # "UBND tỉnh yêu cầu thủ trưởng các sở … thực hiện các nội dung sau:" right above the items: it
                # announces them (they inherit its assignee), it is not one more
                flush()
                self.skip(section, "", c.text, "intro")
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
                 period: DateHit | None, inherited: Assignment | None, continuing: str = ""):
        text = "\n\n".join(paras)
        points = split_points(self.d, text, self.fold(text))
        bounds = [0, *points, len(text)]
        for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
            part = [p.strip() for p in text[a:b].strip().split("\n\n") if p.strip()]
            self.consider_part(section, label if i == 0 else "", part, neutral or i > 0, preamble, period,
                               inherited, continuing)

    def consider_part(self, section: str, label: str, paras: list[str], neutral: bool, preamble: bool,
                      period: DateHit | None, inherited: Assignment | None, continuing: str = ""):
        text = "\n\n".join(paras)
        folded = self.fold(text)
        a = read_assignment(self.d, text, folded)
        subject_end = a.subject[-1].end if a.subject else 0
        kinds = {p.entity.kind if p.entity else "unit" for p in a.subject}
        subject_kind = "issuer" if kinds == {"issuer"} else ("unit" if kinds & {"unit", "group"} else "")
        hits = find_dates(text, self.ref_year, self.not_before, folded)
        ok, why = C.content_category(folded, subject_end, subject_kind, neutral, preamble,
                                     has_lead=a.found, has_deadline=bool(hits), label=label)
        if not ok:
            self.skip(section, label, text, why)
            return
        sure = 0.95 if not neutral else (0.8 if a.found else 0.6)
        self.add_directive(section, label, text, len(paras), a, hits, period, inherited, continuing=continuing,
                           directive=sure)

    def add_directive(self, section, label, text, n_paras, a: Assignment, hits, period, inherited,
                      own_deadline: DateHit | None = None, deadline_cell: str = "", continuing: bool = False,
                      directive: float = 0.9, lead_where: str = "text"):
        d = self.build_directive(section, label, text, n_paras, a, hits, period, inherited, own_deadline,
                                 deadline_cell, continuing, directive, lead_where)
        d.order = len(self.result.directives) + 1
        self.result.directives.append(d)
        return d

    def build_directive(self, section, label, text, n_paras, a: Assignment, hits, period, inherited,
                        own_deadline: DateHit | None = None, deadline_cell: str = "", continuing: bool = False,
                        directive: float = 0.9, lead_where: str = "text") -> ParsedDirective:
        """The directive text would be, with where each field was read and how sure that is."""
        folded = self.fold(text)
        if not a.found and inherited is not None:
            a = Assignment(lead=inherited.lead, coord=inherited.coord or a.coord, scope_span=None)
            lead_where = "heading"
            inherited_coord = not a.coord or a.coord is inherited.coord
        else:
            inherited_coord = False
        d = ParsedDirective(section=section, label=label, text=text, paragraphs=n_paras, short_title=short_title(text))
        self.fill_parties(d, a, text)
        if lead_where == "heading":
            party_sources(d, Assignment(lead=a.lead), "heading")
            party_sources(d, Assignment(coord=a.coord), "heading" if inherited_coord else "text")
        else:
            party_sources(d, a, lead_where)
        own = own_deadline or deadline_of(hits)
        strength, marker = ongoing_marker(deadline_cell) if deadline_cell else ("", "")
        marker_span = None
        if not strength:
            strength, marker_span = ongoing_span(text, folded)
            marker = text[marker_span[0]:marker_span[1]] if marker_span else ""
        weak = deadline_of(hits, weak=True)
        recurring = own is not None and not own_deadline and _RECURRING.match(folded, own.end)

        def source(field, hit_start=-1, hit_end=-1, words="", where="text"):
            d.sources.append(Source(field, words or text[hit_start:hit_end], hit_start, hit_end, where))

        if recurring:
            # "báo cáo trước ngày 15/12 hằng năm": a date every year, ongoing work with periodic reports
            d.ongoing, d.deadline_text = True, text[own.start:recurring.end()].strip()
            source("ongoing", own.start, recurring.end())
            timing = "recurring"
        elif own is not None:
            d.deadline, d.deadline_text = own.date, own.text
            if own_deadline:
                source("deadline", words=deadline_cell.strip(), where="column")
                timing = "column"
            else:
                source("deadline", own.start, own.end)
                timing = "date" if re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}|ngày", self.fold(own.text)) else "period"
        elif period is not None and strength != "strong":
            d.deadline, d.deadline_text = period.date, f"{period.text} (heading)"
            source("deadline", words=period.text, where="heading")
            timing = "heading"
        elif weak is not None and strength != "strong":
            d.deadline, d.deadline_text = weak.date, weak.text
            source("deadline", weak.start, weak.end)
            timing = "bare_year"
        elif strength:
            # "thường xuyên", "định kỳ", "hằng năm"; "tiếp tục", "thời gian tới"
            d.ongoing, d.deadline_text = True, marker
            if deadline_cell:
                source("ongoing", words=deadline_cell.strip(), where="column")
            elif marker_span:
                source("ongoing", *marker_span)
            timing = "strong" if strength == "strong" else "weak"
        elif C.FOLLOW_UP.search(folded):
            # "Giao Văn phòng Tỉnh ủy theo dõi, đôn đốc việc thực hiện Thông báo kết luận này": as long as it runs
            m = C.FOLLOW_UP.search(folded)
            d.ongoing, d.deadline_text = True, text[m.start():m.end()]
            source("ongoing", m.start(), m.end())
            timing = "weak"
        elif continuing and not is_one_off(folded):
            # under "Nhiệm vụ thời gian tới", "Định hướng …": continuing work, said by the heading (a one-off such
            # as "ban hành Chỉ thị thay thế" still needs its date)
            d.ongoing, d.deadline_text = True, "(heading)"
            source("ongoing", words=continuing if isinstance(continuing, str) else "", where="heading")
            timing = "continuing"
        else:
            # no timing word at all: the office has to set one
            d.needs_deadline = True
            timing = "none"
        d.confidence = confidence(d, directive=directive, lead_where=lead_where, timing=timing)
        return d

    def fill_parties(self, d: ParsedDirective, a: Assignment, text: str):
        def add(lst, value):
            if value and value not in lst:
                lst.append(value)

        for p in a.lead:
            kind = p.entity.kind if p.entity else None
            if kind == "issuer":
                continue
            add(d.lead_as_written, p.text)
            if kind == "unit":
                add(d.lead_units, p.entity.target)
            elif kind == "group":
                add(d.scope_groups, p.entity.target)
            elif kind in (None, "other"):  # "Trung ương Đoàn": outside the directory, kept as written
                add(d.unmatched, p.text)
        for p in a.coord:
            kind = p.entity.kind if p.entity else None
            if kind == "issuer":
                continue
            if kind == "unit" and p.entity.target in d.lead_units:
                continue
            add(d.coordinating_as_written, p.text)
            if kind == "unit":
                add(d.coordinating_units, p.entity.target)
            elif kind in (None, "other"):
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
        continuing = self.continuing(node)
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
            from_cells = a.found
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
                               deadline_cell=when, continuing=continuing, directive=0.95,
                               lead_where="column" if from_cells else "text")

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
    body = blocks[start:end]
    attached = attachment_start(texts, end) if end < len(texts) else None
    if attached is not None:
        # the plan a decision issues, after the decision's own signature: its header is context, its body is read
        _, skip = read_header(texts[attached:])
        a_start = attached + skip
        body = body + blocks[a_start:footer_start(texts, a_start)]
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
    entries = read_entries(body)
    mark_greetings(entries)
    root = parser.build_tree(entries)
    parser.assign_roles(root)
    parser.prepare(root)
    parser.walk(root)
    return parser.result
