"""One person across the archive: what the person page shows and the person PDF prints. No Qt.

:func:`person_profile` reads everything in a handful of indexed queries (the person's
participations and mentions, their statements through the speaker index, the closure of
their statements' issues), so that a person met in hundreds of meetings is read in tens of
milliseconds. :func:`list_people` and :func:`find_people` serve the command line and the merge
dialog.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace

from archive_viewer.store.names import compatible, plain, similarity
from archive_viewer.store.people import country_code

#: Counterparts listed on a person page: the people met most.
COUNTERPART_LIMIT = 20


@dataclass(frozen=True)
class ProfileMeeting:
    """A meeting the person took part in (or spoke in)."""

    meeting_id: int
    held_on: str | None
    title: str
    location: str | None
    kind: str
    role: str | None  # 'principal' | 'attendee'; None: spoke there without being listed
    title_held: str | None  # the person's title in this meeting
    side: str | None
    statements: int  # statements the person made there


@dataclass(frozen=True)
class TitleSpan:
    """A title the person held, from the first to the last dated meeting that gives it."""

    title: str
    first: str | None
    last: str | None
    meetings: int


@dataclass(frozen=True)
class IssueCount:
    """Statements the person made about an issue (narrower issues included)."""

    issue_id: int
    name: str
    parent_id: int | None
    statements: int


@dataclass(frozen=True)
class Counterpart:
    """Someone on another side of the person's meetings."""

    person_id: int
    name: str
    country: str | None
    meetings: int
    as_principal: int  # of those meetings, how many with them as a principal


@dataclass(frozen=True)
class Spelling:
    """A way the documents wrote the person's name."""

    name: str
    name_key: str
    country: str  # '' for unknown
    meetings: int


@dataclass(frozen=True)
class PersonProfile:
    person_id: int
    name: str
    country: str | None
    aliases: tuple[str, ...]
    spellings: tuple[Spelling, ...]
    meetings: tuple[ProfileMeeting, ...]  # newest first, undated last
    titles: tuple[TitleSpan, ...]  # by first date
    issues: tuple[IssueCount, ...]  # most statements first; broader issues of each included
    counterparts: tuple[Counterpart, ...]  # most meetings first
    statements: int  # made by the person
    joint_statements: int  # joint statements of the meetings where they were a principal
    merged_spellings: tuple[str, ...] = field(default=())  # spellings a researcher merged
    has_details: bool = False  # issues, counterparts and joint statements are read

    @property
    def principal_meetings(self) -> int:
        return sum(1 for m in self.meetings if m.role == "principal")

    @property
    def attendee_meetings(self) -> int:
        return sum(1 for m in self.meetings if m.role == "attendee")

    @property
    def first_held(self) -> str | None:
        return min((m.held_on for m in self.meetings if m.held_on), default=None)

    @property
    def last_held(self) -> str | None:
        return max((m.held_on for m in self.meetings if m.held_on), default=None)


def person_profile(conn: sqlite3.Connection, person_id: int, *,
                   details: bool = True) -> PersonProfile | None:
    """Everything the person page shows about ``person_id``; None when there is no such person.

    Without ``details`` the issues, counterparts and joint statements are left empty: the
    page shows the rest first and adds them from :func:`with_details` (for someone met in
    thousands of meetings they take most of the time).
    """
    row = conn.execute("SELECT name, country, aliases FROM people WHERE id = ?",
                       (person_id,)).fetchone()
    if row is None:
        return None
    name, country, aliases = row
    meetings = tuple(ProfileMeeting(*r) for r in conn.execute("""
        SELECT m.id, m.held_on, m.title, m.location, m.kind, pt.role, pt.title, pt.side,
               (SELECT count(*) FROM statements AS s
                WHERE s.meeting_id = m.id AND s.is_joint = 0 AND s.speaker_id = :person)
        FROM (SELECT meeting_id FROM person_mentions WHERE person_id = :person
              UNION
              SELECT meeting_id FROM participants WHERE person_id = :person) AS mine
        JOIN meetings AS m ON m.id = mine.meeting_id
        LEFT JOIN participants AS pt ON pt.meeting_id = m.id AND pt.person_id = :person
        ORDER BY m.held_on IS NULL, m.held_on DESC, m.id DESC""", {"person": person_id}))
    profile = PersonProfile(
        person_id=person_id, name=name, country=country,
        aliases=tuple(json.loads(aliases)),
        spellings=_spellings(conn, person_id),
        meetings=meetings,
        titles=titles_over_time(meetings),
        issues=(),
        counterparts=(),
        statements=sum(m.statements for m in meetings),
        joint_statements=0,
        merged_spellings=_merged_spellings(conn, person_id),
    )
    return with_details(conn, profile) if details else profile


def with_details(conn: sqlite3.Connection, profile: PersonProfile) -> PersonProfile:
    """``profile`` with its issues, counterparts and joint statements read."""
    joint = conn.execute("""
        SELECT count(*) FROM participants AS pt
        CROSS JOIN statements AS s ON s.meeting_id = pt.meeting_id AND s.is_joint = 1
        WHERE pt.person_id = ? AND pt.role = 'principal'""", (profile.person_id,)).fetchone()[0]
    return replace(profile, issues=_issues(conn, profile.person_id),
                   counterparts=_counterparts(conn, profile.person_id),
                   joint_statements=int(joint), has_details=True)


def titles_over_time(meetings: tuple[ProfileMeeting, ...] | list[ProfileMeeting]
                     ) -> tuple[TitleSpan, ...]:
    """Each title the person is given, with the first and last date it is given on and in how
    many meetings; in order of first use (undated-only titles last). Titles differing only in
    case or spacing, or naming the same office ("Foreign Minister", "Minister for Foreign
    Affairs"), are one, written as most meetings write it."""
    spans: dict[str, list] = {}  # office -> [forms, first, last, meetings]
    for meeting in meetings:
        if not meeting.title_held:
            continue
        title = " ".join(meeting.title_held.split())
        span = spans.setdefault(_office(title), [Counter(), None, None, 0])
        span[0][title] += 1
        span[3] += 1
        if meeting.held_on:
            span[1] = min(filter(None, (span[1], meeting.held_on)))
            span[2] = max(filter(None, (span[2], meeting.held_on)))
    named = [(forms.most_common(1)[0][0], first, last, n) for forms, first, last, n in spans.values()]
    ordered = sorted(named, key=lambda s: (s[1] is None, s[1] or "", s[0]))
    return tuple(TitleSpan(*span) for span in ordered)


# The commonest office written two ways in the genre.
_FOREIGN_MINISTER = re.compile(r"^(?:minister (?:for|of) foreign affairs|foreign minister)$")


def _office(title: str) -> str:
    folded = title.casefold()
    return "foreign minister" if _FOREIGN_MINISTER.match(folded) else folded


def _spellings(conn: sqlite3.Connection, person_id: int) -> tuple[Spelling, ...]:
    rows = conn.execute("""
        SELECT name_key, country, count(DISTINCT meeting_id),
               (SELECT name FROM person_mentions AS w
                WHERE w.person_id = m.person_id AND w.name_key = m.name_key
                  AND w.country = m.country
                GROUP BY name ORDER BY count(*) DESC, name LIMIT 1)
        FROM person_mentions AS m WHERE person_id = ?
        GROUP BY name_key, country
        ORDER BY 3 DESC, 1""", (person_id,)).fetchall()
    return tuple(Spelling(name, key, country, n) for key, country, n, name in rows)


def _merged_spellings(conn: sqlite3.Connection, person_id: int) -> tuple[str, ...]:
    """Spellings of the person that a researcher's merge joined (person_merges)."""
    rows = conn.execute("""
        SELECT DISTINCT m.name FROM person_mentions AS m
        JOIN person_merges AS g ON g.name_key = m.name_key AND g.country = m.country
        WHERE m.person_id = ? ORDER BY 1""", (person_id,)).fetchall()
    return tuple(r[0] for r in rows)


def _issues(conn: sqlite3.Connection, person_id: int) -> tuple[IssueCount, ...]:
    # Through the speaker index to the person's statements, then the closure's primary key.
    rows = conn.execute("""
        SELECT issues.id, issues.name, issues.parent_id, counted.statements
        FROM (SELECT closure.issue_id, count(*) AS statements
              FROM statements AS s
              CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
              WHERE s.speaker_id = ?
              GROUP BY closure.issue_id) AS counted
        JOIN issues ON issues.id = counted.issue_id
        ORDER BY counted.statements DESC, issues.name""", (person_id,)).fetchall()
    return tuple(IssueCount(*r) for r in rows)


def _counterparts(conn: sqlite3.Connection, person_id: int) -> tuple[Counterpart, ...]:
    """The people of other sides in the person's meetings (a side unknown on either part counts
    as another side only when the other's is known and differs from the person's country)."""
    rows = conn.execute("""
        SELECT other.person_id, people.name, people.country, count(*),
               sum(other.role = 'principal')
        FROM participants AS me
        CROSS JOIN participants AS other
          ON other.meeting_id = me.meeting_id AND other.person_id != me.person_id
        JOIN people ON people.id = other.person_id
        WHERE me.person_id = :person
          AND coalesce(other.side, people.country, '') != coalesce(me.side, :country, '')
        GROUP BY other.person_id
        ORDER BY 4 DESC, 5 DESC, people.name
        LIMIT :limit""", {"person": person_id, "limit": COUNTERPART_LIMIT,
                          "country": _country(conn, person_id)}).fetchall()
    return tuple(Counterpart(*r) for r in rows)


def _country(conn: sqlite3.Connection, person_id: int) -> str | None:
    row = conn.execute("SELECT country FROM people WHERE id = ?", (person_id,)).fetchone()
    return row[0] if row else None


# -- the people of an archive -------------------------------------------------------------------

@dataclass(frozen=True)
class PersonSummary:
    person_id: int
    name: str
    country: str | None
    meetings: int
    statements: int  # made by the person
    spellings: int


def list_people(conn: sqlite3.Connection, *, country: str | None = None) -> list[PersonSummary]:
    """Every person (of ``country``), with their meetings, statements and spellings; by name."""
    where, params = ("WHERE p.country = ?", (country,)) if country else ("", ())
    rows = conn.execute(f"""
        SELECT p.id, p.name, p.country,
               (SELECT count(DISTINCT meeting_id) FROM person_mentions WHERE person_id = p.id),
               (SELECT count(*) FROM statements WHERE speaker_id = p.id),
               (SELECT count(*) FROM (SELECT DISTINCT name_key, country FROM person_mentions
                                      WHERE person_id = p.id))
        FROM people AS p {where}
        ORDER BY p.name COLLATE NOCASE, p.country, p.id""", params).fetchall()
    return [PersonSummary(*r) for r in rows]


def find_people(conn: sqlite3.Connection, text: str) -> list[PersonSummary]:
    """The people ``text`` names: an id ("17", "#17"), or a name: any spelling or alias of
    theirs in any order and case ("GEMBA Koichiro"), else any that holds ``text``."""
    text = text.strip()
    people = list_people(conn)
    if re.fullmatch(r"#?\d+", text):
        wanted = int(text.lstrip("#"))
        return [p for p in people if p.person_id == wanted]
    forms: dict[int, set[str]] = {}
    for person_id, name, aliases in conn.execute("SELECT id, name, aliases FROM people"):
        forms.setdefault(person_id, set()).update([name, *json.loads(aliases)])
    for person_id, name in conn.execute("SELECT person_id, name FROM person_mentions"):
        forms.setdefault(person_id, set()).add(name)
    exact = [p for p in people if any(compatible(text, form, p.country)
                                      for form in forms.get(p.person_id, ()))]
    if exact:
        return exact
    needle = plain(text)
    return [p for p in people
            if needle and any(needle in plain(form) for form in forms.get(p.person_id, ()))]


def merge_candidates(conn: sqlite3.Connection, person_id: int,
                     limit: int = 200) -> list[tuple[PersonSummary, float]]:
    """Other people, most alike in name first (same country before others): the list a
    researcher picks from to merge ``person_id`` with someone."""
    people = list_people(conn)
    me = next((p for p in people if p.person_id == person_id), None)
    if me is None:
        return []
    scored = [(p, similarity(me.name, p.name, me.country if p.country == me.country else None))
              for p in people if p.person_id != person_id]
    scored.sort(key=lambda pair: (-round(pair[1], 2), country_code(pair[0].country) != country_code(me.country),
                                  pair[0].name.casefold()))
    return scored[:limit]
