"""Identifiers (archive_viewer/identifiers.py) to rows of an archive and back. No Qt.

    node = resolve(conn, "av:19a025d9c24d/s1/i3")     # ResolvedNode('item', 42, ...)
    identifier_for(conn, "item", 42)                   # NodeId av:19a025d9c24d/s1/i3

The hex digits are looked up as a range of ``documents.sha256`` (its UNIQUE index serves it).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from archive_viewer.identifiers import DEFAULT_DIGITS, MAX_DIGITS, NodeId, build, parse
from archive_viewer.store.errors import ArchiveError

#: Tree kinds an identifier can resolve to (statements are shown within their item).
NODE_KINDS = ("meeting", "section", "item", "statement")


class UnknownIdentifier(ArchiveError):
    """The identifier names nothing in this archive, or more than one thing."""


@dataclass(frozen=True)
class ResolvedNode:
    kind: str  # 'meeting' | 'section' | 'item' | 'statement'
    id: int  # the row id in that kind's table
    meeting_id: int
    section_id: int | None = None
    item_id: int | None = None

    @property
    def tree_node(self) -> tuple[str, int]:
        """The tree node that shows it: a statement is shown by its item."""
        if self.kind == "statement":
            assert self.item_id is not None
            return "item", self.item_id
        return self.kind, self.id


def _sha_range(prefix: str) -> tuple[str, str]:
    # Every hash starting with ``prefix`` sorts from prefix to prefix + "g" ("g" follows "f").
    return prefix, prefix + "g"


def resolve(conn: sqlite3.Connection, identifier: str | NodeId) -> ResolvedNode:
    """The node an identifier names; :class:`UnknownIdentifier` (a sentence) when there is none
    or the hex digits fit several documents, :class:`BadIdentifier` for text that is none."""
    node = parse(identifier) if isinstance(identifier, str) else identifier
    documents = conn.execute(
        "SELECT m.id FROM documents AS d JOIN meetings AS m ON m.document_id = d.id "
        "WHERE d.sha256 >= ? AND d.sha256 < ? LIMIT 2", _sha_range(node.document)).fetchall()
    if not documents:
        raise UnknownIdentifier(f"{node} is not in this archive: no document here has a "
                                f"sha256 beginning with {node.document}. It may be in another "
                                "archive, or its document may have changed since the "
                                "identifier was copied.")
    if len(documents) > 1:
        raise UnknownIdentifier(f"{node} fits more than one document of this archive; "
                                "give more hex digits of the document's sha256.")
    meeting_id = int(documents[0][0])
    if node.section is None:
        return ResolvedNode("meeting", meeting_id, meeting_id)
    row = conn.execute("SELECT id FROM sections WHERE meeting_id = ? AND ordinal = ?",
                       (meeting_id, node.section)).fetchone()
    if row is None:
        raise _missing(node, f"its meeting has no section {node.section}")
    section_id = int(row[0])
    if node.item is None:
        return ResolvedNode("section", section_id, meeting_id, section_id)
    row = conn.execute("SELECT id FROM items WHERE section_id = ? AND ordinal = ?",
                       (section_id, node.item)).fetchone()
    if row is None:
        raise _missing(node, f"section {node.section} has no item {node.item}")
    item_id = int(row[0])
    if node.statement is None:
        return ResolvedNode("item", item_id, meeting_id, section_id, item_id)
    row = conn.execute("SELECT id FROM statements WHERE item_id = ? AND ordinal = ?",
                       (item_id, node.statement)).fetchone()
    if row is None:
        raise _missing(node, f"item {node.item} has no statement {node.statement}")
    return ResolvedNode("statement", int(row[0]), meeting_id, section_id, item_id)


def _missing(node: NodeId, why: str) -> UnknownIdentifier:
    return UnknownIdentifier(f"{node} is not in this archive: {why}.")


_POSITIONS = {
    "meeting": """
        SELECT d.sha256, NULL, NULL, NULL FROM meetings AS m
        JOIN documents AS d ON d.id = m.document_id WHERE m.id = ?""",
    "section": """
        SELECT d.sha256, sec.ordinal, NULL, NULL FROM sections AS sec
        JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN documents AS d ON d.id = m.document_id WHERE sec.id = ?""",
    "item": """
        SELECT d.sha256, sec.ordinal, it.ordinal, NULL FROM items AS it
        JOIN sections AS sec ON sec.id = it.section_id
        JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN documents AS d ON d.id = m.document_id WHERE it.id = ?""",
    "statement": """
        SELECT d.sha256, sec.ordinal, it.ordinal, s.ordinal FROM statements AS s
        JOIN items AS it ON it.id = s.item_id
        JOIN sections AS sec ON sec.id = it.section_id
        JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN documents AS d ON d.id = m.document_id WHERE s.id = ?""",
}


def identifier_for(conn: sqlite3.Connection, kind: str, row_id: int) -> NodeId | None:
    """The identifier of a meeting, section, item or statement by row id; None when gone."""
    if kind not in _POSITIONS:
        raise ValueError(f"kind must be one of {NODE_KINDS}, not {kind!r}")
    row = conn.execute(_POSITIONS[kind], (row_id,)).fetchone()
    if row is None:
        return None
    sha256, section, item, statement = row
    return build(sha256, section, item, statement, digits=digits_for(conn, sha256))


def digits_for(conn: sqlite3.Connection, sha256: str) -> int:
    """How many hex digits tell this document from every other one in the archive."""
    digits = DEFAULT_DIGITS
    while digits < MAX_DIGITS:
        others = conn.execute("SELECT count(*) FROM documents WHERE sha256 >= ? AND sha256 < ?",
                              _sha_range(sha256[:digits])).fetchone()[0]
        if others <= 1:
            break
        digits += 4
    return min(digits, MAX_DIGITS)


def shared_prefixes(conn: sqlite3.Connection) -> dict[str, int]:
    """For exports of many identifiers: the documents (by sha256) that need more than 12 digits,
    with their digits; one pass over the sha256 index, and almost always empty."""
    clashing = conn.execute(
        "SELECT sha256 FROM documents WHERE substr(sha256, 1, ?) IN ("
        "SELECT substr(sha256, 1, ?) FROM documents GROUP BY 1 HAVING count(*) > 1)",
        (DEFAULT_DIGITS, DEFAULT_DIGITS)).fetchall()
    return {sha: digits_for(conn, sha) for sha, in clashing}


def prefix_of(sha256: str, shared: dict[str, int]) -> str:
    """The hex digits of a document's identifiers, given :func:`shared_prefixes`."""
    return sha256[:shared.get(sha256, DEFAULT_DIGITS)]


def identifiers_of_meeting(conn: sqlite3.Connection, meeting_id: int) -> Iterable[str]:
    """Every identifier of a meeting: itself, its sections, items and statements."""
    meeting = identifier_for(conn, "meeting", meeting_id)
    if meeting is None:
        return []
    doc = meeting.document
    out = [str(meeting)]
    for (section,) in conn.execute(
            "SELECT ordinal FROM sections WHERE meeting_id = ? ORDER BY ordinal", (meeting_id,)):
        out.append(str(NodeId(doc, section)))
    for section, item in conn.execute(
            "SELECT sec.ordinal, it.ordinal FROM items AS it JOIN sections AS sec "
            "ON sec.id = it.section_id WHERE sec.meeting_id = ? ORDER BY 1, 2", (meeting_id,)):
        out.append(str(NodeId(doc, section, item)))
    for section, item, statement in conn.execute(
            "SELECT sec.ordinal, it.ordinal, s.ordinal FROM statements AS s "
            "JOIN items AS it ON it.id = s.item_id JOIN sections AS sec ON sec.id = it.section_id "
            "WHERE s.meeting_id = ? ORDER BY 1, 2, 3", (meeting_id,)):
        out.append(str(NodeId(doc, section, item, statement)))
    return out
