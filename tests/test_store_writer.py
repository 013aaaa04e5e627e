"""Writing parsed meetings into the archive: every record, person, issue and FTS row."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.archive_fakes import (  # noqa: F401  (private_data_dir: autouse fixture)
    DOC_A,
    DOC_B,
    assert_fts_consistent,
    count,
    fts_ids,
    make_meeting,
    private_data_dir,
)

from archive_viewer.ingest.model import Meeting
from archive_viewer.store import Archive, DocumentRecord, delete_document, write_meeting
from archive_viewer.store.people import name_key

THESAURUS = """
[[issue]]
name = "North Korea"
synonyms = ["DPRK"]

[[issue]]
name = "Missile launches"
parent = "North Korea"
"""


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    toml = tmp_path / "issues.toml"
    toml.write_text(THESAURUS)
    with Archive.open(tmp_path / "a.sqlite", thesaurus=toml) as opened:
        yield opened


def record(name: str = "a.txt", sha: str = "a") -> DocumentRecord:
    return DocumentRecord(
        source_path=f"/docs/{name}", file_name=name, sha256=sha * 64, format="text",
        size_bytes=10, raw_text="raw", imported_at="2024-01-01T00:00:00+00:00",
    )


def store(archive: Archive, meeting: Meeting, name: str = "a.txt", sha: str = "a") -> int:
    with archive.transaction() as conn:
        return write_meeting(conn, meeting, record(name, sha))


def test_a_meeting_is_stored_with_its_sections_items_and_statements(archive: Archive) -> None:
    document_id = store(archive, make_meeting(DOC_A))
    conn = archive.connection()
    meeting = conn.execute(
        "SELECT title, kind, published_on, held_on, location, occasion FROM meetings "
        "WHERE document_id = ?", (document_id,)
    ).fetchone()
    assert meeting == ("Japan-ROK Foreign Ministers' Meeting (Overview)",
                       "foreign_ministers_meeting", "2012-04-25", "2012-04-07", "Ningbo, China",
                       "the Japan-China-ROK Foreign Ministers' Meeting")
    assert conn.execute(
        "SELECT country FROM meeting_countries ORDER BY ordinal").fetchall() == [
        ("Japan",), ("Republic of Korea",)]
    assert conn.execute("SELECT ordinal, number, title FROM sections ORDER BY ordinal").fetchall() \
        == [(1, "1", "North Korean Issues"), (2, "2", "Bilateral Relations")]
    rows = conn.execute(
        "SELECT section_title, item_label, speaker, substr(text, 1, 20) FROM statements_in_context "
        "ORDER BY statement_id"
    ).fetchall()
    assert rows == [
        ("North Korean Issues", "(1)", "Kim Sung-hwan", "Minister Kim express"),
        ("North Korean Issues", "(2)", "Koichiro Gemba", "Minister Gemba congr"),
        ("North Korean Issues", "(3)", "joint", "The two ministers sa"),
        ("Bilateral Relations", "(1)", None, "The meeting lasted a"),
        ("Bilateral Relations", "(2)", "Koichiro Gemba", "Minister Gemba thank"),
    ]
    joint = conn.execute("SELECT speaker_id, is_joint FROM statements WHERE ordinal = 1 "
                         "AND text LIKE 'The two%'").fetchone()
    assert joint == (None, 1)
    participants = conn.execute(
        "SELECT people.name, participants.role, participants.side, participants.title "
        "FROM participants JOIN people ON people.id = participants.person_id ORDER BY ordinal"
    ).fetchall()
    assert [(name, role, side) for name, role, side, _ in participants] == [
        ("Koichiro Gemba", "principal", "Japan"),
        ("Kim Sung-hwan", "principal", "Republic of Korea"),
        ("Shinsuke Sugiyama", "attendee", "Japan"),
    ]


def test_issues_link_to_the_thesaurus_by_name_or_synonym(archive: Archive) -> None:
    meeting = make_meeting(DOC_A)
    meeting.sections[0].items[0].statements[0].issues = ["DPRK"]  # a synonym
    store(archive, meeting)
    conn = archive.connection()
    linked = conn.execute(
        "SELECT issues.name FROM statement_issues JOIN issues ON issues.id = issue_id "
        "JOIN statements ON statements.id = statement_id WHERE statements.text LIKE 'Minister Kim%'"
    ).fetchall()
    assert linked == [("North Korea",)]
    origins = dict(conn.execute("SELECT name, origin FROM issues").fetchall())
    assert origins["Missile launches"] == "thesaurus"
    assert origins["Abduction issue"] == "document"  # named by the document, not in the thesaurus
    meeting_issues = {r[0] for r in conn.execute(
        "SELECT issues.name FROM meeting_issues JOIN issues ON issues.id = issue_id")}
    assert meeting_issues == {"North Korea"}


def test_people_are_matched_across_documents(archive: Archive) -> None:
    store(archive, make_meeting(DOC_A), "a.txt", "a")
    other = make_meeting(DOC_B)
    other.principals[0].name = "GEMBA Koichiro"  # another spelling order of the same person
    other.principals[0].aliases = ["Foreign Minister Gemba", "Mr. Gemba"]
    for statement in other.statements():
        if statement.speaker == "Koichiro Gemba":
            statement.speaker = "GEMBA Koichiro"
    store(archive, other, "b.txt", "b")
    conn = archive.connection()
    gembas = conn.execute("SELECT id, name, aliases FROM people WHERE name_key = ?",
                          ("gemba koichiro",)).fetchall()
    assert len(gembas) == 1
    person_id, name, aliases = gembas[0]
    assert name == "Koichiro Gemba"
    assert "GEMBA Koichiro" in json.loads(aliases) and "Mr. Gemba" in json.loads(aliases)
    assert count(conn, "people") == 3
    spoken = conn.execute("SELECT count(DISTINCT item_id) FROM statements WHERE speaker_id = ?",
                          (person_id,)).fetchone()[0]
    assert spoken == 3


def test_a_family_name_alone_is_the_person_of_that_country(archive: Archive) -> None:
    store(archive, make_meeting(DOC_A), "a.txt", "a")
    other = make_meeting(DOC_B)
    other.principals[0].name = "Gemba"  # "Minister for Foreign Affairs Gemba", no given name
    for statement in other.statements():
        if statement.speaker == "Koichiro Gemba":
            statement.speaker = "Gemba"
    store(archive, other, "b.txt", "b")
    rows = archive.connection().execute(
        "SELECT name, aliases FROM people WHERE name_key IN ('gemba', 'gemba koichiro')").fetchall()
    assert len(rows) == 1 and rows[0][0] == "Koichiro Gemba" and "Gemba" in json.loads(rows[0][1])


def test_same_name_of_another_country_is_another_person(archive: Archive) -> None:
    store(archive, make_meeting(DOC_A), "a.txt", "a")
    other = make_meeting(DOC_B)
    other.principals[1].country = "Somewhere Else"
    store(archive, other, "b.txt", "b")
    assert archive.connection().execute(
        "SELECT count(*) FROM people WHERE name = 'Kim Sung-hwan'").fetchone()[0] == 2


@pytest.mark.parametrize(("name", "key"), [
    ("Koichiro Gemba", "gemba koichiro"),
    ("GEMBA Koichiro", "gemba koichiro"),
    ("Kōichirō Gemba", "gemba koichiro"),
    ("Kim Sung-hwan", "hwan kim sung"),
    ("Koichiro Genba", "genba koichiro"),  # a different spelling is a different key
])
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_statements_are_found_by_full_text_search(archive: Archive) -> None:
    store(archive, make_meeting(DOC_A))
    conn = archive.connection()
    hits = fts_ids(conn, "missile")
    assert len(hits) == 1
    text = conn.execute("SELECT text FROM statements WHERE id = ?", (hits[0],)).fetchone()[0]
    assert text.startswith("The two ministers")
    assert fts_ids(conn, "launches") == hits  # the text says "launch": stemming finds it
    snippet = conn.execute(
        "SELECT snippet(statements_fts, 0, '[', ']', '…', 6) FROM statements_fts "
        "WHERE statements_fts MATCH ?", ("abduction",)).fetchone()[0]
    assert "[abduction]" in snippet
    assert_fts_consistent(conn)


def test_deleting_a_document_removes_all_its_rows_and_index_entries(archive: Archive) -> None:
    document_id = store(archive, make_meeting(DOC_A), "a.txt", "a")
    without_attendees = make_meeting(DOC_B)
    without_attendees.attendees = []
    store(archive, without_attendees, "b.txt", "b")
    conn = archive.connection()
    with archive.transaction():
        delete_document(conn, document_id)
    assert count(conn, "documents") == 1 and count(conn, "meetings") == 1
    assert count(conn, "sections") == 1 and count(conn, "statements") == 2
    assert fts_ids(conn, "missile") == [] and len(fts_ids(conn, "welcomed")) == 1
    assert count(conn, "people") == 2  # Sugiyama only attended the deleted meeting
    names = {r[0] for r in conn.execute("SELECT name FROM issues")}
    assert "Abduction issue" not in names and "Missile launches" in names  # thesaurus stays
    assert_fts_consistent(conn)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_write_meeting_demands_a_transaction(archive: Archive) -> None:
    with pytest.raises(RuntimeError, match="inside a transaction"):
        write_meeting(archive.connection(), make_meeting(), record())


def test_the_archive_is_readable_with_plain_sqlite3(archive: Archive, tmp_path: Path) -> None:
    store(archive, make_meeting(DOC_A))
    archive.close()
    conn = sqlite3.connect(tmp_path / "a.sqlite")
    assert conn.execute("SELECT count(*) FROM statements_in_context").fetchone()[0] == 5
    conn.close()


def test_an_interrupted_begin_leaves_no_transaction_open(archive: Archive) -> None:
    # Interrupting BEGIN IMMEDIATE can fail it after the transaction began; that transaction
    # must not stay open, or every later write on the connection fails.
    conn = archive.connection()
    for steps in range(1, 6):  # BEGIN IMMEDIATE takes about five steps
        calls = 0

        def interrupt_at_step() -> int:
            nonlocal calls
            calls += 1
            return int(calls == steps)  # noqa: B023 (called within this iteration only)

        conn.set_progress_handler(interrupt_at_step, 1)
        try:
            with pytest.raises(sqlite3.OperationalError, match="interrupted"), archive.transaction():
                pass
        finally:
            conn.set_progress_handler(None, 1)
        assert not conn.in_transaction, f"left open by an interrupt at step {steps}"
    store(archive, make_meeting(DOC_A))
    assert count(conn, "documents") == 1
