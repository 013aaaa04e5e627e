"""The exported document as HTML for QTextDocument. No Qt.

The meeting header and the statements (by speaker, in document order or side by side) are the
detail pane's own rendering (:func:`archive_viewer.statement_html.render`) in its light palette,
so the PDF reads like the window; this module adds what a document standing on its own needs: the
issues, the suggested citation and the export date, and the contents page of a filter export.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from archive_viewer import __version__
from archive_viewer.citation import reference, source_label
from archive_viewer.export.content import ExportPart
from archive_viewer.statement_html import (
    Colours,
    DetailContent,
    esc,
    readable_date,
    render,
)

COLOURS = Colours()


def part_html(part: ExportPart, *, grouping: str, exported_on: date, archive_name: str) -> str:
    """One meeting, section or item: header, heading, statements, then where it comes from."""
    content = DetailContent(kind=part.kind, meeting=part.meeting, statements=part.statements,
                            section=part.section, item=part.item)
    body = render(content, grouping=grouping, colours=COLOURS, paper=True)
    return body + "\n" + _provenance(part, exported_on, archive_name)


def contents_html(title: str, description: str, parts: Sequence[ExportPart],
                  pages: Sequence[int]) -> str:
    """The contents page: each section with its meeting, date and first page."""
    muted = COLOURS.muted
    rows = []
    for part, page in zip(parts, pages, strict=True):
        held = readable_date(part.meeting.held_on) or "undated"
        rows.append(
            f'<tr><td valign="top" style="padding:3px 10px 3px 0;">'
            f'<span style="color:{muted};">{esc(held)} · {esc(part.meeting.title)}</span><br>'
            f"{esc(part.heading)}</td>"
            f'<td valign="bottom" align="right" style="padding:3px 0 3px 6px;">{page}</td></tr>')
    count = f"{len(parts)} section{'' if len(parts) == 1 else 's'}"
    return (f'<h1 style="font-size:x-large;">{esc(title)}</h1>'
            f'<p style="color:{muted};">{esc(description)} — {count}.</p>'
            f'<table width="100%" cellspacing="0" cellpadding="0">{"".join(rows)}</table>')


def _provenance(part: ExportPart, exported_on: date, archive_name: str) -> str:
    muted = COLOURS.muted
    meeting = part.meeting
    section = part.section
    source = source_label(meeting.file_name, meeting.source_path)
    citation = reference(title=meeting.title, held_on=meeting.held_on,
                         section_number=section.number if section else None,
                         section_title=section.title if section else None, source=source)
    rows = []
    if part.issues:
        rows.append(_row("Issues", esc(", ".join(part.issues))))
    rows.append(_row("Source", esc(source)))
    rows.append(_row("Cite as", esc(citation)))
    rows.append(_row("Exported", esc(f"{readable_date(exported_on.isoformat())} from the archive "
                                     f"{archive_name} with Archive Viewer {__version__}")))
    return (f'<hr><table cellspacing="0" cellpadding="2" style="color:{muted};">'
            f'{"".join(rows)}</table>')


def _row(label: str, value_html: str) -> str:
    return (f'<tr><td valign="top" style="padding-right:12px;"><b>{esc(label)}</b></td>'
            f'<td valign="top">{value_html}</td></tr>')
