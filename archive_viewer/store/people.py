"""People across documents: one row per person, found again by name key and country."""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata

from archive_viewer.ingest.model import Person

_TOKEN = re.compile(r"[^\W_]+")


def name_key(name: str) -> str:
    """The matching key of a name: lower-case, diacritics stripped, tokens sorted.

    "Koichiro Gemba", "GEMBA Koichiro" and "Kōichirō Gemba" all give "gemba koichiro";
    "Kim Sung-hwan" and "Sung-Hwan Kim" both give "hwan kim sung".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(sorted(_TOKEN.findall(plain)))


def find_or_create_person(conn: sqlite3.Connection, name: str, country: str | None,
                          aliases: list[str] | tuple[str, ...] = ()) -> int:
    """The id of the person ``name`` of ``country``, created on first sight.

    A person of unknown country is matched to the one person with that name key, if there is
    exactly one. New surface forms (``name`` itself when it differs from the canonical name, and
    ``aliases``) are added to the person's aliases.
    """
    key = name_key(name)
    row = conn.execute(
        "SELECT id, name, aliases FROM people WHERE name_key = ? AND country IS ?", (key, country)
    ).fetchone()
    if row is None and country is None:
        rows = conn.execute(
            "SELECT id, name, aliases FROM people WHERE name_key = ? LIMIT 2", (key,)
        ).fetchall()
        row = rows[0] if len(rows) == 1 else None
    if row is None and " " not in key and country is not None:
        # A family name alone ("Gemba", as in "Minister for Foreign Affairs Gemba") is the one
        # person of that country whose full name holds it, if there is exactly one.
        rows = conn.execute(
            "SELECT id, name, aliases FROM people WHERE country = ? AND "
            "(' ' || name_key || ' ') LIKE ? ESCAPE '\\' LIMIT 2",
            (country, "% " + _like_escape(key) + " %"),
        ).fetchall()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        new_aliases = _merge_aliases([], name, [name, *aliases])
        cursor = conn.execute(
            "INSERT INTO people (name, name_key, country, aliases) VALUES (?, ?, ?, ?)",
            (name, key, country, json.dumps(new_aliases, ensure_ascii=False)),
        )
        return int(cursor.lastrowid)  # type: ignore[arg-type]
    person_id, canonical, stored = row
    old_aliases = json.loads(stored)
    merged = _merge_aliases(old_aliases, canonical, [name, *aliases])
    if merged != old_aliases:
        conn.execute(
            "UPDATE people SET aliases = ? WHERE id = ?",
            (json.dumps(merged, ensure_ascii=False), person_id),
        )
    return int(person_id)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _merge_aliases(existing: list[str], canonical: str, forms: list[str]) -> list[str]:
    merged = list(existing)
    for form in forms:
        form = form.strip()
        if form and form != canonical and form not in merged:
            merged.append(form)
    return merged


def person_ids_for_meeting(conn: sqlite3.Connection, people: list[Person]) -> dict[str, int]:
    """Person ids for a meeting's participants, keyed by every name the document uses for them."""
    ids: dict[str, int] = {}
    for person in people:
        person_id = find_or_create_person(conn, person.name, person.country, person.aliases)
        ids.setdefault(person.name, person_id)
        for alias in person.aliases:
            ids.setdefault(alias, person_id)
    return ids


def delete_orphan_people(conn: sqlite3.Connection) -> None:
    """Remove people no meeting mentions any more (after a document was deleted or replaced)."""
    conn.execute(
        """
        DELETE FROM people
        WHERE NOT EXISTS (SELECT 1 FROM participants WHERE participants.person_id = people.id)
          AND NOT EXISTS (SELECT 1 FROM statements WHERE statements.speaker_id = people.id)
        """
    )
