"""Stable identifiers: their syntax, their stability across re-import, and resolving them."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive_viewer import identifiers, paths
from archive_viewer.identifiers import BadIdentifier, NodeId
from archive_viewer.store import Archive, delete_document
from archive_viewer.store.node_ids import (
    UnknownIdentifier,
    identifier_for,
    identifiers_of_meeting,
    resolve,
    shared_prefixes,
)

REFERENCE = paths.SAMPLES_DIR / "000_19a025d9c24d22f3.txt"
REFERENCE_SHA = hashlib.sha256(REFERENCE.read_bytes()).hexdigest()
PREFIX = REFERENCE_SHA[:12]


# -- syntax -----------------------------------------------------------------------------------

def test_an_identifier_names_its_kind_and_has_a_link_form() -> None:
    item = identifiers.build(REFERENCE_SHA, 1, 3)
    assert str(item) == f"av:{PREFIX}/s1/i3"
    assert item.kind == "item"
    assert item.url == f"archive-viewer://av/{PREFIX}/s1/i3"
    assert str(item.meeting) == f"av:{PREFIX}"
    assert [identifiers.build(REFERENCE_SHA, *p).kind
            for p in [(), (1,), (1, 3), (1, 3, 2)]] == ["meeting", "section", "item", "statement"]


@pytest.mark.parametrize("text", [
    f"av:{PREFIX}/s1/i3",
    f"archive-viewer://av/{PREFIX}/s1/i3",
    f"archive-viewer://av/{PREFIX}/s1/i3/",  # a trailing slash added by a desktop
    f"archive-viewer:av:{PREFIX}/s1/i3",
    f"archive-viewer://av%3A{PREFIX}/s1/i3",  # percent-escaped by a browser
    f"  AV:{PREFIX.upper()}/S1/I3 ",
    f"{PREFIX}/s1/i3",
])
def test_the_forms_a_user_may_paste_parse_to_the_same_node(text: str) -> None:
    assert identifiers.parse(text) == NodeId(PREFIX, 1, 3)


@pytest.mark.parametrize("text", [
    "", "av:", "av:1234", f"av:{PREFIX}/i3", f"av:{PREFIX}/s0", f"av:{PREFIX}/s1/p2",
    f"av:{PREFIX}/s1/i3/p2/x", "https://example.org/", f"av:{PREFIX}xyz",
])
def test_text_that_is_no_identifier_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(BadIdentifier, match="they look like av:"):
        identifiers.parse(text)


@given(st.text("0123456789abcdef", min_size=64, max_size=64),
       st.lists(st.integers(1, 10_000), max_size=3), st.integers(12, 64))
def test_built_identifiers_parse_back_and_use_only_url_safe_characters(
        sha: str, positions: list[int], digits: int) -> None:
    node = identifiers.build(sha, *positions, digits=digits)
    assert identifiers.parse(str(node)) == node
    assert identifiers.parse(node.url) == node
    assert set(str(node)) <= set("abcdefghijklmnopqrstuvwxyz0123456789:/")


# -- stability --------------------------------------------------------------------------------

def _all_nodes(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Every node's identifier -> (kind, its text), for comparing two imports."""
    out: dict[str, tuple[str, str]] = {}
    for (meeting_id,) in conn.execute("SELECT id FROM meetings"):
        for text in identifiers_of_meeting(conn, meeting_id):
            node = resolve(conn, text)
            content = {
                "meeting": "SELECT title FROM meetings WHERE id = ?",
                "section": "SELECT ifnull(number, '') || ' ' || ifnull(title, '') FROM sections "
                           "WHERE id = ?",
                "item": "SELECT text FROM items WHERE id = ?",
                "statement": "SELECT text FROM statements WHERE id = ?",
            }[node.kind]
            out[text] = (node.kind, conn.execute(content, (node.id,)).fetchone()[0])
    return out


def test_identifiers_survive_deleting_and_reimporting_the_same_document(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / REFERENCE.name
    doc.parent.mkdir()
    shutil.copy(REFERENCE, doc)
    with Archive.open(tmp_path / "a.sqlite") as archive:
        # Another document after it, so that the reference's rows get new ids the second time.
        archive.import_paths([doc, paths.SAMPLES_DIR / "101_1643773a4e55f15d.txt"])
        conn = archive.connection()
        before = _all_nodes(conn)
        last_item = conn.execute("SELECT max(id) FROM items").fetchone()[0]
        reference_doc = conn.execute("SELECT id FROM documents WHERE sha256 = ?",
                                     (REFERENCE_SHA,)).fetchone()[0]
        with archive.transaction() as write:
            delete_document(write, reference_doc)
        with pytest.raises(UnknownIdentifier, match="not in this archive"):
            resolve(conn, f"av:{PREFIX}/s1/i3")
        assert archive.import_document(doc).status == "imported"
        after = _all_nodes(conn)
        new_item = resolve(conn, f"av:{PREFIX}/s1/i3")
    assert after == before
    assert len([k for k in before if k.startswith(f"av:{PREFIX}")]) == 1 + 2 + 8 + 11  # meeting, sections, items, statements
    assert new_item.id > last_item  # a new row: the identifier followed the text, not the row


def test_a_changed_document_gets_a_new_meeting_identifier(tmp_path: Path) -> None:
    doc = tmp_path / REFERENCE.name
    shutil.copy(REFERENCE, doc)
    with Archive.open(tmp_path / "a.sqlite") as archive:
        archive.import_document(doc)
        old = identifier_for(archive.connection(), "meeting", 1)
        doc.write_text(REFERENCE.read_text(encoding="utf-8").replace("April 7", "April 8"),
                       encoding="utf-8")
        assert archive.import_document(doc).status == "replaced"
        conn = archive.connection()
        (meeting_id,) = conn.execute("SELECT id FROM meetings").fetchone()
        new = identifier_for(conn, "meeting", meeting_id)
        assert new is not None and old is not None and new != old
        with pytest.raises(UnknownIdentifier):
            resolve(conn, str(old))  # the old text is gone: its identifier names nothing


def test_every_node_resolves_to_itself(samples_archive: Path) -> None:
    with sqlite3.connect(samples_archive) as conn:
        for kind, table in (("meeting", "meetings"), ("section", "sections"),
                            ("item", "items"), ("statement", "statements")):
            for (row_id,) in conn.execute(f"SELECT id FROM {table}"):
                node = identifier_for(conn, kind, row_id)
                assert node is not None and node.kind == kind
                resolved = resolve(conn, node.url)
                assert (resolved.kind, resolved.id) == (kind, row_id)
        assert identifier_for(conn, "item", 10**9) is None


def test_documents_sharing_twelve_digits_get_longer_identifiers(tmp_path: Path) -> None:
    # Two hashes alike in their first 14 digits: both need 16, and 12 are ambiguous.
    with Archive.open(tmp_path / "a.sqlite") as archive:
        conn = archive.connection()
        shas = ["ab" * 7 + "0" * 50, "ab" * 7 + "1" * 50]
        with archive.transaction() as write:
            for n, sha in enumerate(shas):
                write.execute(
                    "INSERT INTO documents (source_path, file_name, sha256, format, size_bytes, "
                    "raw_text, imported_at) VALUES (?, ?, ?, 'text', 1, 'x', '2024')",
                    (f"/d/{n}.txt", f"{n}.txt", sha))
                write.execute("INSERT INTO meetings (document_id, title, kind) "
                              "VALUES (last_insert_rowid(), 'T', 'other')")
        assert shared_prefixes(conn) == {shas[0]: 16, shas[1]: 16}
        assert str(identifier_for(conn, "meeting", 2)) == f"av:{shas[1][:16]}"
        with pytest.raises(UnknownIdentifier, match="more than one document"):
            resolve(conn, f"av:{shas[0][:12]}")
        assert resolve(conn, f"av:{shas[1][:16]}").id == 2
        assert resolve(conn, f"av:{shas[1]}").id == 2  # all 64 digits work too
