"""The user's notes, tags and saved searches in bundles (``user_data``), losslessly. No Qt.

Two keys, registered when archive_viewer.data_out is imported (before any bundle is read or
written)::

    "notes_and_tags": {
      "tags": [{"name": "hardening", "created_at": "…"}],     the vocabulary, unused tags too
      "nodes": [{"node": "av:<all 64 digits>/s1/i3/p2",        attached or not
                 "snapshot": "…", "context": "…", "created_at": "…",
                 "notes": [{"body": "…", "created_at": "…", "edited_at": null}],
                 "tags": [{"name": "hardening", "tagged_at": "…"}]}]
    }
    "saved_searches": [{"name": "…", "filter": {"tags": ["hardening"], …},
                        "created_at": "…", "updated_at": "…", "opened_at": "…"}]

Importing merges into what the archive has: tags by name, nodes by identifier, a note that is
there already (same node, text and time) is not written twice, and a saved search of a name in
use comes in under "name (2)" unless it is the same search. Saved searches start with nothing
new: what they count as new is what arrives in this archive after the bundle.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from archive_viewer.data_out.bundle import UserData, register_user_data
from archive_viewer.identifiers import BadIdentifier
from archive_viewer.store import notes
from archive_viewer.store.saved_searches import MAX_NAME, latest_arrival

NOTES_KEY = "notes_and_tags"
SEARCHES_KEY = "saved_searches"


# -- notes and tags ----------------------------------------------------------------------------

def export_notes(conn: sqlite3.Connection) -> dict[str, Any] | None:
    tags = [{"name": name, "created_at": created_at} for name, created_at in conn.execute(
        "SELECT name, created_at FROM user_tags ORDER BY id")]
    notes_by_node: dict[int, list[dict[str, Any]]] = {}
    for node_id, body, created_at, edited_at in conn.execute(
            "SELECT node_id, body, created_at, edited_at FROM user_notes ORDER BY id"):
        notes_by_node.setdefault(node_id, []).append(
            {"body": body, "created_at": created_at, "edited_at": edited_at})
    tags_by_node: dict[int, list[dict[str, Any]]] = {}
    for node_id, name, tagged_at in conn.execute(
            "SELECT l.node_id, t.name, l.tagged_at FROM user_node_tags AS l "
            "JOIN user_tags AS t ON t.id = l.tag_id ORDER BY t.id"):
        tags_by_node.setdefault(node_id, []).append({"name": name, "tagged_at": tagged_at})
    nodes = [{"node": identifier, "snapshot": snapshot, "context": context,
              "created_at": created_at, "notes": notes_by_node.get(node_id, []),
              "tags": tags_by_node.get(node_id, [])}
             for node_id, identifier, snapshot, context, created_at in conn.execute(
                 "SELECT id, identifier, snapshot, context, created_at FROM user_nodes "
                 "ORDER BY id")]
    if not tags and not nodes:
        return None
    return {"tags": tags, "nodes": nodes}


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def load_notes(conn: sqlite3.Connection, value: Any) -> None:
    """Merge a bundle's notes and tags (inside the bundle import's last transaction);
    entries that are not what this format describes are skipped."""
    if not isinstance(value, dict):
        return
    tag_ids: dict[str, int] = {}

    def tag_id(name: str, created_at: str | None = None) -> int | None:
        try:
            name = notes.clean_tag_name(name)
        except notes.NotesError:
            return None
        if name.casefold() not in tag_ids:
            found = notes.tag_by_name(conn, name)
            if found is None:
                cursor = conn.execute("INSERT INTO user_tags (name, created_at) VALUES (?, ?)",
                                      (name, created_at or notes.now()))
                tag_ids[name.casefold()] = int(cursor.lastrowid)  # type: ignore[arg-type]
            else:
                tag_ids[name.casefold()] = found.id
        return tag_ids[name.casefold()]

    for tag in value.get("tags") or []:
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            tag_id(tag["name"], _text(tag.get("created_at")) or None)
    for node in value.get("nodes") or []:
        if not isinstance(node, dict):
            continue
        try:
            ref = notes.NodeRef.from_identifier(_text(node.get("node")))
        except BadIdentifier:
            continue
        node_row = notes._ensure_node(conn, ref, _text(node.get("snapshot")),
                                      _text(node.get("context")),
                                      _text(node.get("created_at")) or None)
        for note in node.get("notes") or []:
            body = _text(note.get("body")).strip() if isinstance(note, dict) else ""
            if not body:
                continue
            created_at = _text(note.get("created_at")) or notes.now()
            edited_at = note.get("edited_at") if isinstance(note.get("edited_at"), str) else None
            if conn.execute("SELECT 1 FROM user_notes WHERE node_id = ? AND body = ? AND "
                            "created_at = ?", (node_row, body, created_at)).fetchone() is None:
                conn.execute("INSERT INTO user_notes (node_id, body, created_at, edited_at) "
                             "VALUES (?, ?, ?, ?)", (node_row, body, created_at, edited_at))
        for tag in node.get("tags") or []:
            if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
                continue
            found = tag_id(tag["name"])
            if found is not None:
                conn.execute("INSERT OR IGNORE INTO user_node_tags (node_id, tag_id, tagged_at) "
                             "VALUES (?, ?, ?)",
                             (node_row, found, _text(tag.get("tagged_at")) or notes.now()))
        notes._drop_if_bare(conn, node_row)


# -- saved searches ----------------------------------------------------------------------------

def export_searches(conn: sqlite3.Connection) -> list[dict[str, Any]] | None:
    searches = [{"name": name, "filter": json.loads(text), "created_at": created_at,
                 "updated_at": updated_at, "opened_at": opened_at}
                for name, text, created_at, updated_at, opened_at in conn.execute(
                    "SELECT name, filter, created_at, updated_at, opened_at FROM saved_searches "
                    "ORDER BY id")]
    return searches or None


def load_searches(conn: sqlite3.Connection, value: Any) -> None:
    if not isinstance(value, list):
        return
    seen = latest_arrival(conn)
    for search in value:
        if not isinstance(search, dict) or not isinstance(search.get("filter"), dict):
            continue
        name = " ".join(_text(search.get("name")).split())[:MAX_NAME]
        if not name:
            continue
        text = json.dumps(search["filter"], ensure_ascii=False)
        candidate, number = name, 1
        while True:
            row = conn.execute("SELECT filter FROM saved_searches WHERE name = ? COLLATE NOCASE",
                               (candidate,)).fetchone()
            if row is None or json.loads(row[0]) == search["filter"]:
                break
            number += 1
            candidate = f"{name} ({number})"
        if row is not None:
            continue  # the same search is here already
        stamp = notes.now()
        conn.execute(
            "INSERT INTO saved_searches (name, filter, created_at, updated_at, opened_at, "
            "seen_arrival, marked_arrival) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (candidate, text, _text(search.get("created_at")) or stamp,
             _text(search.get("updated_at")) or stamp,
             search.get("opened_at") if isinstance(search.get("opened_at"), str) else None,
             seen, seen))


register_user_data(UserData(NOTES_KEY, export_notes, load_notes))
register_user_data(UserData(SEARCHES_KEY, export_searches, load_searches))
