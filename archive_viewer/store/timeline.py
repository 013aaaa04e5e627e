"""An issue's statements through time, one lane per country or per speaker. No Qt.

:func:`issue_timeline` reads every statement about one issue (narrower issues included) that the
rest of a :class:`Filter` lets through, with its meeting's date and the lane it belongs on. The
marks are kept in columns (``array``), sorted by day: a broad issue has half a million of them,
and a dataclass per statement would cost more than the query. Texts are read separately, a few
at a time (:func:`statement_details`), for the statements a user hovers over or reads.

The issue is the timeline's own: it replaces the filter's issues; the filter's text, people,
countries, kinds and dates apply as everywhere else (filter_sql.py). The query starts from the
issue's rows of statement_issue_closure (its index gives them in id order) and looks each
statement up by id: on an archive of 2.8 million statements an issue of 10,000 is read in about
a tenth of a second with the page cache warm.

Lanes: by country, a statement is on the lane of the side its speaker represented in that meeting
(the person's country, else participants.side); by speaker, on its speaker's lane. Joint
statements ("The two ministers ...") have a lane of their own, and so do statements without a
speaker; a speaker whose country is unknown goes to "Country unknown".
"""
from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from archive_viewer.store.filter_sql import CompiledFilter
from archive_viewer.store.filters import Filter, SearchHint
from archive_viewer.store.queries import _NOT_ABOUT_THE_QUERY, SEARCH_HINT_MESSAGE

BY = ("country", "speaker")

#: Lane keys of the lanes that are not a country or a person.
JOINT, NO_SPEAKER, UNKNOWN_COUNTRY = "joint", "none", "unknown"
SPECIAL_LANES = {JOINT: "Joint", NO_SPEAKER: "No speaker", UNKNOWN_COUNTRY: "Country unknown"}

#: julianday() of 0001-01-01 minus one: julianday(d) - this is date.toordinal().
_ORDINAL_OFFSET = 1721424.5

#: Ids per statement_details() query (one JSON parameter; the rows are read by primary key).
DETAIL_BATCH = 500


@dataclass(frozen=True)
class IssueRef:
    id: int
    name: str
    parent_id: int | None = None
    depth: int = 0  # 0 for a top-level issue, 1 for its narrower issues, ...


@dataclass(frozen=True)
class Lane:
    key: str  # "country:Japan" | "person:12" | "joint" | "none" | "unknown"
    label: str  # "Japan", "Koichiro Gemba (Japan)", "Joint", ...
    count: int

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


@dataclass(frozen=True)
class Mark:
    """One statement on the timeline (a plain view of one row of the columns)."""

    statement_id: int
    held_on: str
    lane: str  # Lane.key


@dataclass(frozen=True, eq=False)
class Timeline:
    """The statements about ``issue`` matching ``filter``, as columns sorted by (day, id).

    ``days`` are date ordinals (``date.toordinal()``) of the meetings; ``lanes_of`` indexes
    ``lanes``. Statements of undated meetings cannot be placed on the axis: their ids are in
    ``undated_ids`` (and on no lane's count).
    """

    issue: IssueRef
    by: str
    filter: Filter
    lanes: tuple[Lane, ...]
    days: array = field(default_factory=lambda: array("l"))
    lanes_of: array = field(default_factory=lambda: array("l"))
    statement_ids: array = field(default_factory=lambda: array("q"))
    section_ids: array = field(default_factory=lambda: array("q"))
    undated_ids: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.statement_ids)

    @property
    def first_day(self) -> int | None:
        return self.days[0] if self.days else None

    @property
    def last_day(self) -> int | None:
        return self.days[-1] if self.days else None

    def lane_index(self, key: str) -> int:
        for index, lane in enumerate(self.lanes):
            if lane.key == key:
                return index
        raise KeyError(key)

    def marks(self, lane: str | None = None) -> list[Mark]:
        """The marks in date order (of one lane, by key, or of all)."""
        wanted = None if lane is None else self.lane_index(lane)
        keys = [item.key for item in self.lanes]
        return [Mark(sid, date.fromordinal(day).isoformat(), keys[index])
                for sid, day, index in zip(self.statement_ids, self.days, self.lanes_of, strict=True)
                if wanted is None or index == wanted]

    def between(self, first_day: int, last_day: int) -> Timeline:
        """The statements held from ``first_day`` to ``last_day`` only, on the lanes that have
        some (in the same order, counted for the period); undated ones are left out."""
        span = self.positions_between(first_day, last_day)
        counts = [0] * len(self.lanes)
        for position in span:
            counts[self.lanes_of[position]] += 1
        kept = [n for n, count in enumerate(counts) if count]
        renumber = {old: new for new, old in enumerate(kept)}
        lanes = tuple(replace(self.lanes[n], count=counts[n]) for n in kept)
        return Timeline(self.issue, self.by, self.filter, lanes,
                        array("l", self.days[span.start:span.stop]),
                        array("l", (renumber[self.lanes_of[p]] for p in span)),
                        array("q", self.statement_ids[span.start:span.stop]),
                        array("q", self.section_ids[span.start:span.stop]))

    def positions_between(self, first_day: int, last_day: int) -> range:
        """Positions (indexes into the columns) of the statements held from ``first_day`` to
        ``last_day``, both included."""
        from bisect import bisect_left, bisect_right

        return range(bisect_left(self.days, first_day), bisect_right(self.days, last_day))


@dataclass(frozen=True)
class TimelineStatement:
    """A statement with what the list and the tooltips show about it."""

    id: int
    meeting_id: int
    section_id: int
    item_id: int
    held_on: str | None
    meeting_title: str
    meeting_kind: str
    location: str | None
    section_number: str | None
    section_title: str | None
    item_label: str | None
    speaker_id: int | None
    speaker_name: str | None
    speaker_country: str | None  # the side they represented in this meeting
    is_joint: bool
    text: str
    issues: tuple[str, ...]


# -- issues ------------------------------------------------------------------------------------

def issue_catalogue(conn: sqlite3.Connection) -> list[IssueRef]:
    """Every issue, each broader issue followed by its narrower ones (alphabetical among
    siblings), with its depth: the order of an issue chooser."""
    rows = conn.execute("SELECT id, name, parent_id FROM issues").fetchall()
    ids = {row[0] for row in rows}
    children: dict[int | None, list[tuple[int, str, int | None]]] = {}
    for issue_id, name, parent in rows:
        children.setdefault(parent if parent in ids else None, []).append((issue_id, name, parent))
    out: list[IssueRef] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for issue_id, name, parent_id in sorted(children.get(parent, []), key=lambda r: r[1].casefold()):
            if issue_id in seen:  # a parent_id cycle: each issue once
                continue
            seen.add(issue_id)
            out.append(IssueRef(issue_id, name, parent_id, depth))
            walk(issue_id, depth + 1)

    walk(None, 0)
    for issue_id, name, parent_id in sorted(rows, key=lambda r: r[1].casefold()):
        if issue_id not in seen:  # only in a cycle: listed at the top
            out.append(IssueRef(issue_id, name, parent_id, 0))
    return out


def find_issue(conn: sqlite3.Connection, name: str) -> IssueRef | None:
    """The issue called ``name``, or having it as a synonym (case ignored); None if none."""
    name = name.strip()
    row = conn.execute("SELECT id, name, parent_id FROM issues WHERE name = ? COLLATE NOCASE",
                       (name,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT issues.id, issues.name, issues.parent_id FROM issues, json_each(issues.synonyms) "
            "AS synonym WHERE synonym.value = ? COLLATE NOCASE ORDER BY issues.id", (name,)).fetchone()
    return IssueRef(*row) if row else None


def issue_by_id(conn: sqlite3.Connection, issue_id: int) -> IssueRef | None:
    row = conn.execute("SELECT id, name, parent_id FROM issues WHERE id = ?", (issue_id,)).fetchone()
    return IssueRef(*row) if row else None


def issue_statement_count(conn: sqlite3.Connection, issue_id: int) -> int:
    """How many statements are about the issue (narrower ones included), before any filter:
    a count of its closure rows, read from their index alone."""
    return int(conn.execute("SELECT count(*) FROM statement_issue_closure WHERE issue_id = ?",
                            (issue_id,)).fetchone()[0])


def issues_of_node(conn: sqlite3.Connection, kind: str, node_id: int) -> list[IssueRef]:
    """The issues the statements of a meeting, section or item are tagged with (as tagged, not
    their broader issues), the most used first."""
    where = {"meeting": "s.meeting_id = ?", "section": "s.section_id = ?",
             "item": "s.item_id = ?"}.get(kind)
    if where is None:
        return []
    rows = conn.execute(f"""
        SELECT issues.id, issues.name, issues.parent_id
        FROM statements AS s
        JOIN statement_issues AS tag ON tag.statement_id = s.id
        JOIN issues ON issues.id = tag.issue_id
        WHERE {where}
        GROUP BY issues.id
        ORDER BY count(*) DESC, issues.name COLLATE NOCASE""", (node_id,)).fetchall()
    return [IssueRef(*row) for row in rows]


# -- the timeline ------------------------------------------------------------------------------

def issue_timeline(conn: sqlite3.Connection, f: Filter, issue: IssueRef | int,
                   by: str = "country") -> Timeline:
    """The statements about ``issue`` (narrower issues included) that ``f`` lets through, on
    lanes ``by`` country or speaker; see the module docstring. The filter's own issues are
    replaced by this one. Raises SearchHint for search text that cannot be searched."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}, not {by!r}")
    if isinstance(issue, int):
        found = issue_by_id(conn, issue)
        if found is None:
            raise LookupError(f"There is no issue {issue} in this archive.")
        issue = found
    f = replace(f, issues=frozenset({issue.id}))
    q = CompiledFilter(f)
    if by == "country":
        # The side a speaker represented is the country they were filed under (people are
        # found again by name and country; participants.side is that country, or NULL), so
        # the side is looked up, a third of the query's time, only for a person without one.
        lane_key = ("coalesce('country:' || coalesce(speaker.country, (SELECT side.side FROM "
                    "participants AS side WHERE side.meeting_id = s.meeting_id AND "
                    "side.person_id = s.speaker_id)), :unknown)")
        joins = "LEFT JOIN people AS speaker ON speaker.id = s.speaker_id"
    else:
        lane_key = "'person:' || s.speaker_id"
        joins = ""
    # The meeting terms are checked on the joined meetings row rather than as a set of ids.
    conditions = q.statement_conditions("s", meetings=False) + q.meeting_conditions("m")
    sql = f"""
        SELECT s.id, s.section_id,
               CAST(julianday(m.held_on) - {_ORDINAL_OFFSET} AS INTEGER) AS day,
               CASE WHEN s.is_joint THEN :joint WHEN s.speaker_id IS NULL THEN :none
                    ELSE {lane_key} END
        FROM statements AS s
        JOIN meetings AS m ON m.id = s.meeting_id
        {joins}
        WHERE {" AND ".join(conditions)}
        ORDER BY day, s.id"""
    params = {**q.params, "joint": JOINT, "none": NO_SPEAKER, "unknown": UNKNOWN_COUNTRY}
    rows = _rows(conn, sql, params, searching=q.uses_fts)
    lane_numbers: dict[str, int] = {}
    counts: list[int] = []
    days, lanes_of = array("l"), array("l")
    statement_ids, section_ids = array("q"), array("q")
    undated: list[int] = []
    for statement_id, section_id, day, key in rows:
        if day is None:
            undated.append(statement_id)
            continue
        number = lane_numbers.get(key)
        if number is None:
            number = lane_numbers[key] = len(counts)
            counts.append(0)
        counts[number] += 1
        days.append(day)
        lanes_of.append(number)
        statement_ids.append(statement_id)
        section_ids.append(section_id)
    labels = _lane_labels(conn, lane_numbers)
    order = sorted(lane_numbers, key=lambda key: _lane_rank(key, counts[lane_numbers[key]], labels[key]))
    renumber = array("l", [0] * len(order))
    for new, key in enumerate(order):
        renumber[lane_numbers[key]] = new
    lanes_of = array("l", (renumber[index] for index in lanes_of))
    lanes = tuple(Lane(key, labels[key], counts[lane_numbers[key]]) for key in order)
    return Timeline(issue, by, f, lanes, days, lanes_of, statement_ids, section_ids, tuple(undated))


def _rows(conn: sqlite3.Connection, sql: str, params: dict[str, object], *,
          searching: bool, batch: int = 10_000) -> Iterator[tuple]:
    """The rows of ``sql`` a batch at a time (a broad issue's half a million rows are never
    all in memory as tuples); an FTS5 error in a search becomes a SearchHint, as in queries."""
    try:
        cursor = conn.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield from rows
    except sqlite3.OperationalError as exc:
        message = str(exc).lower()
        if searching and not any(words in message for words in _NOT_ABOUT_THE_QUERY):
            raise SearchHint(SEARCH_HINT_MESSAGE) from exc
        raise


def _lane_rank(key: str, count: int, label: str) -> tuple[int, int, str]:
    """Countries or people by number of statements, then country unknown, joint, no speaker."""
    special = {UNKNOWN_COUNTRY: 1, JOINT: 2, NO_SPEAKER: 3}.get(key, 0)
    return special, -count if not special else 0, label.casefold()


def _lane_labels(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    people: list[int] = []
    for key in keys:
        kind, _, value = key.partition(":")
        if key in SPECIAL_LANES:
            labels[key] = SPECIAL_LANES[key]
        elif kind == "country":
            labels[key] = value
        else:
            people.append(int(value))
    if people:
        for person_id, name, country in conn.execute(
                "SELECT id, name, country FROM people WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(people),)):
            labels[f"person:{person_id}"] = f"{name} ({country})" if country else name
        for person_id in people:  # a person deleted meanwhile
            labels.setdefault(f"person:{person_id}", f"Person {person_id}")
    return labels


# -- the statements' texts ---------------------------------------------------------------------

def statement_details(conn: sqlite3.Connection, ids: Sequence[int]) -> list[TimelineStatement]:
    """The statements ``ids`` with their meeting, section, speaker and text, in the order given
    (ids no longer in the archive are left out)."""
    found: dict[int, TimelineStatement] = {}
    for start in range(0, len(ids), DETAIL_BATCH):
        batch = [int(i) for i in ids[start:start + DETAIL_BATCH]]
        for row in conn.execute("""
                SELECT s.id, s.meeting_id, s.section_id, s.item_id, m.held_on, m.title, m.kind,
                       m.location, sec.number, sec.title, it.label, s.speaker_id, speaker.name,
                       coalesce(side.side, speaker.country), s.is_joint, s.text,
                       (SELECT json_group_array(name) FROM (
                            SELECT issues.name FROM statement_issues AS tag
                            JOIN issues ON issues.id = tag.issue_id
                            WHERE tag.statement_id = s.id ORDER BY issues.id))
                FROM json_each(?) AS wanted
                CROSS JOIN statements AS s ON s.id = wanted.value
                JOIN meetings AS m ON m.id = s.meeting_id
                JOIN sections AS sec ON sec.id = s.section_id
                JOIN items AS it ON it.id = s.item_id
                LEFT JOIN people AS speaker ON speaker.id = s.speaker_id
                LEFT JOIN participants AS side
                  ON side.meeting_id = s.meeting_id AND side.person_id = s.speaker_id""",
                (json.dumps(batch),)):
            found[row[0]] = TimelineStatement(*row[:14], is_joint=bool(row[14]), text=row[15],
                                              issues=tuple(json.loads(row[16])))
    return [found[i] for i in ids if i in found]
