"""Merging the rows of one person written in different ways, and splitting them again. No Qt.

**Automatic merges** (:func:`merge_spellings`, after every import and when an archive is
opened) are deliberately conservative. Two rows are merged only when all of these hold:

* both have a country, and it is the same one (a name alone never crosses a border, and an
  unknown country says too little);
* their names are *compatible* (:func:`archive_viewer.store.names.compatible`): the same letters
  once macrons, long-vowel spellings, Gemba/Genba, case, hyphens, spaces and honorifics are
  folded, in the same order up to where the family name stands: "Kōno Tarō", "Taro Kouno" and
  "KONO Taro" are one person, "Kim Sung-hwan" and "Kim Hwan-sung" are two, and so are "Barack
  Obama" and "Barack H. Obama" (they are only *suggested* in the merge dialog);
* they never appear in one meeting: two people a document lists side by side (whatever their
  sides, roles or titles), or who both speak in one meeting, are two people;
* the researcher has not split them apart before (person_apart).

The row imported first is kept, with its name; the other's name becomes an alias.

**A researcher's merge** (:func:`merge_people`) may join any two rows that never appear in one
meeting (across countries too: a speaker the parser could not place and the minister they are).
It is recorded by spelling in person_merges, so it is made again when the documents are
imported again. **A split** (:func:`split_person`) gives a spelling back its own row with the
meetings that used it, and records in person_apart that the two are not to be merged again.

Every merge and split moves participants, statements and mentions, which marks the meetings
concerned stale; the count tables are brought up to date (summary.refresh_stale) in the same
transaction, so no count is ever wrong after it. Callers own the transaction.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archive_viewer.store import summary
from archive_viewer.store.names import compatible, match_key
from archive_viewer.store.people import country_code, name_key

Spelling = tuple[str, str]  # (name_key, country; '' for unknown)


class PeopleError(Exception):
    """A merge or split that cannot be done; the message says why, for the user."""


@dataclass(frozen=True)
class SplitResult:
    person_id: int  # the person split
    new_ids: list[int]  # the rows made for the spellings taken out


# -- what a person is -------------------------------------------------------------------------

def _person(conn: sqlite3.Connection, person_id: int) -> tuple[str, str, str | None, str]:
    row = conn.execute("SELECT name, name_key, country, aliases FROM people WHERE id = ?",
                       (person_id,)).fetchone()
    if row is None:
        raise PeopleError(f"There is no person {person_id} in this archive.")
    return row


def spellings_of(conn: sqlite3.Connection, person_id: int) -> list[Spelling]:
    """Every spelling of a person: its row's own first, then those its meetings used."""
    _name, key, country, _aliases = _person(conn, person_id)
    own = (key, country_code(country))
    used = [tuple(row) for row in conn.execute(
        "SELECT DISTINCT name_key, country FROM person_mentions WHERE person_id = ? ORDER BY 1, 2",
        (person_id,))]
    return [own, *(s for s in used if s != own)]


def shared_meeting(conn: sqlite3.Connection, first: int, second: int) -> int | None:
    """A meeting naming both people (as participants or speakers), or None."""
    row = conn.execute(
        """SELECT a.meeting_id FROM person_mentions AS a
           JOIN person_mentions AS b ON b.meeting_id = a.meeting_id AND b.person_id = :second
           WHERE a.person_id = :first
           UNION ALL
           SELECT a.meeting_id FROM participants AS a
           JOIN participants AS b ON b.meeting_id = a.meeting_id AND b.person_id = :second
           WHERE a.person_id = :first
           LIMIT 1""", {"first": first, "second": second}).fetchone()
    return None if row is None else int(row[0])


def _kept_apart(conn: sqlite3.Connection, first: Iterable[Spelling],
                second: Iterable[Spelling]) -> bool:
    pairs = [(a[0], a[1], b[0], b[1]) for a in first for b in second]
    return any(conn.execute(
        "SELECT 1 FROM person_apart WHERE name_key = ? AND country = ? AND other_key = ? "
        "AND other_country = ?", pair).fetchone() for pair in pairs)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- merging ----------------------------------------------------------------------------------

def merge_people(conn: sqlite3.Connection, keep: int, other: int, *, record: bool = True,
                 refresh: bool = True) -> int:
    """Make ``other`` part of ``keep`` (which keeps its name); return ``keep``.

    ``record``: remember it by spelling (a researcher's decision, made again at every import).
    ``refresh``: bring the count tables up to date now (else the caller does, before it
    commits). Raises PeopleError for a person that does not exist, a person merged with
    themselves, or two people named in one meeting.
    """
    if keep == other:
        raise PeopleError("A person cannot be merged with themselves.")
    keep_name, keep_key, keep_country, keep_aliases = _person(conn, keep)
    other_name, _other_key, _other_country, other_aliases = _person(conn, other)
    meeting = shared_meeting(conn, keep, other)
    if meeting is not None:
        title = conn.execute("SELECT ifnull(held_on, 'undated') || ', ' || title FROM meetings "
                             "WHERE id = ?", (meeting,)).fetchone()
        raise PeopleError(
            f"{keep_name} and {other_name} both appear in one meeting "
            f"({title[0] if title else meeting}), so they are two people and cannot be merged.")
    moved = spellings_of(conn, other)
    kept = spellings_of(conn, keep)
    conn.execute("UPDATE participants SET person_id = ? WHERE person_id = ?", (keep, other))
    conn.execute("UPDATE statements SET speaker_id = ? WHERE speaker_id = ?", (keep, other))
    conn.execute("UPDATE person_mentions SET person_id = ? WHERE person_id = ?", (keep, other))
    # Joint statements count for a meeting's principals: the counts of meetings where the
    # other was a principal change too; the triggers above marked them all.
    aliases = _merged_aliases(json.loads(keep_aliases), keep_name,
                              [other_name, *json.loads(other_aliases)])
    conn.execute("DELETE FROM people WHERE id = ?", (other,))
    conn.execute("UPDATE people SET aliases = ? WHERE id = ?",
                 (json.dumps(aliases, ensure_ascii=False), keep))
    _record_merge(conn, (keep_key, country_code(keep_country)), keep_name, kept + moved,
                  record=record)
    if refresh:
        summary.refresh_stale(conn)
    return keep


def _record_merge(conn: sqlite3.Connection, target: Spelling, name: str,
                  members: list[Spelling], *, record: bool) -> None:
    """Spellings merged earlier into one of ``members`` now belong to ``target`` (also after an
    automatic merge, so that those decisions find the row that is left); with ``record`` the
    members themselves are recorded as merged into it, and no longer as kept apart."""
    stamp = _now()
    conn.executemany("UPDATE person_merges SET into_key = ?, into_country = ?, into_name = ? "
                     "WHERE into_key = ? AND into_country = ?",
                     [(*target, name, *member) for member in members])
    conn.execute("DELETE FROM person_merges WHERE name_key = ? AND country = ?", target)
    if not record:
        return
    conn.executemany(
        "INSERT INTO person_merges (name_key, country, into_key, into_country, into_name, "
        "merged_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name_key, country) DO UPDATE SET "
        "into_key = excluded.into_key, into_country = excluded.into_country, "
        "into_name = excluded.into_name, merged_at = excluded.merged_at",
        [(*member, *target, name, stamp) for member in members if member != target])
    conn.executemany("DELETE FROM person_apart WHERE name_key = ? AND country = ? "
                     "AND other_key = ? AND other_country = ?",
                     [(*a, *b) for a in members for b in members if a != b])


def _merged_aliases(existing: list[str], canonical: str, forms: Iterable[str]) -> list[str]:
    merged = list(existing)
    for form in forms:
        if form and form != canonical and form not in merged:
            merged.append(form)
    return merged


def merge_spellings(conn: sqlite3.Connection) -> int:
    """Merge the rows that are one person by the rules of the module docstring; return how
    many rows were merged away. The count tables are left to the caller's refresh."""
    fill_match_keys(conn)
    merged = 0
    for keep, other in auto_merges(conn):
        try:
            merge_people(conn, keep, other, record=False, refresh=False)
        except PeopleError:  # a third spelling merged into keep meets the other in a meeting
            continue
        merged += 1
    return merged


def people_pass_needed(conn: sqlite3.Connection) -> bool:
    """Whether :func:`merge_spellings` has anything to do (read before taking the write lock)."""
    missing = conn.execute("SELECT EXISTS (SELECT 1 FROM people WHERE match_key IS NULL)")
    return bool(missing.fetchone()[0]) or bool(auto_merges(conn))


def auto_merges(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """The (kept, merged) pairs of rows :func:`merge_spellings` would merge now (reads only)."""
    pairs: list[tuple[int, int]] = []
    groups = conn.execute(
        "SELECT country, match_key FROM people WHERE country IS NOT NULL AND match_key != '' "
        "GROUP BY country, match_key HAVING count(*) > 1").fetchall()
    for country, key in groups:
        rows = conn.execute("SELECT id, name FROM people WHERE country = ? AND match_key = ? "
                            "ORDER BY id", (country, key)).fetchall()
        kept: list[tuple[int, str]] = []
        for person_id, name in rows:
            into = next((k for k in kept if _auto_mergeable(conn, k, (person_id, name), country)),
                        None)
            if into is None:
                kept.append((person_id, name))
            else:
                pairs.append((into[0], person_id))
    return pairs


def _auto_mergeable(conn: sqlite3.Connection, first: tuple[int, str], second: tuple[int, str],
                    country: str) -> bool:
    return (compatible(first[1], second[1], country)
            and shared_meeting(conn, first[0], second[0]) is None
            and not _kept_apart(conn, spellings_of(conn, first[0]), spellings_of(conn, second[0])))


def fill_match_keys(conn: sqlite3.Connection) -> int:
    """Compute people.match_key where it is missing (rows of older schemas, rows added by hand)."""
    rows = conn.execute("SELECT id, name, country FROM people WHERE match_key IS NULL").fetchall()
    conn.executemany("UPDATE people SET match_key = ? WHERE id = ?",
                     [(match_key(name, country), person_id) for person_id, name, country in rows])
    return len(rows)


# -- splitting --------------------------------------------------------------------------------

def split_person(conn: sqlite3.Connection, person_id: int,
                 leaving: Iterable[Spelling] | None = None, *, refresh: bool = True) -> SplitResult:
    """Give each spelling in ``leaving`` (every spelling but the row's own, when None) a row of
    its own again, with the meetings whose documents used it, and record that they are not to
    be merged back.

    A meeting that names the person under two spellings stays with the person. Raises
    PeopleError for an unknown person or spelling, a person with one spelling only, or every
    spelling leaving.
    """
    _name, key, country, _aliases = _person(conn, person_id)
    spellings = spellings_of(conn, person_id)
    if len(spellings) < 2:
        raise PeopleError("This person is written one way only: there is nothing to split.")
    own = (key, country_code(country))
    leaving = [s for s in spellings if s != own] if leaving is None else list(dict.fromkeys(
        tuple(s) for s in leaving))
    if any(s not in spellings for s in leaving):
        raise PeopleError("This person is never written that way.")
    if not leaving or len(leaving) == len(spellings):
        raise PeopleError("Choose some of the spellings to separate, not none or all of them.")
    if own in leaving:
        # The row's own spelling leaves: the row takes the commonest spelling that stays.
        staying = [s for s in spellings if s not in leaving]
        _rename(conn, person_id, _commonest(conn, person_id, staying))
    new_ids = [new for s in leaving if (new := _move_spelling(conn, person_id, s)) is not None]
    _refresh_aliases(conn, person_id)
    _record_split(conn, person_id, leaving, [s for s in spellings if s not in leaving])
    if refresh:
        summary.refresh_stale(conn)
    return SplitResult(person_id, new_ids)


def _commonest(conn: sqlite3.Connection, person_id: int, spellings: list[Spelling]) -> Spelling:
    counts = {tuple(row[:2]): row[2] for row in conn.execute(
        "SELECT name_key, country, count(*) FROM person_mentions WHERE person_id = ? "
        "GROUP BY 1, 2", (person_id,))}
    return max(spellings, key=lambda s: (counts.get(s, 0), s))


def _written_name(conn: sqlite3.Connection, person_id: int, spelling: Spelling) -> str:
    row = conn.execute(
        "SELECT name FROM person_mentions WHERE person_id = ? AND name_key = ? AND country = ? "
        "GROUP BY name ORDER BY count(*) DESC, name LIMIT 1", (person_id, *spelling)).fetchone()
    return row[0] if row else spelling[0]


def _rename(conn: sqlite3.Connection, person_id: int, spelling: Spelling) -> None:
    name = _written_name(conn, person_id, spelling)
    _old, _key, country, _aliases = _person(conn, person_id)
    country = spelling[1] or country  # an unknown country never replaces a known one
    conn.execute("UPDATE people SET name = ?, name_key = ?, country = ?, match_key = ? "
                 "WHERE id = ?", (name, spelling[0], country, match_key(name, country), person_id))


def _move_spelling(conn: sqlite3.Connection, person_id: int, spelling: Spelling) -> int | None:
    """A new row for ``spelling`` holding the meetings that named the person only that way."""
    meetings = [row[0] for row in conn.execute(
        """SELECT m.meeting_id FROM person_mentions AS m
           WHERE m.person_id = :person AND m.name_key = :key AND m.country = :country
             AND NOT EXISTS (SELECT 1 FROM person_mentions AS other
                             WHERE other.meeting_id = m.meeting_id AND other.person_id = :person
                               AND (other.name_key, other.country) != (:key, :country))""",
        {"person": person_id, "key": spelling[0], "country": spelling[1]})]
    if not meetings:
        return None
    name = _written_name(conn, person_id, spelling)
    country = spelling[1] or None
    new_id = int(conn.execute(
        "INSERT INTO people (name, name_key, country, aliases, match_key) VALUES (?, ?, ?, '[]', ?)",
        (name, spelling[0], country, match_key(name, country))).lastrowid)  # type: ignore[arg-type]
    moves = [(new_id, meeting, person_id) for meeting in meetings]
    conn.executemany("UPDATE participants SET person_id = ? WHERE meeting_id = ? AND person_id = ?",
                     moves)
    conn.executemany("UPDATE statements SET speaker_id = ? WHERE meeting_id = ? "
                     "AND speaker_id = ?", moves)
    conn.executemany("UPDATE person_mentions SET person_id = ? WHERE meeting_id = ? "
                     "AND person_id = ?", moves)
    _refresh_aliases(conn, new_id)
    return new_id


def _refresh_aliases(conn: sqlite3.Connection, person_id: int) -> None:
    """A person's aliases from the forms their meetings used."""
    name = _person(conn, person_id)[0]
    forms: list[str] = []
    for written, aliases in conn.execute(
            "SELECT name, aliases FROM person_mentions WHERE person_id = ? ORDER BY meeting_id",
            (person_id,)):
        forms += [written, *json.loads(aliases)]
    conn.execute("UPDATE people SET aliases = ? WHERE id = ?",
                 (json.dumps(_merged_aliases([], name, forms), ensure_ascii=False), person_id))


def _record_split(conn: sqlite3.Connection, person_id: int, leaving: list[Spelling],
                  staying: list[Spelling]) -> None:
    stamp = _now()
    conn.executemany("DELETE FROM person_merges WHERE name_key = ? AND country = ?", leaving)
    # Spellings that stay but pointed at one that left now point at the row that stays.
    name, key, country, _aliases = _person(conn, person_id)
    conn.executemany(
        "UPDATE person_merges SET into_key = ?, into_country = ?, into_name = ? "
        "WHERE into_key = ? AND into_country = ?",
        [(key, country_code(country), name, *gone) for gone in leaving])
    conn.execute("DELETE FROM person_merges WHERE name_key = ? AND country = ?",
                 (key, country_code(country)))  # the row's own spelling points nowhere
    pairs = [(a, b) for a in leaving for b in staying]
    pairs += [(b, a) for a, b in pairs]
    pairs += [(a, b) for a in leaving for b in leaving if a != b]
    conn.executemany("INSERT OR REPLACE INTO person_apart (name_key, country, other_key, "
                     "other_country, decided_at) VALUES (?, ?, ?, ?, ?)",
                     [(*a, *b, stamp) for a, b in pairs])


def identity_of(name: str, country: str | None) -> Spelling:
    """The spelling key of a name as the tables keep it."""
    return name_key(name), country_code(country)


# -- decisions travelling in a bundle ---------------------------------------------------------

_MERGE_COLUMNS = "name_key, country, into_key, into_country, into_name, merged_at"
_APART_COLUMNS = "name_key, country, other_key, other_country, decided_at"


def export_decisions(conn: sqlite3.Connection) -> dict[str, list[list[str]]] | None:
    """The researcher's merges and splits, by spelling (no row ids): what a bundle carries in
    its user_data["people"]; None when there are none."""
    merges = [list(row) for row in conn.execute(
        f"SELECT {_MERGE_COLUMNS} FROM person_merges ORDER BY 1, 2")]
    apart = [list(row) for row in conn.execute(
        f"SELECT {_APART_COLUMNS} FROM person_apart ORDER BY 1, 2, 3, 4")]
    return {"merges": merges, "apart": apart} if merges or apart else None


def load_decisions(conn: sqlite3.Connection, value: Any) -> None:
    """A bundle's merges and splits into this archive, after its documents: recorded as if
    made here, and the recorded merges made (the documents were imported before the records
    were there to guide them). Malformed rows are skipped."""
    if not isinstance(value, dict):
        return
    merges = _rows(value.get("merges"), 6)
    apart = _rows(value.get("apart"), 5)
    conn.executemany(f"INSERT OR REPLACE INTO person_apart ({_APART_COLUMNS}) "
                     "VALUES (?, ?, ?, ?, ?)", apart)
    conn.executemany(f"INSERT OR REPLACE INTO person_merges ({_MERGE_COLUMNS}) "
                     "VALUES (?, ?, ?, ?, ?, ?)", merges)
    for key, country, into_key, into_country, into_name, _when in merges:
        target = _person_written(conn, (into_key, into_country))
        other = _person_written(conn, (key, country))
        if target is None:
            continue
        if other is not None and other != target:
            try:
                merge_people(conn, target, other, record=False, refresh=False)
            except PeopleError:  # two people of one meeting here: they stay two
                continue
        conn.execute("UPDATE people SET name = ? WHERE id = ?", (into_name, target))
    summary.refresh_stale(conn)


def _rows(value: Any, width: int) -> list[tuple[str, ...]]:
    if not isinstance(value, list):
        return []
    return [tuple(row) for row in value if isinstance(row, list) and len(row) == width
            and all(isinstance(cell, str) for cell in row)]


def _person_written(conn: sqlite3.Connection, spelling: Spelling) -> int | None:
    """The person a spelling stands for in this archive: the one its meetings name, else the
    row of that spelling."""
    row = conn.execute("SELECT person_id FROM person_mentions WHERE name_key = ? AND country = ? "
                       "LIMIT 1", spelling).fetchone()
    if row is None:
        row = conn.execute("SELECT id FROM people WHERE name_key = ? AND ifnull(country, '') = ? "
                           "LIMIT 1", spelling).fetchone()
    return int(row[0]) if row is not None else None
