"""People across documents: one row per person, found again by spelling and country.

A document's person is looked up, in this order, as (1) the row of the same name key and
country; (2) the person a researcher merged that spelling into (person_merges), whose row is
made again under the name they kept if it is gone; (3) the one person this exact spelling
named in another meeting (so a spelling merged automatically stays merged); (4) for an unknown
country, the one person of that name key; for a family name alone ("Gemba"), the one person of
that country whose name holds it. Steps 2 to 4 never give a person already named by another
participant of the same meeting: two people the document lists apart stay apart. Spellings
that are one person but match none of these end up as rows of their own and are merged by
:func:`archive_viewer.store.people_merge.merge_spellings` after the import.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from archive_viewer.ingest.model import Person
from archive_viewer.store.names import match_key

_TOKEN = re.compile(r"[^\W_]+")

_Row = tuple[int, str, str]  # id, name, aliases (JSON)


def name_key(name: str) -> str:
    """The matching key of a name: lower-case, diacritics stripped, tokens sorted.

    "Koichiro Gemba", "GEMBA Koichiro" and "Kōichirō Gemba" all give "gemba koichiro";
    "Kim Sung-hwan" and "Sung-Hwan Kim" both give "hwan kim sung".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(sorted(_TOKEN.findall(plain)))


def country_code(country: str | None) -> str:
    """A country as the spelling tables keep it: '' for unknown."""
    return country or ""


@dataclass
class Mentions:
    """The spellings one meeting uses for its people, written with the meeting."""

    rows: dict[tuple[int, str, str], tuple[str, list[str]]] = field(default_factory=dict)

    def add(self, person_id: int, name: str, country: str | None,
            aliases: Collection[str] = ()) -> None:
        key = (person_id, name_key(name), country_code(country))
        written, forms = self.rows.setdefault(key, (name, []))
        for alias in aliases:
            if alias != written and alias not in forms:
                forms.append(alias)

    def write(self, conn: sqlite3.Connection, meeting_id: int) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO person_mentions (meeting_id, person_id, name_key, country, "
            "name, aliases) VALUES (?, ?, ?, ?, ?, ?)",
            [(meeting_id, person_id, key, country, name, json.dumps(aliases, ensure_ascii=False))
             for (person_id, key, country), (name, aliases) in self.rows.items()])


def find_or_create_person(conn: sqlite3.Connection, name: str, country: str | None,
                          aliases: list[str] | tuple[str, ...] = (), *,
                          taken: Collection[int] = ()) -> int:
    """The id of the person ``name`` of ``country``, created on first sight (see the module
    docstring for how a person is found). ``taken``: the people other participants of the
    same meeting already are. New surface forms (``name`` itself when it differs from the
    canonical name, and ``aliases``) are added to the person's aliases.
    """
    key = name_key(name)
    row = conn.execute(
        "SELECT id, name, aliases FROM people WHERE name_key = ? AND country IS ?", (key, country)
    ).fetchone()
    if row is None:
        row = _merged_person(conn, key, country, taken)
    if row is None:
        row = _one(conn.execute(
            "SELECT DISTINCT p.id, p.name, p.aliases FROM person_mentions AS m "
            "JOIN people AS p ON p.id = m.person_id WHERE m.name_key = ? AND m.country = ? "
            "LIMIT 2", (key, country_code(country))).fetchall(), taken)
    if row is None and country is None:
        row = _one(conn.execute(
            "SELECT id, name, aliases FROM people WHERE name_key = ? LIMIT 2", (key,)
        ).fetchall(), taken)
    if row is None and " " not in key and country is not None:
        # A family name alone ("Gemba", as in "Minister for Foreign Affairs Gemba") is the one
        # person of that country whose full name holds it, if there is exactly one.
        row = _one(conn.execute(
            "SELECT id, name, aliases FROM people WHERE country = ? AND "
            "(' ' || name_key || ' ') LIKE ? ESCAPE '\\' LIMIT 2",
            (country, "% " + _like_escape(key) + " %"),
        ).fetchall(), taken)
    if row is None:
        return _create(conn, name, key, country, [name, *aliases])
    person_id, canonical, stored = row
    _add_aliases(conn, person_id, canonical, stored, [name, *aliases])
    return int(person_id)


def _one(rows: list[_Row], taken: Collection[int]) -> _Row | None:
    """The row when there is exactly one and it is not taken."""
    return rows[0] if len(rows) == 1 and rows[0][0] not in taken else None


def _merged_person(conn: sqlite3.Connection, key: str, country: str | None,
                   taken: Collection[int]) -> _Row | None:
    """The person a researcher merged the spelling into: the row of the spelling that stood
    for them, or else of any spelling merged with it; made again under the kept name if no
    such row is left. None when the spelling was never merged, or its person is taken."""
    target = conn.execute(
        "SELECT into_key, into_country, into_name FROM person_merges "
        "WHERE name_key = ? AND country = ?", (key, country_code(country))).fetchone()
    if target is None:
        return None
    into_key, into_country, into_name = target
    rows = conn.execute(
        """SELECT id, name, aliases FROM people WHERE name_key = :key AND country IS :country
           UNION ALL
           SELECT p.id, p.name, p.aliases FROM person_merges AS g
           JOIN people AS p ON p.name_key = g.name_key AND ifnull(p.country, '') = g.country
           WHERE g.into_key = :key AND g.into_country = :code""",
        {"key": into_key, "country": into_country or None, "code": into_country}).fetchall()
    if rows:
        return None if rows[0][0] in taken else rows[0]
    person_id = _create(conn, into_name, into_key, into_country or None, [into_name])
    return person_id, into_name, "[]"


def _create(conn: sqlite3.Connection, name: str, key: str, country: str | None,
            forms: list[str]) -> int:
    cursor = conn.execute(
        "INSERT INTO people (name, name_key, country, aliases, match_key) VALUES (?, ?, ?, ?, ?)",
        (name, key, country, json.dumps(_merge_aliases([], name, forms), ensure_ascii=False),
         match_key(name, country)),
    )
    return int(cursor.lastrowid)  # type: ignore[arg-type]


def _add_aliases(conn: sqlite3.Connection, person_id: int, canonical: str, stored: str,
                 forms: list[str]) -> None:
    old_aliases = json.loads(stored)
    merged = _merge_aliases(old_aliases, canonical, forms)
    if merged != old_aliases:
        conn.execute("UPDATE people SET aliases = ? WHERE id = ?",
                     (json.dumps(merged, ensure_ascii=False), person_id))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _merge_aliases(existing: list[str], canonical: str, forms: list[str]) -> list[str]:
    merged = list(existing)
    for form in forms:
        form = form.strip()
        if form and form != canonical and form not in merged:
            merged.append(form)
    return merged


def person_ids_for_meeting(conn: sqlite3.Connection, people: list[Person],
                           mentions: Mentions | None = None) -> dict[str, int]:
    """Person ids for a meeting's participants, keyed by every name the document uses for them;
    each one's spelling is noted in ``mentions``."""
    ids: dict[str, int] = {}
    assigned: list[int] = []
    for person in people:
        person_id = find_or_create_person(conn, person.name, person.country, person.aliases,
                                          taken=assigned)
        assigned.append(person_id)
        if mentions is not None:
            mentions.add(person_id, person.name, person.country, person.aliases)
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
          AND NOT EXISTS (SELECT 1 FROM person_mentions WHERE person_mentions.person_id = people.id)
        """
    )
