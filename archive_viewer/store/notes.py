"""The user's notes and tags on meetings, sections, items and statements. No Qt.

A note or tag is attached to a *node*, named as an identifier names it (the document's whole
sha256 and the positions below it: :class:`NodeRef`), never by row id; so it survives deleting
and importing the document again, and travels in bundles. When a changed document replaces
one from the same file (:func:`carry_over`), a node whose position the new text still has moves
to it; the rest stay with the old document's hash, *unattached*, and are listed by
:func:`unattached` (never silently dropped). db/*_research_notes.sql holds the tables, and
the views that resolve nodes to the rows holding them now.

Every write function is one user action and runs in one transaction of its own. Reads:
:func:`annotations_for` (any identifiers, for any view), :func:`meeting_annotations` (the
detail pane), :func:`tags`, :func:`all_notes`, :func:`unattached`.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from archive_viewer.identifiers import BadIdentifier, NodeId, parse
from archive_viewer.store.errors import ArchiveError
from archive_viewer.store.saved_searches import rename_tag_in_searches
from archive_viewer.store.transactions import write_transaction

#: How many characters of a node's text are kept as its snapshot.
SNAPSHOT_CHARS = 2000


class NotesError(ArchiveError):
    """A note or tag cannot be written as asked; the message says why, for the user."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- nodes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NodeRef:
    """A meeting, section, item or statement by its document's whole sha256 and positions
    (0: the node stops above), as user data names it."""

    sha256: str
    section: int = 0
    item: int = 0
    statement: int = 0

    @property
    def kind(self) -> str:
        if self.statement:
            return "statement"
        if self.item:
            return "item"
        return "section" if self.section else "meeting"

    @property
    def node_id(self) -> NodeId:
        return NodeId(self.sha256, self.section or None, self.item or None,
                      self.statement or None)

    @property
    def identifier(self) -> str:
        """The identifier with all 64 digits: unambiguous in any archive."""
        return str(self.node_id)

    def short(self, digits: int = 12) -> str:
        """The identifier as shown (12 digits unless the archive needs more)."""
        return str(NodeId(self.sha256[:digits], self.section or None, self.item or None,
                          self.statement or None))

    @classmethod
    def from_identifier(cls, text: str) -> NodeRef:
        """An identifier with all 64 digits (a bundle's); BadIdentifier otherwise."""
        node = parse(text)
        if len(node.document) != 64:
            raise BadIdentifier(f"{text!r} does not give the document's whole sha256")
        return cls(node.document, node.section or 0, node.item or 0, node.statement or 0)


_ROW_POSITIONS = {
    "meeting": """
        SELECT d.sha256, 0, 0, 0, m.title, m.title, m.held_on, NULL, NULL
        FROM meetings AS m JOIN documents AS d ON d.id = m.document_id WHERE m.id = ?""",
    "section": """
        SELECT d.sha256, sec.ordinal, 0, 0, trim(ifnull(sec.number || '. ', '')
               || ifnull(sec.title, '')), m.title, m.held_on,
               trim(ifnull(sec.number || '. ', '') || ifnull(sec.title, '')), NULL
        FROM sections AS sec JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN documents AS d ON d.id = m.document_id WHERE sec.id = ?""",
    "item": """
        SELECT d.sha256, sec.ordinal, it.ordinal, 0, it.text, m.title, m.held_on,
               trim(ifnull(sec.number || '. ', '') || ifnull(sec.title, '')), it.label
        FROM items AS it JOIN sections AS sec ON sec.id = it.section_id
        JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN documents AS d ON d.id = m.document_id WHERE it.id = ?""",
    "statement": """
        SELECT d.sha256, sec.ordinal, it.ordinal, s.ordinal, s.text, m.title, m.held_on,
               trim(ifnull(sec.number || '. ', '') || ifnull(sec.title, '')), it.label
        FROM statements AS s JOIN items AS it ON it.id = s.item_id
        JOIN sections AS sec ON sec.id = it.section_id
        JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN documents AS d ON d.id = m.document_id WHERE s.id = ?""",
}


@dataclass(frozen=True)
class RowNode:
    """A node of the archive as it is now: its reference, text and where it is."""

    ref: NodeRef
    snapshot: str
    context: str


def row_node(conn: sqlite3.Connection, kind: str, row_id: int) -> RowNode:
    """The node of a meeting, section, item or statement row; NotesError when it is gone."""
    if kind not in _ROW_POSITIONS:
        raise ValueError(f"kind must be one of {tuple(_ROW_POSITIONS)}, not {kind!r}")
    row = conn.execute(_ROW_POSITIONS[kind], (row_id,)).fetchone()
    if row is None:
        raise NotesError(f"That {kind} is no longer in the archive.")
    sha256, section, item, statement, text, title, held_on, heading, label = row
    where = [f"{title} ({held_on})" if held_on else title]
    if heading:
        where.append(heading)
    if label and kind == "statement":
        where.append(label)
    return RowNode(NodeRef(sha256, section, item, statement), (text or "")[:SNAPSHOT_CHARS],
                   " › ".join(where))


def _node_row(conn: sqlite3.Connection, ref: NodeRef) -> int | None:
    row = conn.execute(
        "SELECT id FROM user_nodes WHERE document_sha256 = ? AND section = ? AND item = ? "
        "AND statement = ?", (ref.sha256, ref.section, ref.item, ref.statement)).fetchone()
    return int(row[0]) if row else None


def _ensure_node(conn: sqlite3.Connection, ref: NodeRef, snapshot: str | None = None,
                 context: str | None = None, created_at: str | None = None) -> int:
    """The user_nodes row of ``ref``, made on first use with its text as the archive has it
    now (or as given: a bundle's, an undo's)."""
    found = _node_row(conn, ref)
    if found is not None:
        return found
    if snapshot is None or context is None:
        current = _current_text(conn, ref)
        snapshot = current.snapshot if snapshot is None and current else (snapshot or "")
        context = current.context if context is None and current else (context or "")
    cursor = conn.execute(
        "INSERT INTO user_nodes (document_sha256, section, item, statement, snapshot, context, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ref.sha256, ref.section, ref.item, ref.statement, snapshot[:SNAPSHOT_CHARS], context,
         created_at or now()))
    return int(cursor.lastrowid)  # type: ignore[arg-type]


def _current_text(conn: sqlite3.Connection, ref: NodeRef) -> RowNode | None:
    located = _locate(conn, ref)
    return row_node(conn, ref.kind, located) if located is not None else None


def _locate(conn: sqlite3.Connection, ref: NodeRef) -> int | None:
    """The row id holding ``ref`` now, or None."""
    row = conn.execute(f"""
        SELECT {_ROW_OF[ref.kind]} FROM documents AS d
        JOIN meetings AS m ON m.document_id = d.id
        LEFT JOIN sections AS sec ON sec.meeting_id = m.id AND sec.ordinal = :s
        LEFT JOIN items AS it ON it.section_id = sec.id AND it.ordinal = :i
        LEFT JOIN statements AS st ON st.item_id = it.id AND st.ordinal = :p
        WHERE d.sha256 = :sha""", {"sha": ref.sha256, "s": ref.section, "i": ref.item,
                                   "p": ref.statement}).fetchone()
    return int(row[0]) if row and row[0] is not None else None


_ROW_OF = {"meeting": "m.id", "section": "sec.id", "item": "it.id", "statement": "st.id"}


def _drop_if_bare(conn: sqlite3.Connection, node_id: int) -> None:
    """A node with no note and no tag left is forgotten."""
    conn.execute(
        "DELETE FROM user_nodes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM user_notes "
        "WHERE node_id = ?) AND NOT EXISTS (SELECT 1 FROM user_node_tags WHERE node_id = ?)",
        (node_id, node_id, node_id))


def _resolve(conn: sqlite3.Connection, where: str, params: tuple = ()) -> list[tuple]:
    """(node id, kind, row id, meeting id) of the nodes matching ``where`` (on user_nodes
    ``n``) that are in the archive now; the query of the user_node_rows view, narrowed first."""
    return conn.execute(f"""
        SELECT r.node_id, r.kind, coalesce(r.statement_id, r.item_id, r.section_id, r.meeting_id),
               r.meeting_id
        FROM user_node_rows AS r WHERE r.node_id IN (SELECT n.id FROM user_nodes AS n
                                                     WHERE {where})""", params).fetchall()


# -- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Note:
    id: int
    body: str
    created_at: str
    edited_at: str | None = None


@dataclass(frozen=True)
class Tag:
    id: int
    name: str
    uses: int = 0  # how many nodes carry it


@dataclass(frozen=True)
class NodeAnnotations:
    """Everything the user added to one node."""

    ref: NodeRef
    notes: tuple[Note, ...]
    tags: tuple[Tag, ...]  # by name
    snapshot: str  # the node's text when first annotated
    context: str  # where it was then

    @property
    def identifier(self) -> str:
        return self.ref.identifier

    @property
    def tag_names(self) -> tuple[str, ...]:
        return tuple(tag.name for tag in self.tags)


def _annotations(conn: sqlite3.Connection, node_ids: list[int]) -> dict[int, NodeAnnotations]:
    """The notes and tags of these user_nodes rows, by node id."""
    if not node_ids:
        return {}
    ids = json.dumps(sorted(set(node_ids)))
    notes: dict[int, list[Note]] = {}
    for node_id, *note in conn.execute(
            "SELECT node_id, id, body, created_at, edited_at FROM user_notes "
            "WHERE node_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id", (ids,)):
        notes.setdefault(node_id, []).append(Note(*note))
    tags: dict[int, list[Tag]] = {}
    for node_id, tag_id, name in conn.execute(
            "SELECT l.node_id, t.id, t.name FROM user_node_tags AS l "
            "JOIN user_tags AS t ON t.id = l.tag_id "
            "WHERE l.node_id IN (SELECT value FROM json_each(?))", (ids,)):
        tags.setdefault(node_id, []).append(Tag(tag_id, name))
    out = {}
    for node_id, sha, section, item, statement, snapshot, context in conn.execute(
            "SELECT id, document_sha256, section, item, statement, snapshot, context "
            "FROM user_nodes WHERE id IN (SELECT value FROM json_each(?))", (ids,)):
        out[node_id] = NodeAnnotations(
            NodeRef(sha, section, item, statement), tuple(notes.get(node_id, ())),
            tuple(sorted(tags.get(node_id, ()), key=lambda t: t.name.casefold())),
            snapshot, context)
    return out


def annotations_for(conn: sqlite3.Connection, identifiers: Iterable[str]
                    ) -> dict[str, NodeAnnotations]:
    """The notes and tags of the nodes these identifiers name (12 to 64 digits, as the app
    writes them), keyed by the identifier as given; identifiers of nodes without any are left
    out, and so is text that is no identifier. For any view (a timeline, an export): one pass
    over the user's nodes, however many identifiers are asked about."""
    by_prefix: dict[tuple[str, int, int, int], list[tuple[str, int]]] = {}
    for node_id, sha, section, item, statement in conn.execute(
            "SELECT id, document_sha256, section, item, statement FROM user_nodes"):
        by_prefix.setdefault((sha[:12], section, item, statement), []).append((sha, node_id))
    wanted: dict[str, int] = {}
    for text in identifiers:
        try:
            node = parse(text)
        except BadIdentifier:
            continue
        key = (node.document[:12], node.section or 0, node.item or 0, node.statement or 0)
        found = [node_id for sha, node_id in by_prefix.get(key, ())
                 if sha.startswith(node.document)]
        if len(found) == 1:  # several documents share the digits: it names none of them
            wanted[text] = found[0]
    annotations = _annotations(conn, list(wanted.values()))
    return {text: annotations[node_id] for text, node_id in wanted.items()
            if node_id in annotations}


def meeting_annotations(conn: sqlite3.Connection, meeting_id: int
                        ) -> dict[tuple[str, int], NodeAnnotations]:
    """The notes and tags on a meeting and everything in it, by (kind, row id): what the
    detail pane shows beside the meeting, its sections, items and statements."""
    rows = _resolve(conn, "n.document_sha256 = (SELECT d.sha256 FROM meetings AS m "
                          "JOIN documents AS d ON d.id = m.document_id WHERE m.id = ?)",
                    (meeting_id,))
    annotations = _annotations(conn, [row[0] for row in rows])
    return {(kind, row_id): annotations[node_id]
            for node_id, kind, row_id, _meeting in rows if node_id in annotations}


def node_annotations(conn: sqlite3.Connection, kind: str, row_id: int) -> NodeAnnotations | None:
    """The notes and tags of one meeting, section, item or statement row (None: none)."""
    node = _node_row(conn, row_node(conn, kind, row_id).ref)
    return _annotations(conn, [node]).get(node) if node is not None else None


def tags(conn: sqlite3.Connection) -> list[Tag]:
    """The user's tag vocabulary, by name, with how many nodes carry each."""
    return [Tag(*row) for row in conn.execute(
        "SELECT t.id, t.name, (SELECT count(*) FROM user_node_tags WHERE tag_id = t.id) "
        "FROM user_tags AS t ORDER BY t.name COLLATE NOCASE, t.id")]


@dataclass(frozen=True)
class NoteListing:
    """A note with where it is, for the list of every note."""

    note: Note
    ref: NodeRef
    context: str
    snapshot: str
    kind: str | None = None  # the row holding the node now; None when it is unattached
    row_id: int | None = None
    meeting_id: int | None = None

    @property
    def attached(self) -> bool:
        return self.row_id is not None


def all_notes(conn: sqlite3.Connection, text: str = "") -> list[NoteListing]:
    """Every note, newest first, or those holding the words of ``text`` (literally, as the
    sidebar's note search takes them), with the row each is on now."""
    from archive_viewer.store.filter_sql import LIKE_ESCAPE, note_patterns

    patterns = note_patterns(text)
    where = " AND ".join(f"body LIKE ? ESCAPE '{LIKE_ESCAPE}'" for _ in patterns) or "1"
    rows = conn.execute(f"""
        SELECT n.id, n.body, n.created_at, n.edited_at, u.id, u.document_sha256, u.section,
               u.item, u.statement, u.context, u.snapshot
        FROM user_notes AS n JOIN user_nodes AS u ON u.id = n.node_id
        WHERE {where} ORDER BY coalesce(n.edited_at, n.created_at) DESC, n.id DESC""",
                        patterns).fetchall()
    where_now = {node_id: (kind, row_id, meeting) for node_id, kind, row_id, meeting in
                 _resolve(conn, "n.id IN (SELECT node_id FROM user_notes)")}
    return [NoteListing(Note(*row[:4]), NodeRef(*row[5:9]), row[9], row[10],
                        *where_now.get(row[4], (None, None, None)))
            for row in rows]


@dataclass(frozen=True)
class Unattached:
    """A node whose notes and tags the archive holds but whose record it does not: its
    document was deleted, or replaced by a changed one without this position."""

    annotations: NodeAnnotations
    #: The document is here but not the position (a parser that divides it otherwise); else
    #: the document is not in the archive (deleted, or replaced by a changed version).
    document_present: bool

    @property
    def why(self) -> str:
        if self.document_present:
            return "its document no longer has this part"
        return "its document is not in the archive (deleted, or replaced by a changed version)"


def unattached(conn: sqlite3.Connection) -> list[Unattached]:
    """Every annotated node not in the archive now, newest first: listed so that nothing the
    user wrote is ever lost from sight (the window lists them; they travel in bundles)."""
    rows = conn.execute("""
        SELECT n.id, EXISTS (SELECT 1 FROM documents AS d WHERE d.sha256 = n.document_sha256)
        FROM user_nodes AS n
        WHERE n.id NOT IN (SELECT node_id FROM user_node_rows)
        ORDER BY n.created_at DESC, n.id DESC""").fetchall()
    annotations = _annotations(conn, [row[0] for row in rows])
    return [Unattached(annotations[node_id], document_present=bool(present))
            for node_id, present in rows if node_id in annotations]


def unattached_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM user_nodes WHERE id NOT IN "
                            "(SELECT node_id FROM user_node_rows)").fetchone()[0])


def changed_text(conn: sqlite3.Connection, kind: str, row_id: int,
                 annotations: NodeAnnotations) -> bool:
    """Whether the node reads differently now from when it was annotated (carried over to a
    changed document)."""
    try:
        current = row_node(conn, kind, row_id)
    except NotesError:
        return False
    return bool(annotations.snapshot) and current.snapshot != annotations.snapshot


# -- writing: notes ----------------------------------------------------------------------------

def _clean_body(body: str) -> str:
    body = body.replace("\0", "").strip()  # LIKE, and much else, stops reading at a NUL
    if not body:
        raise NotesError("A note needs some text.")
    return body


@dataclass(frozen=True)
class NoteRecord:
    """A note as written, with its node: what undoing its deletion writes back."""

    note: Note
    ref: NodeRef
    snapshot: str
    context: str


def add_note(conn: sqlite3.Connection, node: RowNode | NodeRef, body: str, *,
             note_id: int | None = None, created_at: str | None = None,
             edited_at: str | None = None, snapshot: str | None = None,
             context: str | None = None) -> Note:
    """Write a new note on a node (``note_id`` and the times: to write one back as it was)."""
    body = _clean_body(body)
    ref = node.ref if isinstance(node, RowNode) else node
    if isinstance(node, RowNode):
        snapshot, context = node.snapshot, node.context
    with write_transaction(conn):
        node_row = _ensure_node(conn, ref, snapshot, context)
        cursor = conn.execute(
            "INSERT INTO user_notes (id, node_id, body, created_at, edited_at) "
            "VALUES (?, ?, ?, ?, ?)", (note_id, node_row, body, created_at or now(), edited_at))
        new_id = int(cursor.lastrowid)  # type: ignore[arg-type]
        return _note(conn, new_id)


def _note(conn: sqlite3.Connection, note_id: int) -> Note:
    row = conn.execute("SELECT id, body, created_at, edited_at FROM user_notes WHERE id = ?",
                       (note_id,)).fetchone()
    if row is None:
        raise NotesError("That note is no longer in the archive.")
    return Note(*row)


def note_record(conn: sqlite3.Connection, note_id: int) -> NoteRecord:
    row = conn.execute(
        "SELECT n.id, n.body, n.created_at, n.edited_at, u.document_sha256, u.section, u.item, "
        "u.statement, u.snapshot, u.context FROM user_notes AS n "
        "JOIN user_nodes AS u ON u.id = n.node_id WHERE n.id = ?", (note_id,)).fetchone()
    if row is None:
        raise NotesError("That note is no longer in the archive.")
    return NoteRecord(Note(*row[:4]), NodeRef(*row[4:8]), row[8], row[9])


def edit_note(conn: sqlite3.Connection, note_id: int, body: str, *,
              edited_at: str | None = "now") -> Note:
    """Replace a note's text; ``edited_at`` None writes back a note never edited (an undo)."""
    body = _clean_body(body)
    with write_transaction(conn):
        stamp = now() if edited_at == "now" else edited_at
        changed = conn.execute("UPDATE user_notes SET body = ?, edited_at = ? WHERE id = ?",
                               (body, stamp, note_id)).rowcount
        if not changed:
            raise NotesError("That note is no longer in the archive.")
        return _note(conn, note_id)


def delete_note(conn: sqlite3.Connection, note_id: int) -> NoteRecord:
    """Delete a note; return it as it was (for an undo)."""
    with write_transaction(conn):
        record = note_record(conn, note_id)
        node_row = _node_row(conn, record.ref)
        conn.execute("DELETE FROM user_notes WHERE id = ?", (note_id,))
        if node_row is not None:
            _drop_if_bare(conn, node_row)
        return record


# -- writing: tags -----------------------------------------------------------------------------

def clean_tag_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise NotesError("A tag needs a name.")
    if len(name) > 80:
        raise NotesError("A tag name can be at most 80 characters long.")
    return name


def tag_by_name(conn: sqlite3.Connection, name: str) -> Tag | None:
    row = conn.execute("SELECT id, name FROM user_tags WHERE name = ? COLLATE NOCASE",
                       (" ".join(name.split()),)).fetchone()
    return Tag(*row) if row else None


@dataclass(frozen=True)
class Tagging:
    tag: Tag
    created_tag: bool  # the tag was new to the vocabulary
    added: bool  # the node did not carry it yet


def add_tag(conn: sqlite3.Connection, node: RowNode | NodeRef, name: str, *,
            tag_id: int | None = None, snapshot: str | None = None,
            context: str | None = None) -> Tagging:
    """Put a tag on a node, making the tag when the vocabulary has none of that name
    (``tag_id``: the id it is made with, to write back one an undo removed)."""
    name = clean_tag_name(name)
    ref = node.ref if isinstance(node, RowNode) else node
    if isinstance(node, RowNode):
        snapshot, context = node.snapshot, node.context
    with write_transaction(conn):
        tag = tag_by_name(conn, name)
        created = tag is None
        if tag is None:
            cursor = conn.execute("INSERT INTO user_tags (id, name, created_at) VALUES (?, ?, ?)",
                                  (tag_id, name, now()))
            tag = Tag(int(cursor.lastrowid), name)  # type: ignore[arg-type]
        node_row = _ensure_node(conn, ref, snapshot, context)
        added = conn.execute(
            "INSERT OR IGNORE INTO user_node_tags (node_id, tag_id, tagged_at) VALUES (?, ?, ?)",
            (node_row, tag.id, now())).rowcount > 0
        return Tagging(tag, created, added)


def remove_tag(conn: sqlite3.Connection, ref: NodeRef, tag_id: int, *,
               drop_tag: bool = False) -> bool:
    """Take a tag off a node (and, with ``drop_tag``, out of the vocabulary when nothing else
    carries it: undoing a tagging that made the tag); whether the node carried it."""
    with write_transaction(conn):
        node_row = _node_row(conn, ref)
        removed = node_row is not None and conn.execute(
            "DELETE FROM user_node_tags WHERE node_id = ? AND tag_id = ?",
            (node_row, tag_id)).rowcount > 0
        if node_row is not None:
            _drop_if_bare(conn, node_row)
        if drop_tag:
            conn.execute("DELETE FROM user_tags WHERE id = ? AND NOT EXISTS "
                         "(SELECT 1 FROM user_node_tags WHERE tag_id = ?)", (tag_id, tag_id))
        return removed


@dataclass(frozen=True)
class TagChange:
    """What :func:`change_tags` did: what undoing it gives back."""

    added: tuple[Tag, ...]  # tags the node did not carry before
    created: tuple[Tag, ...]  # of those, the ones new to the vocabulary
    removed: tuple[Tag, ...]  # tags the node carried and no longer does


def change_tags(conn: sqlite3.Connection, node: RowNode | NodeRef, add: Iterable[str] = (),
                remove: Iterable[int] = (), *, drop_tags: Iterable[int] = (),
                ids: dict[str, int] | None = None, snapshot: str | None = None,
                context: str | None = None) -> TagChange:
    """Put tags (by name, made when new) on a node and take others (by id) off, in one
    transaction: what the Tag dialog's OK does. ``drop_tags``: tags to delete from the
    vocabulary too when nothing carries them any more (undoing their creation); ``ids``:
    the ids new tags get (redoing it)."""
    ref = node.ref if isinstance(node, RowNode) else node
    if isinstance(node, RowNode):
        snapshot, context = node.snapshot, node.context
    names = list(dict.fromkeys(clean_tag_name(name) for name in add))
    added: list[Tag] = []
    created: list[Tag] = []
    removed: list[Tag] = []
    with write_transaction(conn):
        node_row = _ensure_node(conn, ref, snapshot, context)
        for name in names:
            tag = tag_by_name(conn, name)
            if tag is None:
                cursor = conn.execute(
                    "INSERT INTO user_tags (id, name, created_at) VALUES (?, ?, ?)",
                    ((ids or {}).get(name.casefold()), name, now()))
                tag = Tag(int(cursor.lastrowid), name)  # type: ignore[arg-type]
                created.append(tag)
            if conn.execute("INSERT OR IGNORE INTO user_node_tags (node_id, tag_id, tagged_at) "
                            "VALUES (?, ?, ?)", (node_row, tag.id, now())).rowcount:
                added.append(tag)
        for tag_id in dict.fromkeys(remove):
            row = conn.execute("SELECT id, name FROM user_tags WHERE id = ?", (tag_id,)).fetchone()
            if row and conn.execute("DELETE FROM user_node_tags WHERE node_id = ? AND tag_id = ?",
                                    (node_row, tag_id)).rowcount:
                removed.append(Tag(*row))
        for tag_id in drop_tags:
            conn.execute("DELETE FROM user_tags WHERE id = ? AND NOT EXISTS "
                         "(SELECT 1 FROM user_node_tags WHERE tag_id = ?)", (tag_id, tag_id))
        _drop_if_bare(conn, node_row)
    return TagChange(tuple(added), tuple(created), tuple(removed))


def create_tag(conn: sqlite3.Connection, name: str) -> Tag:
    name = clean_tag_name(name)
    with write_transaction(conn):
        if tag_by_name(conn, name) is not None:
            raise NotesError(f"There is a tag “{name}” already.")
        cursor = conn.execute("INSERT INTO user_tags (name, created_at) VALUES (?, ?)",
                              (name, now()))
        return Tag(int(cursor.lastrowid), name)  # type: ignore[arg-type]


def rename_tag(conn: sqlite3.Connection, tag_id: int, name: str) -> Tag:
    """Rename a tag everywhere, saved searches that name it included; returns it as it was."""
    name = clean_tag_name(name)
    with write_transaction(conn):
        row = conn.execute("SELECT id, name FROM user_tags WHERE id = ?", (tag_id,)).fetchone()
        if row is None:
            raise NotesError("That tag is no longer in the archive.")
        other = tag_by_name(conn, name)
        if other is not None and other.id != tag_id:
            raise NotesError(f"There is a tag “{other.name}” already; choose another name.")
        conn.execute("UPDATE user_tags SET name = ? WHERE id = ?", (name, tag_id))
        rename_tag_in_searches(conn, row[1], name)
        return Tag(*row)


@dataclass(frozen=True)
class DeletedTag:
    """A tag deleted with the nodes that carried it: what undoing the deletion writes back."""

    tag: Tag
    created_at: str
    nodes: tuple[tuple[NodeRef, str, str, str], ...]  # (node, tagged_at, snapshot, context)


def delete_tag(conn: sqlite3.Connection, tag_id: int) -> DeletedTag:
    """Delete a tag from the vocabulary and from every node."""
    with write_transaction(conn):
        row = conn.execute("SELECT id, name, created_at FROM user_tags WHERE id = ?",
                           (tag_id,)).fetchone()
        if row is None:
            raise NotesError("That tag is no longer in the archive.")
        nodes = conn.execute(
            "SELECT u.id, u.document_sha256, u.section, u.item, u.statement, l.tagged_at, "
            "u.snapshot, u.context FROM user_node_tags AS l "
            "JOIN user_nodes AS u ON u.id = l.node_id WHERE l.tag_id = ?", (tag_id,)).fetchall()
        conn.execute("DELETE FROM user_tags WHERE id = ?", (tag_id,))  # cascades to the links
        for node in nodes:
            _drop_if_bare(conn, node[0])
        return DeletedTag(Tag(row[0], row[1], len(nodes)), row[2],
                          tuple((NodeRef(*n[1:5]), n[5], n[6], n[7]) for n in nodes))


def restore_tag(conn: sqlite3.Connection, deleted: DeletedTag) -> Tag:
    """Write a deleted tag back, with its id, onto the nodes that carried it."""
    with write_transaction(conn):
        if tag_by_name(conn, deleted.tag.name) is not None:
            raise NotesError(f"There is a tag “{deleted.tag.name}” again; it was not restored.")
        conn.execute("INSERT INTO user_tags (id, name, created_at) VALUES (?, ?, ?)",
                     (deleted.tag.id, deleted.tag.name, deleted.created_at))
        for ref, tagged_at, snapshot, context in deleted.nodes:
            node_row = _ensure_node(conn, ref, snapshot, context)
            conn.execute("INSERT OR IGNORE INTO user_node_tags (node_id, tag_id, tagged_at) "
                         "VALUES (?, ?, ?)", (node_row, deleted.tag.id, tagged_at))
        return deleted.tag


# -- documents replaced ------------------------------------------------------------------------

def carry_over(conn: sqlite3.Connection, old_sha256: str, new_sha256: str) -> int:
    """A changed document replaced the one with ``old_sha256`` (same file): move the nodes
    whose position the new document also has onto it; return how many moved. The others stay
    with the old hash, unattached (:func:`unattached`). Call inside the import's transaction."""
    moved = 0
    for node_id, section, item, statement in conn.execute(
            "SELECT id, section, item, statement FROM user_nodes WHERE document_sha256 = ?",
            (old_sha256,)).fetchall():
        ref = NodeRef(new_sha256, section, item, statement)
        if _locate(conn, ref) is None:
            continue
        existing = _node_row(conn, ref)
        if existing is None:
            conn.execute("UPDATE user_nodes SET document_sha256 = ? WHERE id = ?",
                         (new_sha256, node_id))
        else:  # the new document's node has notes already (a bundle brought them): merge
            conn.execute("UPDATE user_notes SET node_id = ? WHERE node_id = ?",
                         (existing, node_id))
            conn.execute("INSERT OR IGNORE INTO user_node_tags (node_id, tag_id, tagged_at) "
                         "SELECT ?, tag_id, tagged_at FROM user_node_tags WHERE node_id = ?",
                         (existing, node_id))
            conn.execute("DELETE FROM user_node_tags WHERE node_id = ?", (node_id,))
            conn.execute("DELETE FROM user_nodes WHERE id = ?", (node_id,))
        moved += 1
    return moved


@dataclass(frozen=True)
class DeletedNode:
    """A node deleted with its notes and tags: what undoing the deletion writes back."""

    ref: NodeRef
    snapshot: str
    context: str
    created_at: str
    notes: tuple[Note, ...]
    tags: tuple[tuple[Tag, str], ...]  # (tag, tagged_at)


def delete_node(conn: sqlite3.Connection, ref: NodeRef) -> DeletedNode:
    """Delete the notes and tags of a node (the user's choice for one that is unattached)."""
    with write_transaction(conn):
        row = conn.execute(
            "SELECT id, snapshot, context, created_at FROM user_nodes WHERE document_sha256 = ? "
            "AND section = ? AND item = ? AND statement = ?",
            (ref.sha256, ref.section, ref.item, ref.statement)).fetchone()
        if row is None:
            raise NotesError("Those notes and tags are no longer in the archive.")
        node_row = row[0]
        deleted = DeletedNode(
            ref, row[1], row[2], row[3],
            tuple(Note(*n) for n in conn.execute(
                "SELECT id, body, created_at, edited_at FROM user_notes WHERE node_id = ? "
                "ORDER BY id", (node_row,))),
            tuple((Tag(t[0], t[1]), t[2]) for t in conn.execute(
                "SELECT t.id, t.name, l.tagged_at FROM user_node_tags AS l JOIN user_tags AS t "
                "ON t.id = l.tag_id WHERE l.node_id = ?", (node_row,))))
        conn.execute("DELETE FROM user_notes WHERE node_id = ?", (node_row,))
        conn.execute("DELETE FROM user_node_tags WHERE node_id = ?", (node_row,))
        conn.execute("DELETE FROM user_nodes WHERE id = ?", (node_row,))
        return deleted


def restore_node(conn: sqlite3.Connection, deleted: DeletedNode) -> None:
    """Write a deleted node back with its notes (their ids and times) and tags."""
    with write_transaction(conn):
        node_row = _ensure_node(conn, deleted.ref, deleted.snapshot, deleted.context,
                                deleted.created_at)
        for note in deleted.notes:
            conn.execute("INSERT INTO user_notes (id, node_id, body, created_at, edited_at) "
                         "VALUES (?, ?, ?, ?, ?)",
                         (note.id, node_row, note.body, note.created_at, note.edited_at))
        for tag, tagged_at in deleted.tags:
            found = tag_by_name(conn, tag.name)
            tag_id = found.id if found else int(conn.execute(
                "INSERT INTO user_tags (id, name, created_at) VALUES (?, ?, ?)",
                (None if conn.execute("SELECT 1 FROM user_tags WHERE id = ?",
                                      (tag.id,)).fetchone() else tag.id, tag.name, now())
            ).lastrowid)  # type: ignore[arg-type]
            conn.execute("INSERT OR IGNORE INTO user_node_tags (node_id, tag_id, tagged_at) "
                         "VALUES (?, ?, ?)", (node_row, tag_id, tagged_at))


def iter_nodes(conn: sqlite3.Connection) -> Iterator[NodeAnnotations]:
    """Every annotated node (attached or not), in the order they were made."""
    ids = [row[0] for row in conn.execute("SELECT id FROM user_nodes ORDER BY id")]
    annotations = _annotations(conn, ids)
    for node_id in ids:
        if node_id in annotations:
            yield annotations[node_id]
