"""The implementation report (báo cáo kết quả thực hiện) as a Word document, for the office to edit and sign:
`data` reads it (a few grouped queries), `document` writes it (python-docx, the administrative layout), `layout`
holds the layout's building blocks. `size` counts the tasks a report covers (one query), for a caller deciding
whether to write it while the person waits."""
from .data import ReportData, collect, size
from .document import filename, render

__all__ = ["ReportData", "collect", "filename", "render", "size"]
