"""Running an export: from an archive path (the CLI, the benchmark) or a connection (the
window's worker thread), and the QGuiApplication the CLI needs for it."""
from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

from archive_viewer.display import display_problem
from archive_viewer.export.content import (
    ExportError,
    issue_id,
    load_filter_parts,
    load_node_parts,
)
from archive_viewer.export.pdf import ExportResult, write_pdf
from archive_viewer.store import queries
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter, fts_query

Progress = Callable[[int, int], None]


def gui_application() -> object:
    """The QGuiApplication (QPdfWriter and the font database need one): the running one, or a
    new one on the offscreen platform when there is no display."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if display_problem() is not None:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # this process only: no window here
        app = QGuiApplication([sys.argv[0] if sys.argv else "archive-viewer"])
    return app


def export_node(db_path: Path, kind: str, node_id: int, output: Path, *,
                grouping: str = "speaker", paper: str | None = None) -> ExportResult:
    with closing(connect(db_path, readonly=True)) as conn:
        return export_node_with(conn, kind, node_id, output, grouping=grouping, paper=paper,
                                archive_name=db_path.name)


def export_node_with(conn: sqlite3.Connection, kind: str, node_id: int, output: Path, *,
                     grouping: str = "speaker", paper: str | None = None,
                     archive_name: str = "") -> ExportResult:
    """A meeting, section or item to ``output``."""
    parts = load_node_parts(conn, kind, node_id)
    return write_pdf(parts, output, grouping=grouping, paper=paper,
                     archive_name=archive_name or archive_name_of(conn))


def export_filter(db_path: Path, output: Path, *, text: str = "", issue: str | None = None,
                  grouping: str = "speaker", paper: str | None = None) -> ExportResult:
    """Every section matching a search text and/or an issue (by name), with a contents page."""
    fts_query(text)  # a SearchHint for text that cannot be searched, before any work
    with closing(connect(db_path, readonly=True)) as conn:
        issues = frozenset({issue_id(conn, issue)}) if issue else frozenset()
        f = Filter(text=text, issues=issues)
        return export_filter_with(conn, f, output, grouping=grouping, paper=paper,
                                  archive_name=db_path.name)


def export_filter_with(conn: sqlite3.Connection, f: Filter, output: Path, *,
                       grouping: str = "speaker", paper: str | None = None,
                       archive_name: str = "", progress: Progress | None = None) -> ExportResult:
    parts = load_filter_parts(conn, f)
    if not parts:
        raise ExportError("No section matches the filter: nothing to export.")
    description = queries.filter_description(conn, f)
    title = "Sections of meeting records"
    return write_pdf(parts, output, grouping=grouping, paper=paper, title=title,
                     subject=description, contents=(title, description),
                     archive_name=archive_name or archive_name_of(conn), progress=progress)


def export_person(db_path: Path, person: str, output: Path, *,
                  paper: str | None = None) -> ExportResult:
    """The page of the person ``person`` names (an id, or any spelling of their name)."""
    from archive_viewer.store.person_profile import find_people

    with closing(connect(db_path, readonly=True)) as conn:
        found = find_people(conn, person)
        if not found:
            raise ExportError(f"No person called {person!r} in this archive "
                              "(`archive-viewer people list` names them all).")
        if len(found) > 1:
            names = "; ".join(f"#{p.person_id} {p.name} ({p.country or 'country unknown'})"
                              for p in found[:8])
            raise ExportError(f"{person!r} names {len(found)} people: {names}. Give one's id, "
                              "as in #17.")
        return export_person_with(conn, found[0].person_id, output, paper=paper,
                                  archive_name=db_path.name)


def export_person_with(conn: sqlite3.Connection, person_id: int, output: Path, *,
                       paper: str | None = None, archive_name: str = "") -> ExportResult:
    """A person's page (names, titles, meetings by year and one by one, statements by issue,
    counterparts) to ``output``."""
    from archive_viewer.export.pdf import PdfDocument, write_documents
    from archive_viewer.person_html import facts_line, person_html
    from archive_viewer.store.person_profile import person_profile

    profile = person_profile(conn, person_id)
    if profile is None:
        raise ExportError(f"There is no person {person_id} in this archive.")
    html = person_html(profile, exported_on=date.today(),
                       archive_name=archive_name or archive_name_of(conn))
    return write_documents([PdfDocument(html, profile.name)], output, paper=paper,
                           title=profile.name, subject=f"{profile.name}: {facts_line(profile)}")


def archive_name_of(conn: sqlite3.Connection) -> str:
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).name
    return ""
