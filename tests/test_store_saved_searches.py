"""Saved searches (store/saved_searches.py): their counts, what is new after an import (and what
is not: documents imported again), what is marked when one is opened, and filters by name."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from archive_viewer import paths
from archive_viewer.store import Archive, notes, queries, saved_searches
from archive_viewer.store.filters import Filter
from archive_viewer.store.named_filter import issue_id
from archive_viewer.store.writer import delete_document

FIRST = ["000_19a025d9c24d22f3.txt", "101_1643773a4e55f15d.txt", "102_991695155f08c227.txt"]
LATER = ["103_f6bfc778e139f293.txt", "104_3ab273d52017bccc.txt", "105_2c1682b6b6d28d5a.txt",
         "107_862972576e0ef86c.html"]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    first, later = tmp_path / "first", tmp_path / "later"
    for folder, names in ((first, FIRST), (later, LATER)):
        folder.mkdir()
        for name in names:
            shutil.copy(paths.SAMPLES_DIR / name, folder / name)
    return first, later


def direct_count(conn: sqlite3.Connection, text: str, issue: int, documents: list[str]) -> int:
    """Statements matching the search text and the issue, in these documents, by a query of
    its own."""
    return conn.execute(f"""
        SELECT count(*) FROM statements s
        JOIN meetings m ON m.id = s.meeting_id JOIN documents d ON d.id = m.document_id
        WHERE d.file_name IN ({', '.join('?' * len(documents))})
          AND s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)
          AND s.id IN (SELECT statement_id FROM statement_issue_closure WHERE issue_id = ?)""",
                        [*documents, text, issue]).fetchone()[0]


def test_new_statements_after_an_import_are_counted_and_marked_until_next_opened(
        tmp_path: Path, folders: tuple[Path, Path]) -> None:
    first, later = folders
    with Archive.open(tmp_path / "a.sqlite") as archive:
        archive.import_paths([first])
        conn = archive.connection()
        korea = issue_id(conn, "North Korea")
        f = Filter(text="minister", issues=frozenset({korea}))
        search = saved_searches.save(conn, "Korea ministers", f)
        counts = saved_searches.counts(conn, search)
        assert counts.statements == direct_count(conn, "minister", korea, FIRST) > 0
        assert counts.new == 0

        archive.import_paths([later])
        counts = saved_searches.counts(conn, saved_searches.get(conn, search.id))
        assert counts.new == direct_count(conn, "minister", korea, LATER) > 0
        assert counts.statements == direct_count(conn, "minister", korea, FIRST + LATER)

        # Importing the same files again, or deleting one and importing it again, adds nothing.
        assert archive.import_paths([first, later]).count("unchanged") == len(FIRST + LATER)
        for name in (FIRST[0], LATER[0]):
            with archive.transaction():
                delete_document(conn, conn.execute(
                    "SELECT id FROM documents WHERE file_name = ?", (name,)).fetchone()[0])
            folder = first if name in FIRST else later
            assert archive.import_paths([folder / name]).count("imported") == 1
        again = saved_searches.counts(conn, saved_searches.get(conn, search.id))
        assert again == counts

        # Opening it: nothing is new any more, and the later documents' meetings are marked.
        opened = saved_searches.open_search(conn, search.id)
        assert opened.resolved.filter == f and not opened.resolved.missing
        assert saved_searches.counts(conn, opened.search).new == 0
        marked = saved_searches.meetings_arrived_after(conn, opened.marked_after)
        assert marked == {row[0] for row in conn.execute(
            "SELECT m.id FROM meetings m JOIN documents d ON d.id = m.document_id WHERE "
            f"d.file_name IN ({', '.join('?' * len(LATER))})", LATER)}
        # ... until it is next opened.
        reopened = saved_searches.open_search(conn, search.id)
        assert saved_searches.meetings_arrived_after(conn, reopened.marked_after) == set()

        # A changed document is new.
        changed = first / FIRST[1]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert archive.import_paths([changed]).count("replaced") == 1
        latest = saved_searches.counts(conn, saved_searches.get(conn, search.id))
        assert latest.new == direct_count(conn, "minister", korea, [FIRST[1]])


def test_a_saved_filter_names_what_outlives_row_ids(tmp_path: Path,
                                                    folders: tuple[Path, Path]) -> None:
    first, _later = folders
    with Archive.open(tmp_path / "a.sqlite") as archive:
        archive.import_paths([first])
        conn = archive.connection()
        gemba = conn.execute("SELECT id FROM people WHERE name = 'Koichiro Gemba'").fetchone()[0]
        node = notes.row_node(conn, "meeting", conn.execute(
            "SELECT id FROM meetings LIMIT 1").fetchone()[0])
        tag = notes.add_tag(conn, node, "Follow up").tag
        f = Filter(text='"North Korea" launch*', issues=frozenset({issue_id(conn, "Abduction issue")}),
                   people=frozenset({gemba}), countries=frozenset({"Japan", "ROK"}),
                   kinds=frozenset({"foreign_ministers_meeting"}), date_from=date(2012, 1, 1),
                   date_to=date(2012, 12, 31), tags=frozenset({tag.id}), has_notes=True,
                   note_text="50% _odd_")
        search = saved_searches.save(conn, "Everything", f)
        assert search.filter["people"] == [{"name": "Koichiro Gemba", "country": "Japan"}]
        assert search.filter["tags"] == ["Follow up"]
        assert saved_searches.filter_from_names(conn, search.filter).filter == f
        by_gemba = saved_searches.save(conn, "Gemba on abductions", Filter(
            people=frozenset({gemba}), issues=frozenset({issue_id(conn, "Abduction issue")})))
        before = queries.totals(conn, saved_searches.filter_from_names(
            conn, by_gemba.filter).filter)
        assert before.statements > 0

        # Gemba's only documents deleted and imported again: he is a new row, found by name.
        for (document,) in conn.execute(
                "SELECT DISTINCT m.document_id FROM meetings m JOIN participants p "
                "ON p.meeting_id = m.id WHERE p.person_id = ?", (gemba,)).fetchall():
            with archive.transaction():
                delete_document(conn, document)
        archive.import_paths([first])
        now = saved_searches.filter_from_names(conn, by_gemba.filter)
        assert not now.missing
        assert now.filter.people != f.people
        assert queries.totals(conn, now.filter) == before
        assert not saved_searches.filter_from_names(conn, search.filter).missing

        with pytest.raises(saved_searches.SavedSearchError, match="already"):
            saved_searches.save(conn, "everything", f)
        with pytest.raises(saved_searches.SavedSearchError, match="no filter"):
            saved_searches.save(conn, "Nothing", Filter())
        renamed = saved_searches.rename(conn, search.id, "  All   of it ")
        assert renamed.name == "All of it"
        updated = saved_searches.update_filter(conn, search.id, Filter(text="dialogue"))
        assert updated.filter == {"text": "dialogue"}
        saved_searches.delete(conn, search.id)
        assert [s.name for s in saved_searches.saved_searches(conn)] == ["Gemba on abductions"]
