"""Data out: statements as CSV and JSON (parsed back and compared with SQL), files written whole
or not at all, and the portable bundle (an archive through a bundle into an empty archive
comes out the same, table by table)."""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from archive_viewer.data_out import WriteError
from archive_viewer.data_out import bundle as bundles
from archive_viewer.data_out.atomic import atomic_text_file
from archive_viewer.data_out.statements import (
    COLUMNS,
    PROGRESS_EVERY,
    ExportCancelled,
    export_statements,
    write_statements,
)
from archive_viewer.store import Archive
from archive_viewer.store.filters import Filter
from archive_viewer.store.named_filter import UnknownName, named_filter
from archive_viewer.store.node_ids import identifier_for

# What each exported row must say, straight from the tables.
EXPECTED_SQL = """
    SELECT 'av:' || substr(d.sha256, 1, 12) || '/s' || sec.ordinal || '/i' || it.ordinal
               || '/p' || s.ordinal,
           m.title, m.held_on, m.published_on, m.kind, m.location, sec.number, sec.title,
           it.label, CASE WHEN s.is_joint THEN 'joint' ELSE p.name END,
           CASE WHEN s.is_joint THEN NULL ELSE coalesce(pt.side, p.country) END, s.is_joint,
           (SELECT group_concat(name, '; ') FROM (SELECT i.name FROM statement_issues si
            JOIN issues i ON i.id = si.issue_id WHERE si.statement_id = s.id ORDER BY i.id)),
           s.text, d.file_name
    FROM statements s JOIN items it ON it.id = s.item_id
    JOIN sections sec ON sec.id = it.section_id JOIN meetings m ON m.id = sec.meeting_id
    JOIN documents d ON d.id = m.document_id LEFT JOIN people p ON p.id = s.speaker_id
    LEFT JOIN participants pt ON pt.meeting_id = m.id AND pt.person_id = s.speaker_id
    {where}
    ORDER BY m.held_on, m.id, sec.ordinal, it.ordinal, s.ordinal"""


def expected_rows(db: Path, where: str = "", params: tuple[Any, ...] = ()) -> list[list[str]]:
    """The rows as CSV gives them back: text, '' for NULL, 1/0 for joint."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(EXPECTED_SQL.format(where=where), params).fetchall()
    return [["" if v is None else str(v) for v in row] for row in rows]


# -- statements as CSV and JSON -----------------------------------------------------------------

def test_csv_holds_every_statement_as_the_tables_do(samples_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    with sqlite3.connect(samples_archive) as conn:
        result = export_statements(conn, Filter(), out, "csv")
    with open(out, newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    assert header == list(COLUMNS)
    assert result.rows == len(rows) == 52
    assert rows == expected_rows(samples_archive)
    assert out.read_bytes().count(b"\r\n") >= 53  # RFC 4180 line ends, newlines kept in cells
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not left private like a temp file


def test_json_of_a_filter_parses_back_to_the_same_rows(samples_archive: Path,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "filtered.json"
    with sqlite3.connect(samples_archive) as conn:
        f = named_filter(conn, search="missile", countries=["Republic of Korea"],
                         date_from=date(2012, 1, 1))
        result = export_statements(conn, f, out, "json")
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [list(row) for row in rows] == [list(COLUMNS)] * len(rows)
    as_csv = [["" if v is None else "; ".join(v) if isinstance(v, list) else str(int(v))
               if isinstance(v, bool) else str(v) for v in row.values()] for row in rows]
    where = ("WHERE s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH "
             "'missile') AND m.held_on >= '2012-01-01' AND m.id IN (SELECT meeting_id FROM "
             "meeting_countries WHERE country = 'Republic of Korea')")
    assert as_csv == expected_rows(samples_archive, where)  # the source: no URL, the file
    assert result.rows == len(rows) == 3
    assert rows[0]["issues"] and isinstance(rows[0]["joint"], bool)


def test_an_empty_selection_is_an_empty_array(samples_archive: Path, tmp_path: Path) -> None:
    with sqlite3.connect(samples_archive) as conn:
        export_statements(conn, Filter(text="zzzzunfindable"), tmp_path / "none.json", "json")
    assert json.loads((tmp_path / "none.json").read_text()) == []


def test_rows_stream_into_the_file_and_a_cancel_writes_nothing(tmp_path: Path) -> None:
    taken = 0

    def endless() -> Iterator[dict[str, Any]]:
        nonlocal taken
        while True:
            taken += 1
            yield dict.fromkeys(COLUMNS, "x")

    out = tmp_path / "big.csv"
    out.write_text("the old export")
    with pytest.raises(ExportCancelled), atomic_text_file(out, newline="") as file:
        write_statements(endless(), file, "csv", should_cancel=lambda: True)
    assert taken == PROGRESS_EVERY  # read as written, never gathered up front
    assert out.read_text() == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == ["big.csv"]  # no temporary file left


def test_a_file_that_cannot_be_written_is_named_with_the_reason(samples_archive: Path,
                                                                  tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "out.csv"
    with sqlite3.connect(samples_archive) as conn, pytest.raises(WriteError) as caught:
        export_statements(conn, Filter(), missing, "csv")
    assert str(caught.value) == f"Could not write {missing}: No such file or directory."
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with sqlite3.connect(samples_archive) as conn, pytest.raises(WriteError) as caught:
            export_statements(conn, Filter(), folder / "out.csv", "csv")
        assert str(caught.value) == f"Could not write {folder / 'out.csv'}: Permission denied."
    finally:
        folder.chmod(0o700)


def test_an_unknown_name_in_a_filter_is_refused(samples_archive: Path) -> None:
    with sqlite3.connect(samples_archive) as conn:
        with pytest.raises(UnknownName, match="no issue called 'Weather'"):
            named_filter(conn, issues=["Weather"])
        assert named_filter(conn, people=["GEMBA Koichiro"]).people == \
            named_filter(conn, people=["gemba"]).people != frozenset()


# -- the bundle ---------------------------------------------------------------------------------

#: Each table's columns that hold row ids, by the table whose ids they are. Every table of the
#: archive must be listed here (FTS5's own tables aside), so that a new one cannot be
#: forgotten by the bundle: it is either rebuilt from the documents or must travel.
ID_COLUMNS: dict[str, dict[str, str]] = {
    "archive_meta": {},
    "documents": {"id": "documents"},
    "meetings": {"id": "meetings", "document_id": "documents"},
    "meeting_countries": {"meeting_id": "meetings"},
    "sections": {"id": "sections", "meeting_id": "meetings"},
    "items": {"id": "items", "section_id": "sections"},
    "statements": {"id": "statements", "item_id": "items", "speaker_id": "people",
                   "meeting_id": "meetings", "section_id": "sections"},
    "people": {"id": "people"},
    "participants": {"meeting_id": "meetings", "person_id": "people"},
    "issues": {"id": "issues", "parent_id": "issues"},
    "statement_issues": {"statement_id": "statements", "issue_id": "issues"},
    "section_issues": {"section_id": "sections", "issue_id": "issues"},
    "meeting_issues": {"meeting_id": "meetings", "issue_id": "issues"},
    "statement_issue_closure": {"statement_id": "statements", "issue_id": "issues"},
    "meeting_issue_counts": {"meeting_id": "meetings", "issue_id": "issues"},
    "meeting_speaker_counts": {"meeting_id": "meetings", "speaker_key": "people",
                               "issue_id": "issues"},
    "meeting_person_counts": {"meeting_id": "meetings", "person_id": "people"},
    "counted_countries": {"meeting_id": "meetings"},
    "counted_principals": {"meeting_id": "meetings", "person_id": "people"},
    "issue_year_counts": {"issue_id": "issues"},
    "issue_country_counts": {"issue_id": "issues"},
    "issue_people_counts": {"issue_id": "issues", "person_id": "people"},
    "person_year_counts": {"person_id": "people"},
    "person_country_counts": {"person_id": "people"},
    "issue_country_year_counts": {"issue_id": "issues"},
    "person_mentions": {"meeting_id": "meetings", "person_id": "people"},
    "person_merges": {},
    "person_apart": {},
    "stale_meetings": {"meeting_id": "meetings"},
    # The user's own data (db/*_research_notes.sql), carried as user_data.
    "user_nodes": {"id": "user_nodes"},
    "user_notes": {"id": "user_notes", "node_id": "user_nodes"},
    "user_tags": {"id": "user_tags"},
    "user_node_tags": {"node_id": "user_nodes", "tag_id": "user_tags"},
    "saved_searches": {"id": "saved_searches"},
    "document_arrivals": {},
}

#: Columns that belong to one archive's history and are not carried: when this archive
#: received each document, and so which of a saved search's statements are new here.
LOCAL_COLUMNS: dict[str, set[str]] = {
    "document_arrivals": {"arrived_at"},
    "saved_searches": {"seen_arrival", "marked_arrival"},
}


def natural_keys(conn: sqlite3.Connection) -> dict[str, dict[int, object]]:
    """Row id -> what names the row in any archive, for every kind of row."""
    keys: dict[str, dict[int, object]] = {
        "documents": dict(conn.execute("SELECT id, sha256 FROM documents")),
        "people": {i: (k, c) for i, k, c in conn.execute(
            "SELECT id, name_key, country FROM people")},
        "issues": dict(conn.execute("SELECT id, name FROM issues")),
    }
    for kind, table in (("meeting", "meetings"), ("section", "sections"), ("item", "items"),
                        ("statement", "statements")):
        keys[table] = {i: str(identifier_for(conn, kind, i))
                       for i, in conn.execute(f"SELECT id FROM {table}")}
    for space in ("issues", "people"):
        keys[space][0] = 0  # "any issue" and "joint" in the count tables
    keys["user_nodes"] = dict(conn.execute("SELECT id, identifier FROM user_nodes"))
    keys["user_notes"] = {i: (node, created) for i, node, created in conn.execute(
        "SELECT n.id, u.identifier, n.created_at FROM user_notes n JOIN user_nodes u "
        "ON u.id = n.node_id")}
    keys["user_tags"] = dict(conn.execute("SELECT id, name FROM user_tags"))
    keys["saved_searches"] = dict(conn.execute("SELECT id, name FROM saved_searches"))
    return keys


def canonical(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows with row ids replaced by natural keys, sorted."""
    with sqlite3.connect(db) as conn:
        keys = natural_keys(conn)
        tables = [t for t, in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'statements_fts%'")]
        unlisted = set(tables) - set(ID_COLUMNS)
        assert not unlisted, f"tables the bundle round trip does not cover: {unlisted}"
        out: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            columns = [c for _, c, *_ in conn.execute(f"PRAGMA table_info({table})")
                       if c not in LOCAL_COLUMNS.get(table, ())]
            mapped = ID_COLUMNS[table]
            rows = []
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                rows.append(tuple(
                    keys[mapped[c]].get(v, ("missing", v)) if c in mapped and v is not None
                    else v for c, v in zip(columns, row, strict=True)))
            out[table] = sorted(rows, key=repr)
        # The full-text index: what a search finds.
        out["search"] = sorted(keys["statements"][i] for i, in conn.execute(
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'missile OR abduct*'"))
    return out


def test_a_bundle_carries_an_archive_into_an_empty_one_losslessly(
        samples_archive: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "archive.json"
    with sqlite3.connect(samples_archive) as conn:
        exported = bundles.export_bundle(conn, bundle)
    assert exported.documents == 9
    target = tmp_path / "elsewhere.sqlite"
    with Archive.open(target) as archive:
        result = bundles.import_bundle(archive, bundle)
    assert result.summary.summary_line() == "Imported 9, unchanged 0, replaced 0, failed 0"
    assert result.warnings == []
    before, after = canonical(samples_archive), canonical(target)
    for table in before:
        assert after[table] == before[table], table
    assert len(before["statements"]) == 52 and before["search"]


def test_merged_and_split_people_travel_in_a_bundle(samples_archive: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite"
    with sqlite3.connect(samples_archive) as conn, sqlite3.connect(source) as copy:
        conn.backup(copy)
    with Archive.open(source) as archive:
        conn = archive.connection()
        # Two people of one country who never meet: a researcher says they are one.
        first, second = conn.execute("""
            SELECT a.id, b.id FROM people a JOIN people b ON b.country = a.country AND b.id > a.id
            WHERE NOT EXISTS (SELECT 1 FROM person_mentions x JOIN person_mentions y
                              ON y.meeting_id = x.meeting_id
                              WHERE x.person_id = a.id AND y.person_id = b.id)
            ORDER BY a.id, b.id LIMIT 1""").fetchone()
        archive.merge_people(first, second)
        third, fourth = conn.execute("""
            SELECT a.id, b.id FROM people a JOIN people b ON b.country = a.country AND b.id > a.id
            WHERE a.id != :kept AND b.id != :kept AND NOT EXISTS (
                SELECT 1 FROM person_mentions x JOIN person_mentions y ON y.meeting_id = x.meeting_id
                WHERE x.person_id = a.id AND y.person_id = b.id)
            ORDER BY a.id, b.id LIMIT 1""", {"kept": first}).fetchone()
        archive.merge_people(third, fourth)
        archive.split_person(third)  # and changed their mind: kept apart from now on
        assert conn.execute("SELECT count(*) FROM person_merges").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM person_apart").fetchone()[0] > 0
    bundle = tmp_path / "archive.json"
    with sqlite3.connect(source) as conn:
        bundles.export_bundle(conn, bundle)
    target = tmp_path / "elsewhere.sqlite"
    with Archive.open(target) as archive:
        result = bundles.import_bundle(archive, bundle)
    assert result.warnings == []
    before, after = canonical(source), canonical(target)
    for table in before:
        assert after[table] == before[table], table
    with Archive.open(target) as archive:  # and the next open merges nothing back together
        pass
    assert canonical(target) == before


def test_importing_a_bundle_again_changes_nothing(samples_archive: Path,
                                                  tmp_path: Path) -> None:
    bundle = tmp_path / "archive.json"
    with sqlite3.connect(samples_archive) as conn:
        bundles.export_bundle(conn, bundle)
    with Archive.open(samples_archive) as archive:
        result = bundles.import_bundle(archive, bundle)
    assert result.summary.count("unchanged") == 9


def test_a_reformatted_bundle_still_imports(samples_archive: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "archive.json"
    with sqlite3.connect(samples_archive) as conn:
        bundles.export_bundle(conn, bundle)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["documents"] = data["documents"][:2]
    data["a_later_field"] = {"nested": [1, 2.5, None]}
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(data, indent=4, ensure_ascii=True), encoding="utf-8")
    with Archive.open(tmp_path / "a.sqlite") as archive:
        result = bundles.import_bundle(archive, pretty)
    assert result.summary.count("imported") == 2


def test_user_data_travels_through_a_registered_handler_and_unknown_keys_are_reported(
        samples_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundles, "_USER_DATA", {})
    loaded: list[object] = []
    bundles.register_user_data(bundles.UserData(
        "notes", export=lambda conn: {"av:0e3ff97fcfd7/s1/i3": "check the date"},
        load=lambda conn, value: loaded.append(value)))
    bundle = tmp_path / "archive.json"
    with sqlite3.connect(samples_archive) as conn:
        bundles.export_bundle(conn, bundle)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    assert data["user_data"] == {"notes": {"av:0e3ff97fcfd7/s1/i3": "check the date"}}
    data["user_data"]["tags"] = ["later"]
    bundle.write_text(json.dumps(data), encoding="utf-8")
    with Archive.open(tmp_path / "a.sqlite") as archive:
        result = bundles.import_bundle(archive, bundle)
    assert loaded == [{"av:0e3ff97fcfd7/s1/i3": "check the date"}]
    assert result.warnings == ["The bundle's user data 'tags' is not known to this version of "
                               "Archive Viewer and was not imported."]


@pytest.mark.parametrize(("content", "message"), [
    ("[1, 2]", r"is not an Archive Viewer bundle \(not a JSON object\)"),
    ('{"format": "something-else", "version": 1, "documents": []}', "its format is"),
    ('{"format": "archive-viewer-bundle", "version": 99, "documents": []}', "newer Archive Viewer"),
    ('{"documents": [{}], "format": "archive-viewer-bundle", "version": 1}', "must come before"),
    ('{"format": "archive-viewer-bundle", "version": 1, "documents": [{"sha', "not a valid bundle"),
    ('{"version": 1}', "has no \"format\""),
])
def test_a_file_that_is_not_a_bundle_is_refused_with_a_reason(
        tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with Archive.open(tmp_path / "a.sqlite") as archive, \
            pytest.raises(bundles.BundleError, match=message):
        bundles.import_bundle(archive, path)


def test_a_bad_document_fails_alone(tmp_path: Path) -> None:
    good = {"sha256": "a" * 64, "source_path": "/d/x.txt", "file_name": "x.txt",
            "format": "text", "size_bytes": 3, "imported_at": "2024-01-01T00:00:00+00:00",
            "raw_text": "not a meeting overview"}
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"format": "archive-viewer-bundle", "version": 1,
                                "documents": [{"sha256": "x"}, good]}))
    with Archive.open(tmp_path / "a.sqlite") as archive:
        summary = bundles.import_bundle(archive, path).summary
    assert [r.status for r in summary.results] == ["failed", "failed"]
    assert "the bundle gives no valid" in (summary.results[0].reason or "")
    assert summary.results[1].reason == "does not look like a meeting overview (no lead " \
        "paragraph naming who met, or no body)"


def test_the_stream_reader_reads_values_longer_than_its_buffer(tmp_path: Path) -> None:
    text = "x" * (5 * bundles._CHUNK + 17)
    doc = {"format": "archive-viewer-bundle", "version": 1, "documents": [{"t": text}, 12345]}
    members = list(bundles._read_top_level(io.StringIO(json.dumps(doc)), tmp_path))
    assert members == [("format", "archive-viewer-bundle"), ("version", 1),
                       ("documents", {"t": text}), ("documents", 12345)]
