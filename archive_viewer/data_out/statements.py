"""The statements a filter selects, as CSV or JSON: one row per statement, for spreadsheets,
pandas, R or jq.

    export_statements(conn, Filter(issues=frozenset({3})), Path("nk.csv"), "csv")

Rows come straight from one query's cursor into the file (csv.writer, or one JSON object at a
time), so an archive of millions of statements is written in constant memory; the file is
written whole or not at all (atomic.py). Order: meetings by date (undated first), then
document order.
"""
from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from archive_viewer import identifiers, provenance
from archive_viewer.data_out.atomic import atomic_text_file
from archive_viewer.store.filter_sql import CompiledFilter
from archive_viewer.store.filters import Filter
from archive_viewer.store.node_ids import prefix_of, shared_prefixes

FORMATS = ("csv", "json")

#: The columns, in order. ``issues`` is a list in JSON and "; "-separated in CSV; ``joint`` is
#: a boolean in JSON and 1/0 in CSV; absent values are null in JSON and empty in CSV.
COLUMNS = ("identifier", "meeting_title", "held_on", "published_on", "kind", "location",
           "section_number", "section_title", "item_label", "speaker", "side", "joint",
           "issues", "text", "source")
ISSUE_SEPARATOR = "; "

#: Rows between progress reports and checks for a cancel.
PROGRESS_EVERY = 2000

Progress = Callable[[int], None]


class ExportCancelled(Exception):
    """The user stopped the export; nothing was written."""


@dataclass(frozen=True)
class StatementsExport:
    path: Path
    format: str
    rows: int


_COLUMNS_SQL = """
        SELECT d.sha256, sec.ordinal, it.ordinal, s.ordinal,
               m.title, m.held_on, m.published_on, m.kind, m.location,
               sec.number, sec.title, it.label,
               CASE WHEN s.is_joint = 1 THEN 'joint' ELSE speaker.name END,
               coalesce(side.side, speaker.country), s.is_joint,
               (SELECT json_group_array(name) FROM (
                    SELECT issues.name FROM statement_issues
                    JOIN issues ON issues.id = statement_issues.issue_id
                    WHERE statement_issues.statement_id = s.id ORDER BY issues.id)),
               s.text, d.id, d.source_path, d.file_name, d.format"""

_JOINS_SQL = """
        JOIN items AS it ON it.id = s.item_id
        JOIN sections AS sec ON sec.id = it.section_id
        JOIN documents AS d ON d.id = m.document_id
        LEFT JOIN people AS speaker ON speaker.id = s.speaker_id
        LEFT JOIN participants AS side
          ON side.meeting_id = m.id AND side.person_id = s.speaker_id"""

_ORDER_SQL = "ORDER BY m.held_on, m.id, sec.ordinal, it.ordinal, s.ordinal"


def _sql(f: Filter) -> tuple[str, dict[str, object]]:
    q = CompiledFilter(f)
    if q.has_statement_terms:
        # The matching statements are a set computed first; they are sorted once.
        sql = q.with_clause() + f"""{_COLUMNS_SQL}
        FROM filtered_statements AS fs
        JOIN statements AS s ON s.id = fs.id
        JOIN meetings AS m ON m.id = s.meeting_id {_JOINS_SQL}
        {_ORDER_SQL}"""
    else:
        # Every statement of the shown meetings: read meeting by meeting in date order (the
        # held_on index), so that only one meeting's statements are ever sorted, not millions.
        where = " AND ".join(q.meeting_conditions("m")) or "1"
        sql = f"""{_COLUMNS_SQL}
        FROM meetings AS m INDEXED BY meetings_by_held_on
        JOIN statements AS s ON s.meeting_id = m.id {_JOINS_SQL}
        WHERE {where}
        {_ORDER_SQL}"""
    return sql, q.params


def statement_rows(conn: sqlite3.Connection, f: Filter) -> Iterator[dict[str, Any]]:
    """The statements ``f`` selects, one dict of :data:`COLUMNS` each, read as they are used."""
    shared = shared_prefixes(conn)
    sources: dict[int, str] = {}  # document id -> its URL or file name, read once each
    sql, params = _sql(f)
    for row in conn.execute(sql, params):
        (sha, section, item, statement, title, held_on, published_on, kind, location,
         number, section_title, label, speaker, side, joint, issues, text,
         document_id, source_path, file_name, fmt) = row
        source = sources.get(document_id)
        if source is None:
            source = sources[document_id] = _source(conn, document_id, source_path, file_name,
                                                    fmt)
        yield {
            "identifier": identifiers.statement_text(prefix_of(sha, shared), section, item,
                                                     statement),
            "meeting_title": title, "held_on": held_on, "published_on": published_on,
            "kind": kind, "location": location, "section_number": number,
            "section_title": section_title, "item_label": label, "speaker": speaker,
            "side": None if joint else side, "joint": bool(joint),
            "issues": json.loads(issues), "text": text, "source": source,
        }


def _source(conn: sqlite3.Connection, document_id: int, source_path: str, file_name: str,
            fmt: str) -> str:
    head = ""
    if fmt == "html" and not provenance.is_url(source_path):
        head = conn.execute("SELECT substr(raw_text, 1, ?) FROM documents WHERE id = ?",
                            (provenance.HEAD_CHARS, document_id)).fetchone()[0]
    return provenance.source_url(source_path, head, html=fmt == "html") or file_name


def write_statements(rows: Iterator[dict[str, Any]], out: TextIO, fmt: str, *,
                     progress: Progress | None = None,
                     should_cancel: Callable[[], bool] | None = None) -> int:
    """Write ``rows`` to ``out`` as CSV or JSON; the number of rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    count = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    else:
        out.write("[")
    for count, row in enumerate(rows, start=1):
        if writer is not None:
            writer.writerow(_csv_value(row[column]) for column in COLUMNS)
        else:
            out.write(("\n" if count == 1 else ",\n") + json.dumps(row, ensure_ascii=False))
        if count % PROGRESS_EVERY == 0:
            if should_cancel is not None and should_cancel():
                raise ExportCancelled("The export was stopped; no file was written.")
            if progress is not None:
                progress(count)
    if writer is None:
        out.write("\n]\n" if count else "]\n")
    return count


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return ISSUE_SEPARATOR.join(value)
    return value


def export_statements(conn: sqlite3.Connection, f: Filter, path: Path, fmt: str, *,
                      progress: Progress | None = None,
                      should_cancel: Callable[[], bool] | None = None) -> StatementsExport:
    """Write the statements ``f`` selects to ``path`` (replaced whole, or left as it was).

    Raises WriteError (naming the file and why), ExportCancelled, or SearchHint.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    rows = statement_rows(conn, f)
    # csv wants newline="" and writes its own line ends ("\r\n", as RFC 4180 has them).
    with atomic_text_file(path, newline="" if fmt == "csv" else None) as out:
        count = write_statements(rows, out, fmt, progress=progress, should_cancel=should_cancel)
    return StatementsExport(Path(path), fmt, count)


def format_for(path: Path, given: str | None = None) -> str:
    """The format asked for, else the one the file name ends in (CSV when it says neither)."""
    if given:
        return given
    return "json" if Path(path).suffix.lower() == ".json" else "csv"
