"""An issue timeline for the terminal (`archive-viewer timeline`): as JSON or as text. No Qt.

The same data as the window's view: the lanes in the view's order, each lane's statements in
date order with their meeting, section, speaker and text; statements of undated meetings last.
"""
from __future__ import annotations

import sqlite3
import textwrap
from collections.abc import Iterator
from datetime import date
from typing import Any

from archive_viewer.statement_html import section_heading
from archive_viewer.store.timeline import Timeline, TimelineStatement, statement_details
from archive_viewer.timeline_axis import period_label


def timeline_report(conn: sqlite3.Connection, timeline: Timeline) -> dict[str, Any]:
    """The timeline and its statements' texts as plain JSON-ready data."""
    details = {s.id: s for s in statement_details(conn, list(timeline.statement_ids)
                                                  + list(timeline.undated_ids))}
    lanes: list[dict[str, Any]] = [
        {"key": lane.key, "label": lane.label, "count": lane.count, "statements": []}
        for lane in timeline.lanes]
    for statement_id, lane in zip(timeline.statement_ids, timeline.lanes_of, strict=True):
        if statement_id in details:
            lanes[lane]["statements"].append(_statement(details[statement_id]))
    first, last = timeline.first_day, timeline.last_day
    return {
        "issue": {"id": timeline.issue.id, "name": timeline.issue.name},
        "by": timeline.by,
        "statements": len(timeline),
        "first": date.fromordinal(first).isoformat() if first is not None else None,
        "last": date.fromordinal(last).isoformat() if last is not None else None,
        "lanes": lanes,
        "undated": [_statement(details[i]) for i in timeline.undated_ids if i in details],
    }


def _statement(s: TimelineStatement) -> dict[str, Any]:
    return {
        "id": s.id, "held_on": s.held_on, "meeting_id": s.meeting_id,
        "meeting_title": s.meeting_title, "meeting_kind": s.meeting_kind, "location": s.location,
        "section_id": s.section_id, "section": section_heading(s.section_number, s.section_title) or None,
        "item_id": s.item_id, "item_label": s.item_label,
        "speaker_id": s.speaker_id, "speaker": s.speaker_name, "country": s.speaker_country,
        "joint": s.is_joint, "text": s.text, "issues": list(s.issues),
    }


def report_lines(report: dict[str, Any], *, width: int = 100) -> Iterator[str]:
    """The report as text: a summary line, then each lane with its statements."""
    count = report["statements"]
    summary = (f"{report['issue']['name']} (and narrower issues): {count:,} "
               f"statement{'' if count == 1 else 's'}")
    if report["first"]:
        first = date.fromisoformat(report["first"]).toordinal()
        last = date.fromisoformat(report["last"]).toordinal()
        lanes = len(report["lanes"])
        summary += (f", {period_label(first, last)}, on {lanes} lane{'' if lanes == 1 else 's'} "
                    f"by {report['by']}")
    yield summary
    groups = [(f"{lane['label']} — {lane['count']:,} statement{'' if lane['count'] == 1 else 's'}",
               lane["statements"]) for lane in report["lanes"]]
    if report["undated"]:
        groups.append((f"Undated meetings — {len(report['undated']):,} statements, not on the "
                       "time axis", report["undated"]))
    for heading, statements in groups:
        yield ""
        yield heading
        for s in statements:
            where = " · ".join(part for part in (s["meeting_title"], s["section"], s["item_label"]) if part)
            who = _speaker(s)
            yield f"  {s['held_on'] or 'undated':<10}  {who} — {where} (section {s['section_id']})"
            yield from textwrap.wrap(" ".join(s["text"].split()), width=width,
                                     initial_indent=" " * 14, subsequent_indent=" " * 14)


def _speaker(s: dict[str, Any]) -> str:
    """As the view names a speaker: "Koichiro Gemba (Japan)", "Joint", "No speaker"."""
    if s["joint"]:
        return "Joint"
    if not s["speaker"]:
        return "No speaker"
    return f"{s['speaker']} ({s['country']})" if s["country"] else s["speaker"]
