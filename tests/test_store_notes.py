"""The user's notes and tags (store/notes.py): kept by identifier through re-imports and
changed documents, listed when unattached, filtered and counted as the SQL says, searched
literally with the text never in the SQL, and carried by bundles."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_viewer import cli, paths
from archive_viewer.data_out import bundle as bundles
from archive_viewer.store import Archive, notes, queries, saved_searches, summary
from archive_viewer.store.filter_sql import LIKE_ESCAPE, note_patterns
from archive_viewer.store.filters import _TOKEN, Filter
from archive_viewer.store.writer import delete_document

REFERENCE = "000_19a025d9c24d22f3.txt"
OTHERS = ["101_1643773a4e55f15d.txt", "102_991695155f08c227.txt", "107_862972576e0ef86c.html"]


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    """A folder holding a copy of the reference document and a few others."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in [REFERENCE, *OTHERS]:
        shutil.copy(paths.SAMPLES_DIR / name, folder / name)
    return folder


@pytest.fixture
def archive(tmp_path: Path, documents: Path):
    with Archive.open(tmp_path / "a.sqlite") as opened:
        assert not opened.import_paths([documents]).failures
        yield opened


def reference_meeting(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT m.id FROM meetings m JOIN documents d ON d.id = m.document_id "
                        "WHERE d.file_name = ?", (REFERENCE,)).fetchone()[0]


def row_at(conn: sqlite3.Connection, section: int, item: int = 0, statement: int = 0
           ) -> tuple[str, int]:
    """(kind, row id) of a position in the reference document."""
    meeting = reference_meeting(conn)
    if not section:
        return "meeting", meeting
    sec = conn.execute("SELECT id FROM sections WHERE meeting_id = ? AND ordinal = ?",
                       (meeting, section)).fetchone()[0]
    if not item:
        return "section", sec
    it = conn.execute("SELECT id FROM items WHERE section_id = ? AND ordinal = ?",
                      (sec, item)).fetchone()[0]
    if not statement:
        return "item", it
    return "statement", conn.execute("SELECT id FROM statements WHERE item_id = ? AND "
                                     "ordinal = ?", (it, statement)).fetchone()[0]


def annotate(conn: sqlite3.Connection) -> dict[str, notes.RowNode]:
    """Notes and tags on the reference document at each level."""
    nodes = {
        "meeting": notes.row_node(conn, *row_at(conn, 0)),
        "section": notes.row_node(conn, *row_at(conn, 2)),
        "item": notes.row_node(conn, *row_at(conn, 1, 3)),
        "statement": notes.row_node(conn, *row_at(conn, 1, 2, 1)),
    }
    notes.add_note(conn, nodes["statement"], "Gemba frames the launch as a missile")
    notes.add_note(conn, nodes["statement"], "compare with the 2009 wording")
    notes.add_tag(conn, nodes["statement"], "hardening")
    notes.add_tag(conn, nodes["item"], "hardening")
    notes.add_tag(conn, nodes["section"], "concession")
    notes.add_note(conn, nodes["meeting"], "Ningbo, on the sidelines")
    notes.add_tag(conn, nodes["meeting"], "sidelines")
    return nodes


def shown(conn: sqlite3.Connection) -> dict[str, tuple[tuple[str, ...], int]]:
    """Each annotated node in the archive now, by identifier: its tags and number of notes."""
    meeting = reference_meeting(conn)
    return {str(a.identifier): (a.tag_names, len(a.notes))
            for a in notes.meeting_annotations(conn, meeting).values()}


# -- kept through re-imports ---------------------------------------------------------------------

def test_notes_and_tags_survive_deleting_and_importing_the_document_again(
        archive: Archive, documents: Path) -> None:
    conn = archive.connection()
    annotate(conn)
    before = shown(conn)
    assert len(before) == 4
    old_ids = {kind: row_at(conn, *pos) for kind, pos in
               {"statement": (1, 2, 1), "item": (1, 3), "section": (2,)}.items()}
    with archive.transaction():
        delete_document(conn, conn.execute(
            "SELECT document_id FROM meetings WHERE id = ?", (reference_meeting(conn),)
        ).fetchone()[0])
    archive.refresh_counts()
    assert len(notes.unattached(conn)) == 4  # listed, not lost, while the document is away
    assert archive.import_paths([documents / REFERENCE]).count("imported") == 1
    assert shown(conn) == before
    assert notes.unattached(conn) == []
    # New rows, the same nodes: the identifiers, not the row ids, hold the notes.
    assert row_at(conn, 1, 2, 1) != old_ids["statement"]


def test_a_changed_document_keeps_what_its_positions_still_hold_and_lists_the_rest(
        archive: Archive, documents: Path) -> None:
    conn = archive.connection()
    nodes = annotate(conn)
    path = documents / REFERENCE
    text = path.read_text(encoding="utf-8")
    # The new version drops section 2 and rewords the statement noted in section 1.
    cut = text[:text.index("2. Japan-ROK Relations")]
    path.write_text(cut.replace("Minister Gemba congratulated", "Minister Gemba warmly "
                                "congratulated"), encoding="utf-8")
    assert archive.import_paths([path]).count("replaced") == 1
    kept = shown(conn)
    assert sorted(len(i.split("/")) for i in kept) == [1, 3, 4]  # meeting, item, statement
    lost = notes.unattached(conn)
    assert [u.annotations.ref.section for u in lost] == [2]
    assert not lost[0].document_present and lost[0].annotations.tag_names == ("concession",)
    assert lost[0].annotations.snapshot == "2. Japan-ROK Relations"
    # The statement moved to the new text, which reads differently: that can be told.
    kind, row = row_at(conn, 1, 2, 1)
    moved = notes.node_annotations(conn, kind, row)
    assert moved is not None and len(moved.notes) == 2
    assert notes.changed_text(conn, kind, row, moved)
    kind, row = row_at(conn, 1, 3)
    item = notes.node_annotations(conn, kind, row)
    assert item is not None and not notes.changed_text(conn, kind, row, item)
    assert nodes["statement"].ref.sha256 != moved.ref.sha256


def test_annotations_for_takes_identifiers_as_the_app_writes_them(archive: Archive) -> None:
    conn = archive.connection()
    nodes = annotate(conn)
    statement = nodes["statement"].ref
    asked = [statement.short(), statement.identifier, nodes["meeting"].ref.short(16),
             "av:0000000000000000/s1", "not an identifier", statement.short() + "/p9"]
    found = notes.annotations_for(conn, asked)
    assert set(found) == set(asked[:3])
    assert found[statement.short()].tag_names == ("hardening",)
    assert [n.body for n in found[statement.short()].notes] == [
        "Gemba frames the launch as a missile", "compare with the 2009 wording"]


# -- the tag facet and the note filters --------------------------------------------------------------

def _direct_tagged(conn: sqlite3.Connection, tag: str) -> set[int]:
    """The statements a tag covers, by a query of its own: through the documents' hashes and
    the ordinals, a tag on a meeting, section or item covering all its statements."""
    return {row[0] for row in conn.execute("""
        SELECT s.id FROM user_tags t
        JOIN user_node_tags l ON l.tag_id = t.id
        JOIN user_nodes n ON n.id = l.node_id
        JOIN documents d ON d.sha256 = n.document_sha256
        JOIN meetings m ON m.document_id = d.id
        JOIN sections sec ON sec.meeting_id = m.id
        JOIN items it ON it.section_id = sec.id
        JOIN statements s ON s.item_id = it.id
        WHERE t.name = ? AND (n.section = 0 OR n.section = sec.ordinal)
          AND (n.item = 0 OR n.item = it.ordinal)
          AND (n.statement = 0 OR n.statement = s.ordinal)""", (tag,))}


def _matching(conn: sqlite3.Connection, f: Filter) -> set[int]:
    ids: set[int] = set()
    for (meeting,) in conn.execute("SELECT id FROM meetings"):
        ids |= {s.id for s in queries.statements(conn, f, meeting_id=meeting) if s.matches}
    return ids


def test_the_tag_facet_selects_exactly_what_a_direct_query_finds(archive: Archive) -> None:
    conn = archive.connection()
    annotate(conn)
    other = conn.execute("SELECT id FROM statements WHERE meeting_id != ? LIMIT 1",
                         (reference_meeting(conn),)).fetchone()[0]
    notes.add_tag(conn, notes.row_node(conn, "statement", other), "hardening")
    facet = {v.label: v for v in queries.facets(conn, Filter()).tags}
    assert set(facet) == {"hardening", "concession", "sidelines"}
    for name, value in facet.items():
        expected = _direct_tagged(conn, name)
        assert expected and value.count == len(expected), name
        f = Filter(tags=frozenset({value.key}))
        assert not summary.answers(conn, f)
        totals = queries.totals(conn, f)
        assert totals.statements == len(expected)
        meetings = {row[0] for row in conn.execute(
            "SELECT DISTINCT meeting_id FROM statements WHERE id IN (SELECT value FROM "
            "json_each(?))", (json.dumps(sorted(expected)),))}
        assert totals.meetings == len(meetings)
        assert _matching(conn, f) == expected
        assert {y.year for y in queries.years(conn, f)} == {row[0] for row in conn.execute(
            "SELECT DISTINCT CAST(substr(held_on, 1, 4) AS INTEGER) FROM meetings WHERE id IN "
            "(SELECT value FROM json_each(?))", (json.dumps(sorted(meetings)),))}
    # Two tags: either (OR); the facet counts follow the other facets, not its own.
    both = Filter(tags=frozenset(v.key for v in facet.values()))
    assert queries.totals(conn, both).statements == len(
        set().union(*(_direct_tagged(conn, n) for n in facet)))
    with_china = Filter(countries=frozenset({"China"}))
    counted = {v.label: v.count for v in queries.facets(conn, with_china).tags}
    in_china = {row[0] for row in conn.execute(
        "SELECT s.id FROM statements s JOIN meeting_countries c ON c.meeting_id = s.meeting_id "
        "WHERE c.country = 'China'")}
    assert in_china
    for name in facet:
        assert counted[name] == len(_direct_tagged(conn, name) & in_china), name


HOSTILE = ["50%", "_", "%_%", "a_b", "\\", "'", '"', "'; DROP TABLE user_notes; --",
           "NEAR(a b)", "launch*", "a OR b", "-missile", "col:umn", "^start", "(", "\x00x",
           "東京", "ÉTAT", '"an exact" phrase']


class RecordingConnection(sqlite3.Connection):
    """Records the SQL text handed to SQLite, apart from the values bound to it."""

    handed: list[str]

    def execute(self, sql: str, parameters: object = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        self.handed.append(sql)
        return super().execute(sql, parameters)  # type: ignore[arg-type]


def test_note_search_takes_hostile_text_literally_and_never_into_the_sql(
        archive: Archive) -> None:
    conn = archive.connection()
    statements = [row[0] for row in conn.execute("SELECT id FROM statements LIMIT 30")]
    bodies = {}
    for statement, text in zip(statements, HOSTILE, strict=False):
        bodies[statement] = notes.add_note(
            conn, notes.row_node(conn, "statement", statement), f"note {text} end").body
    bodies[statements[-1]] = notes.add_note(
        conn, notes.row_node(conn, "statement", statements[-1]), "nothing special: abc").body
    reader = sqlite3.connect(archive.path, factory=RecordingConnection)
    reader.handed = []
    try:
        for text in HOSTILE:
            words = [w for w in (m.group(1) if m.group(1) is not None else m.group(2)
                                 for m in _TOKEN.finditer(text.replace("\x00", "")))
                     if w.strip()]
            f = Filter(note_text=text)
            got = _matching(reader, f)
            if not words:  # nothing to look for: the note search does not narrow
                assert queries.totals(reader, f) == queries.totals(reader, Filter()), text
                continue
            expected = {statement for statement, body in bodies.items()
                        if all(" ".join(w.split()).lower() in body.lower() for w in words)}
            assert expected and got == expected, text
            assert queries.totals(reader, f).statements == len(expected), text
            assert {n.note.body for n in notes.all_notes(reader, text)} == {
                bodies[s] for s in expected}, text
    finally:
        reader.close()
    handed = "\n".join(reader.handed)
    for text in HOSTILE:
        if len(text) > 1:
            assert text not in handed, text
    assert conn.execute("SELECT count(*) FROM user_notes").fetchone()[0] == len(bodies)
    # "has notes" is any note; it combines with the note search and the other filters.
    assert queries.totals(conn, Filter(has_notes=True)).statements == len(bodies)
    assert queries.totals(conn, Filter(has_notes=True, note_text="ABC")).statements == 1


# -- edits -----------------------------------------------------------------------------------------

def test_tags_are_renamed_everywhere_and_deleted_tags_come_back_whole(archive: Archive) -> None:
    conn = archive.connection()
    annotate(conn)
    hardening = notes.tag_by_name(conn, "HARDENING")
    assert hardening is not None
    search = saved_searches.save(conn, "Hard line", Filter(tags=frozenset({hardening.id})))
    before = queries.totals(conn, Filter(tags=frozenset({hardening.id})))
    assert notes.rename_tag(conn, hardening.id, "hard line").name == "hardening"
    assert saved_searches.get(conn, search.id).filter == {"tags": ["hard line"]}
    with pytest.raises(notes.NotesError, match="already"):
        notes.rename_tag(conn, hardening.id, "Concession")
    deleted = notes.delete_tag(conn, hardening.id)
    assert deleted.tag.uses == 2 and notes.tag_by_name(conn, "hard line") is None
    resolved = saved_searches.filter_from_names(conn, saved_searches.get(conn, search.id).filter)
    assert resolved.problems == ["tag “hard line”"]
    assert queries.totals(conn, resolved.filter).statements == 0  # never wider
    notes.restore_tag(conn, deleted)
    assert queries.totals(conn, Filter(tags=frozenset({hardening.id}))) == before
    with pytest.raises(notes.NotesError):
        notes.add_note(conn, notes.row_node(conn, *row_at(conn, 1)), "   ")


def test_a_node_without_notes_or_tags_is_forgotten(archive: Archive) -> None:
    conn = archive.connection()
    node = notes.row_node(conn, *row_at(conn, 1, 1, 1))
    note = notes.add_note(conn, node, "one")
    tagging = notes.add_tag(conn, node, "t")
    notes.delete_note(conn, note.id)
    assert conn.execute("SELECT count(*) FROM user_nodes").fetchone()[0] == 1
    notes.remove_tag(conn, node.ref, tagging.tag.id, drop_tag=True)
    assert conn.execute("SELECT count(*) FROM user_nodes").fetchone()[0] == 0
    assert notes.tags(conn) == []


# -- bundles ---------------------------------------------------------------------------------------

def test_a_bundle_round_trip_keeps_notes_tags_and_saved_searches(
        archive: Archive, tmp_path: Path) -> None:
    conn = archive.connection()
    annotate(conn)
    notes.create_tag(conn, "unused")
    lost = notes.NodeRef("f" * 64, 1, 1, 1)  # a node of a document this archive lacks
    notes.add_note(conn, lost, "from a document since deleted", snapshot="old text",
                   context="Some meeting")
    tag = notes.tag_by_name(conn, "hardening")
    assert tag is not None
    saved_searches.save(conn, "Hard", Filter(tags=frozenset({tag.id}), text="missile",
                                             countries=frozenset({"Japan"})))
    path = tmp_path / "bundle.json"
    bundles.export_bundle(conn, path)

    def content(c: sqlite3.Connection) -> object:
        return (sorted((a.identifier, a.tag_names, tuple(n.body for n in a.notes),
                        tuple((n.created_at, n.edited_at) for n in a.notes), a.snapshot,
                        a.context) for a in notes.iter_nodes(c)),
                [t.name for t in notes.tags(c)],
                [(s.name, s.filter) for s in saved_searches.saved_searches(c)])

    expected = content(conn)
    with Archive.open(tmp_path / "other.sqlite") as other:
        result = bundles.import_bundle(other, path)
        assert not result.warnings and not result.summary.failures
        c = other.connection()
        assert content(c) == expected
        assert [u.annotations.identifier for u in notes.unattached(c)] == [lost.identifier]
        tag_there = notes.tag_by_name(c, "hardening")
        assert tag_there is not None
        assert queries.totals(c, Filter(tags=frozenset({tag_there.id}))) == queries.totals(
            conn, Filter(tags=frozenset({tag.id})))
        search = saved_searches.saved_searches(c)[0]
        assert saved_searches.counts(c, search).statements == saved_searches.counts(
            conn, saved_searches.saved_searches(conn)[0]).statements
        assert saved_searches.counts(c, search).new == 0
        bundles.import_bundle(other, path)  # again: nothing doubled
        assert content(c) == expected


# -- the command line ------------------------------------------------------------------------------

def test_notes_and_searches_on_the_command_line(archive: Archive, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    conn = archive.connection()
    annotate(conn)
    saved_searches.save(conn, "Sidelines", Filter(
        tags=frozenset({notes.tag_by_name(conn, "sidelines").id})))  # type: ignore[union-attr]
    db = str(archive.path)
    assert cli.main(["notes", "--db", db, "--search", "2009", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["note"] for r in rows] == ["compare with the 2009 wording"]
    assert rows[0]["tags"] == ["hardening"] and rows[0]["attached"]
    assert cli.main(["searches", "--db", db]) == 0
    count = len(_direct_tagged(conn, "sidelines"))
    assert capsys.readouterr().out.strip() == f"Sidelines: {count} statements"
    out = tmp_path / "tagged.json"
    assert cli.main(["export-statements", "--db", db, "--tag", "Hardening", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())) == len(_direct_tagged(conn, "hardening"))


# -- the note search's patterns, against Python -------------------------------------------------------

_ALPHABET = st.sampled_from(list("ab %_\\\"'*-()") + ["é", "É", "東"])


@settings(max_examples=150, deadline=None)
@given(bodies=st.lists(st.text(_ALPHABET, min_size=1, max_size=12), min_size=1, max_size=6),
       query=st.text(_ALPHABET, max_size=8))
def test_note_patterns_find_exactly_the_notes_holding_every_word(bodies: list[str],
                                                                 query: str) -> None:
    patterns = note_patterns(query)
    words = [" ".join(w.split()) for w in
             (m.group(1) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(query))]
    words = [w for w in words if w]
    assert len(patterns) == len(dict.fromkeys(words))
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE n (body TEXT)")
    conn.executemany("INSERT INTO n VALUES (?)", [(b,) for b in bodies])
    where = " AND ".join(f"body LIKE ? ESCAPE '{LIKE_ESCAPE}'" for _ in patterns) or "1"
    found = sorted(row[0] for row in conn.execute(f"SELECT body FROM n WHERE {where}", patterns))

    def holds(body: str, word: str) -> bool:  # LIKE folds the case of ASCII letters only
        fold = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
        return word.translate(fold) in body.translate(fold)

    assert found == sorted(b for b in bodies if all(holds(b, w) for w in words))
