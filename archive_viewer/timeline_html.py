"""HTML of the timeline's statements: the list under the chart (grouped by meeting, oldest
first, so that the wording of one issue can be read through the years), the PDF's list, and
the tooltip of a mark. No Qt.

Written like the detail pane's page (:mod:`archive_viewer.statement_html`): every string from a
document goes through ``esc`` or ``highlighted``; the only links are ``statement:ID`` ("open it
in context"), which the view handles itself.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive_viewer.statement_html import (
    Colours,
    esc,
    highlighted,
    readable_date,
    section_heading,
    term_pattern,
)
from archive_viewer.store.queries import preview
from archive_viewer.store.filters import MEETING_KINDS
from archive_viewer.store.timeline import TimelineStatement

#: Characters of a statement a tooltip shows.
EXCERPT_CHARS = 220
#: Statements a tooltip lists before "and n more".
TOOLTIP_STATEMENTS = 4


@dataclass(frozen=True)
class MarkColours:
    """The chart's mark colours (hex), so that the list's bars match the lanes."""

    mark: str = "#1f5fa8"
    joint: str = "#4a5866"
    other: str = "#8a8e93"

    def of(self, statement: TimelineStatement) -> str:
        if statement.is_joint:
            return self.joint
        return self.mark if statement.speaker_id is not None else self.other


def speaker_text(statement: TimelineStatement) -> str:
    """"Koichiro Gemba (Japan)", "Joint", "No speaker"."""
    if statement.is_joint:
        return "Joint"
    if statement.speaker_name is None:
        return "No speaker"
    if statement.speaker_country:
        return f"{statement.speaker_name} ({statement.speaker_country})"
    return statement.speaker_name


def excerpt(text: str) -> str:
    """The start of a statement on one line, as the tooltip and the PDF's list show it."""
    return preview(text, EXCERPT_CHARS)


def group_by_meeting(statements: Sequence[TimelineStatement]) -> list[list[TimelineStatement]]:
    """Runs of statements of one meeting, in the order given (date order keeps them together)."""
    groups: list[list[TimelineStatement]] = []
    for statement in statements:
        if groups and groups[-1][0].meeting_id == statement.meeting_id:
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups


def meeting_line(statement: TimelineStatement) -> str:
    """"7 April 2012 · Japan-ROK Foreign Ministers' Meeting (Overview)" (plain text)."""
    held = readable_date(statement.held_on) or "Date unknown"
    return f"{held} · {statement.meeting_title}"


def render_list(statements: Sequence[TimelineStatement], colours: Colours, *,
                marks: MarkColours = MarkColours(), heading: str = "", note: str = "",
                terms: Sequence[str] = (), paper: bool = False, links: bool = True) -> str:
    """The statements grouped by meeting: a heading per meeting (date, title, kind, place),
    then each statement with its speaker and where it stands in the record.

    ``paper``: paragraphs instead of table rows with a coloured bar (see
    statement_html.render: a table cell over a page break repeats lines in a PDF's text).
    """
    pattern = term_pattern(terms)
    parts = [_style()]
    if heading:
        parts.append(f"<h1>{esc(heading)}</h1>")
    if note:
        parts.append(f'<p style="color:{colours.muted};">{esc(note)}</p>')
    for group in group_by_meeting(statements):
        first = group[0]
        facts = [MEETING_KINDS.get(first.meeting_kind, first.meeting_kind)]
        if first.location:
            facts.append(first.location)
        count = f"{len(group)} statement{'' if len(group) == 1 else 's'}"
        parts.append(f'<h2><a name="meeting-{first.meeting_id}">{esc(meeting_line(first))}</a></h2>'
                     f'<p style="color:{colours.muted}; margin-top:0px;">'
                     f'{esc(" · ".join(facts))} · {count}</p>')
        rows = [_statement(s, colours, marks, pattern, paper=paper, links=links) for s in group]
        parts.append("".join(rows) if paper else
                     f'<table width="100%" cellspacing="0" cellpadding="0">{"".join(rows)}</table>')
    return "\n".join(parts)


def _statement(statement: TimelineStatement, colours: Colours, marks: MarkColours,
               pattern: re.Pattern[str] | None, *, paper: bool, links: bool) -> str:
    colour = marks.of(statement)
    style = "font-style:italic;" if statement.speaker_id is None and not statement.is_joint else "font-weight:600;"
    speaker = f'<span style="color:{colour}; {style}">{esc(speaker_text(statement))}:</span> '
    where = " · ".join(part for part in (
        section_heading(statement.section_number, statement.section_title),
        statement.item_label or "") if part)
    place = f'<span style="color:{colours.muted}; font-size:small;">{esc(where)}</span>' if where else ""
    link = ""
    if links:
        link = (f' <a href="statement:{statement.id}" style="color:{colours.link}; font-size:small;">'
                "Open in context</a>")
    footer = f"<br>{place}{link}" if place or link else ""
    body = (f'{speaker}<a name="statement-{statement.id}">{highlighted(statement.text, pattern, colours)}</a>'
            f"{footer}")
    if paper:
        return f'<p style="margin:0px 0px 7px 14px;">{body}</p>'
    return (f'<tr><td width="4" bgcolor="{colour}"></td>'
            f'<td style="padding:4px 8px 6px 8px;">{body}</td></tr>'
            f'<tr><td colspan="2" style="font-size:4px;">&nbsp;</td></tr>')


def render_tooltip(statements: Sequence[TimelineStatement], total: int, lane: str) -> str:
    """A mark's tooltip: its date and meeting, then each statement's speaker and first words."""
    if not statements:
        return ""
    parts: list[str] = []
    for group in group_by_meeting(statements[:TOOLTIP_STATEMENTS]):
        parts.append(f"<b>{esc(meeting_line(group[0]))}</b>")
        for statement in group:
            parts.append(f"<i>{esc(speaker_text(statement))}:</i> {esc(excerpt(statement.text))}")
    more = total - min(total, TOOLTIP_STATEMENTS)
    if more:
        parts.append(f"… and {more} more on the {esc(lane)} lane that day (listed below the chart)")
    parts.append("<small>Click to open in context</small>")
    # A table of fixed width: a tooltip's rich text otherwise wraps in a narrow column.
    return ('<table width="440" cellspacing="0" cellpadding="0"><tr><td>'
            + "<br>".join(parts) + "</td></tr></table>")


def tooltip_text(statements: Sequence[TimelineStatement], total: int) -> str:
    """The tooltip as plain text (for tests and accessibility)."""
    lines: list[str] = []
    for group in group_by_meeting(statements[:TOOLTIP_STATEMENTS]):
        lines.append(meeting_line(group[0]))
        lines.extend(f"{speaker_text(s)}: {excerpt(s.text)}" for s in group)
    if total > TOOLTIP_STATEMENTS:
        lines.append(f"… and {total - TOOLTIP_STATEMENTS} more")
    return "\n".join(lines)


def _style() -> str:
    return ("<style>h1 { font-size: large; margin-bottom: 2px; }"
            "h2 { font-size: medium; margin-top: 14px; margin-bottom: 2px; }</style>")
