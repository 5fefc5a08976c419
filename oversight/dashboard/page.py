"""What the dashboard page draws from a board: the charts' data and the tables under them, computed when the page
first reads them. The page reads them only when their cached fragment is missing ({% cached_fragment %}), so a
page served within the minute neither draws nor renders them again."""
from __future__ import annotations

from functools import cached_property

from .board import Dashboard
from .charts import chart_data
from .tables import Section, sections


class BoardDrawing:
    def __init__(self, board: Dashboard):
        self.board = board

    @cached_property
    def charts(self) -> dict:
        return chart_data(self.board)

    @cached_property
    def sections(self) -> list[Section]:
        return sections(self.board)
