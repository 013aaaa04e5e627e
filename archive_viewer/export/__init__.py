"""Export to PDF: a section, an item, a whole meeting, or every section matching a filter.

``content`` gathers what is printed (no Qt); ``html`` turns it into the document's HTML, reusing
the detail pane's rendering (:mod:`archive_viewer.statement_html`, Qt-free); ``pdf`` lays it out
on pages with QTextDocument and writes it with QPdfWriter — the one Qt module here, and safe to
run on a worker thread (it touches no widget).
"""
from archive_viewer.export.content import (
    ExportError,
    ExportPart,
    load_filter_parts,
    load_node_parts,
)

__all__ = ["ExportError", "ExportPart", "load_filter_parts", "load_node_parts"]
