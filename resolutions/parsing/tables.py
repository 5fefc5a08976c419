"""Plans whose tasks are table rows: STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, is_upper_line

_COLUMNS = [  # role, folded header words
    ("label", re.compile(r"^(?:stt|tt|số tt|số thứ tự|thứ tự)$")),
    ("coord", re.compile(r"phối hợp")),
    ("lead", re.compile(r"chủ trì|thực hiện|trách nhiệm|đơn vị|cơ quan")),
    ("deadline", re.compile(r"thời gian|thời hạn|tiến độ|hoàn thành|hạn")),
    ("content", re.compile(r"nội dung|nhiệm vụ|công việc|tên|giải pháp|hoạt động")),
    ("product", re.compile(r"sản phẩm|hình thức|kết quả")),
    ("note", re.compile(r"ghi chú")),
]


@dataclass
class TaskTable:
    columns: dict[str, int]
    header_rows: int


def task_table(rows: list[list[str]]) -> TaskTable | None:
    """The column roles of a table of tasks, or None when the table is something else (a layout table)."""
    for h in range(min(3, len(rows))):
        cols: dict[str, int] = {}
        for i, cell in enumerate(rows[h]):
            f = fold(cell).strip()
            if not f or i in cols.values():
                continue
            for role, pattern in _COLUMNS:
                if role not in cols and pattern.search(f):
                    # "Nội dung nhiệm vụ" is content even though it says "nhiệm vụ"; "Cơ quan chủ trì" is lead
                    if role == "lead" and re.search(r"nội dung|công việc", f):
                        continue
                    cols[role] = i
                    break
        if "content" in cols and ("lead" in cols or "deadline" in cols):
            return TaskTable(cols, h + 1)
    return None


def cell(row: list[str], table: TaskTable, role: str) -> str:
    i = table.columns.get(role)
    return row[i].strip() if i is not None and i < len(row) else ""


def is_numbering_row(row: list[str]) -> bool:
    """The row of column numbers under the header: (1) (2) (3)..."""
    return all(re.fullmatch(r"\(?\d{1,2}\)?|[A-Z]", c.strip()) or not c.strip() for c in row)


def section_row(row: list[str], table: TaskTable) -> str | None:
    """A row that opens a group of tasks (merged across, or only a roman number and words): its heading words."""
    content = cell(row, table, "content")
    label = cell(row, table, "label")
    if not content and not label:
        return None
    # cells merged across repeat the same text; a task row has its own lead or deadline
    others = [c.strip() for i, c in enumerate(row) if c.strip() and i != table.columns.get("label")
              and c.strip() != content]
    task_cells = [cell(row, table, r) for r in ("lead", "coord", "deadline") if r in table.columns]
    merged = any(t == content for t in task_cells if t)
    if merged or (not others and (re.fullmatch(r"[IVX]+\.?|[A-Z]\.?", label) or is_upper_line(content)
                                  or (len(content) < 120 and not content.rstrip().endswith(".")))):
        return (label.rstrip(".") + " " if label else "") + (content or label)
    return None
