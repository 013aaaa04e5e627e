"""A Filter as SQL, built in one place: parameterised conditions and CTEs, and a sentence.

Every value a user chose or typed reaches SQLite as a named parameter, the search box only as
the MATCH expression that :func:`fts_query` builds. queries.py composes these pieces:

    WITH
      filtered_meetings(id)   meetings satisfying the meeting terms and the scope
      filtered_statements     statements satisfying the statement terms, in those meetings
    SELECT ... FROM filtered_statements ...

A CTE is only defined when the filter needs it; :attr:`CompiledFilter.statements_source` and
:attr:`CompiledFilter.meetings_source` name the CTE, or the plain table when nothing narrows it,
so that an empty filter reads tables and indexes directly instead of copying them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from archive_viewer.store.filters import _TOKEN, Filter, fts_query

#: The columns of ``filtered_statements``; the same names exist on ``statements``, so a query
#: can read either through :attr:`CompiledFilter.statements_source`.
STATEMENT_COLUMNS = ("id", "meeting_id", "section_id", "item_id", "speaker_id", "is_joint")


@dataclass(frozen=True)
class Scope:
    """Narrows a query to one part of the archive, so that an index can drive it."""

    year: int | None = None  # meetings held in that year
    undated: bool = False  # meetings without a date (held_on IS NULL)
    meeting_id: int | None = None
    section_id: int | None = None
    item_id: int | None = None
    #: Check the filter's terms on each row a query visits rather than as sets built up front:
    #: right when something else (a full-text match) already picks out the rows.
    row_by_row: bool = False

    @property
    def is_node(self) -> bool:
        """Whether the scope is one meeting, section or item (a handful of statements)."""
        return (self.meeting_id, self.section_id, self.item_id) != (None, None, None)

    @classmethod
    def of_year(cls, year: int | None) -> Scope:
        """The tree's year node: ``None`` stands for the undated meetings."""
        return cls(undated=True) if year is None else cls(year=year)


def statement_terms_only(f: Filter) -> Filter:
    """``f`` without its meeting terms: what decides whether a statement is marked as matching."""
    return Filter(text=f.text, issues=f.issues, people=f.people, tags=f.tags,
                  has_notes=f.has_notes, note_text=f.note_text)


#: The escape character of the LIKE patterns of :func:`note_patterns`.
LIKE_ESCAPE = "\\"
_LIKE_SPECIAL = re.compile(r"([%_\\])")


def note_patterns(text: str) -> list[str]:
    """LIKE patterns (escape :data:`LIKE_ESCAPE`) for a search of the user's notes: each word,
    or "quoted phrase", must occur somewhere in a note, as typed, in any case (of ASCII
    letters, as LIKE does). Everything is literal: ``%``, ``_``, quotes and FTS operators are
    looked for as characters, so a note holding "50%" or "Art. 9" is found by them."""
    patterns: list[str] = []
    # LIKE reads text only up to a NUL: a pattern holding one would match every note.
    for match in _TOKEN.finditer(text.replace("\0", "")):
        part = match.group(1) if match.group(1) is not None else match.group(2)
        part = " ".join(part.split())
        if part:
            patterns.append("%" + _LIKE_SPECIAL.sub(r"\\\1", part) + "%")
    return list(dict.fromkeys(patterns))


class CompiledFilter:
    """A Filter (and a scope) as SQL conditions, CTEs and named parameters.

    Parameters are named ``:f_...``; a query adds its own (``:limit``) to :attr:`params`.
    Raises :class:`SearchHint` from :func:`fts_query` when the search text cannot be searched.
    """

    def __init__(self, f: Filter, scope: Scope = Scope()) -> None:
        self.filter = f
        self.scope = scope
        self.params: dict[str, object] = {}
        #: The FTS5 MATCH expression, or None when the search box holds nothing searchable.
        self.fts: str | None = fts_query(f.text)
        if self.fts is not None:
            self.params["f_fts"] = self.fts
        self._issue_marks = self._bind_many("f_issue", sorted(f.issues))
        self._person_marks = self._bind_many("f_person", sorted(f.people))
        self._tag_marks = self._bind_many("f_tag", sorted(f.tags))
        self._note_marks = self._bind_many("f_note", note_patterns(f.note_text))
        self._has_notes = f.has_notes or bool(self._note_marks)
        self._meeting_conditions = self._compile_meeting_conditions()
        if scope.item_id is not None:
            self.params["f_scope_item"] = scope.item_id
        if scope.section_id is not None:
            self.params["f_scope_section"] = scope.section_id

    # -- what the filter holds ---------------------------------------------------------------

    @property
    def has_statement_terms(self) -> bool:
        """Whether statements are narrowed by text, issues or people (a tree node then needs a
        matching statement to be shown)."""
        return self.fts is not None or bool(self.filter.issues or self.filter.people
                                            or self._tag_marks or self._has_notes)

    @property
    def has_meeting_terms(self) -> bool:
        """Whether meetings are narrowed (by the filter or the scope)."""
        return bool(self._meeting_conditions)

    @property
    def uses_fts(self) -> bool:
        return self.fts is not None

    @property
    def statements_source(self) -> str:
        """``filtered_statements`` or, when nothing narrows statements, ``statements``."""
        return "filtered_statements" if self._statement_conditions_all() else "statements"

    @property
    def meetings_source(self) -> str:
        return "filtered_meetings" if self.has_meeting_terms else "meetings"

    # -- conditions --------------------------------------------------------------------------

    def meeting_conditions(self, alias: str) -> list[str]:
        """Conditions on a ``meetings`` row ``alias``: countries, kinds, dates and the scope."""
        return [condition.format(m=alias) for condition in self._meeting_conditions]

    def statement_conditions(self, alias: str, *, text: bool = True,
                             meetings: bool = True) -> list[str]:
        """Conditions on a ``statements`` row ``alias``: the statement terms and the scope.

        ``text=False`` leaves out the MATCH (a query reading statements_fts applies it itself);
        ``meetings=False`` leaves out the meeting terms (the query applies them to a joined
        meetings row).
        """
        conditions: list[str] = []
        if self.scope.is_node:
            conditions.append(f"{alias}.{self._node_statements()}")
        if text and self.fts is not None:
            conditions.append(self._text_condition(alias))
        if self._issue_marks:
            conditions.append(self._issue_condition(alias))
        if self._person_marks:
            conditions.append(self._people_condition(alias))
        if self._tag_marks:
            conditions.append(self._tag_condition(alias))
        if self._has_notes:
            conditions.append(self._note_condition(alias))
        if meetings and self.has_meeting_terms:
            conditions.append(f"{alias}.meeting_id IN (SELECT id FROM filtered_meetings)")
        return conditions

    # Across the archive each statement term is a set of ids, built once from its index, and
    # the sets intersect. Within one meeting, section or item, or one year, checking its
    # statements one by one beats building sets that may hold a third of the archive; only
    # the search text stays a set there (FTS5 parses its query again for every check), narrowed
    # to a node's range of ids.

    @property
    def _per_row(self) -> bool:
        scope = self.scope
        return scope.is_node or scope.year is not None or scope.undated or scope.row_by_row

    def _text_condition(self, s: str) -> str:
        fts = "SELECT rowid FROM statements_fts WHERE statements_fts MATCH :f_fts"
        if not self.scope.is_node:
            return f"{s}.id IN ({fts})"
        # A node's statements were written together, so their ids are a narrow range that
        # FTS5 can seek to; asking FTS5 once per statement would parse the query each time.
        node = self._node_statements()
        return (f"{s}.id IN ({fts} AND rowid BETWEEN (SELECT min(id) FROM statements WHERE "
                f"{node}) AND (SELECT max(id) FROM statements WHERE {node}))")

    def _issue_condition(self, s: str) -> str:
        """Tagged with a selected issue or a narrower one: statement_issue_closure holds each
        statement with every issue it is about, broader ones included (db/002)."""
        issues = ", ".join(self._issue_marks)
        if not self._per_row:
            return (f"{s}.id IN (SELECT statement_id FROM statement_issue_closure "
                    f"WHERE issue_id IN ({issues}))")
        return (f"EXISTS (SELECT 1 FROM statement_issue_closure WHERE statement_id = {s}.id "
                f"AND issue_id IN ({issues}))")

    def _people_condition(self, s: str) -> str:
        """The person spoke it, or it is a joint statement of a meeting where one of them was
        a principal."""
        people = ", ".join(self._person_marks)
        if not self._per_row:
            # Two indexed look-ups rather than an OR the planner cannot split.
            return (f"{s}.id IN (SELECT id FROM statements WHERE speaker_id IN ({people}) "
                    "UNION ALL SELECT joint.id FROM participants "
                    "JOIN statements AS joint ON joint.meeting_id = participants.meeting_id "
                    "AND joint.is_joint = 1 WHERE participants.role = 'principal' "
                    f"AND participants.person_id IN ({people}))")
        return (f"({s}.speaker_id IN ({people}) OR ({s}.is_joint = 1 AND EXISTS ("
                f"SELECT 1 FROM participants WHERE participants.meeting_id = {s}.meeting_id "
                f"AND participants.role = 'principal' AND participants.person_id IN ({people}))))")

    # The user's tags and notes are few (hundreds, thousands), so what they select is a small
    # set, built once per query (an uncorrelated IN) whatever the scope; the views of
    # db/*_research_notes.sql expand a node to its statements and resolve it by identifier to
    # the rows holding it now.

    def _tag_condition(self, s: str) -> str:
        tags = ", ".join(self._tag_marks)
        return (f"{s}.id IN (SELECT statement_id FROM user_tagged_statements "
                f"WHERE tag_id IN ({tags}))")

    def _note_condition(self, s: str) -> str:
        words = " AND ".join(f"body LIKE {mark} ESCAPE '{LIKE_ESCAPE}'" for mark in self._note_marks)
        notes = "SELECT node_id FROM user_notes" + (f" WHERE {words}" if words else "")
        return (f"{s}.id IN (SELECT statement_id FROM user_node_statements "
                f"WHERE node_id IN ({notes}))")

    def shown_meeting_conditions(self, alias: str) -> list[str]:
        """Conditions for a meeting ``alias`` the tree shows: it satisfies the meeting terms
        and, when the filter narrows statements, holds a matching statement."""
        if self.has_statement_terms:
            return [f"{alias}.id IN (SELECT meeting_id FROM filtered_statements)"]
        return self.meeting_conditions(alias)

    # -- the WITH clause ---------------------------------------------------------------------

    def ctes(self) -> list[str]:
        """The CTE definitions this filter needs (without ``WITH``)."""
        ctes: list[str] = []
        if self.has_meeting_terms:
            ctes.append(
                "filtered_meetings(id) AS (SELECT m.id FROM meetings AS m WHERE "
                + " AND ".join(self.meeting_conditions("m")) + ")"
            )
        conditions = self._statement_conditions_all()
        if conditions:
            columns = ", ".join(f"s.{c}" for c in STATEMENT_COLUMNS)
            # Statement terms make a set worth computing once per query; meeting terms alone
            # are a cheap indexed condition, better inlined than copied (it may be most of
            # the archive).
            how = "" if self.has_statement_terms else "NOT MATERIALIZED "
            ctes.append(
                f"filtered_statements AS {how}(SELECT {columns} FROM statements AS s WHERE "
                + " AND ".join(conditions) + ")"
            )
        return ctes

    def with_clause(self, *extra: str) -> str:
        """``WITH ...`` holding this filter's CTEs and ``extra`` ones, or ''."""
        ctes = [*self.ctes(), *extra]
        return ("WITH " + ",\n    ".join(ctes) + "\n") if ctes else ""

    # -- building ----------------------------------------------------------------------------

    def _node_statements(self) -> str:
        """A condition on statements (unqualified) selecting those of the scope's node."""
        if self.scope.item_id is not None:
            return "item_id = :f_scope_item"
        if self.scope.section_id is not None:
            # Through items: their (section_id, ordinal) index finds a section's statements.
            return "item_id IN (SELECT id FROM items WHERE section_id = :f_scope_section)"
        return "meeting_id = :f_scope_meeting"

    def _statement_conditions_all(self) -> list[str]:
        return self.statement_conditions("s")

    def _bind(self, name: str, value: object) -> str:
        self.params[name] = value
        return f":{name}"

    def _bind_many(self, prefix: str, values: Iterable[object]) -> list[str]:
        return [self._bind(f"{prefix}_{n}", value) for n, value in enumerate(values)]

    def _compile_meeting_conditions(self) -> list[str]:
        """Conditions with ``{m}`` standing for the meetings alias."""
        f, scope = self.filter, self.scope
        conditions: list[str] = []
        # A node pins the meeting, so that the other meeting terms are checked on one row.
        if scope.meeting_id is not None:
            conditions.append(f"{{m}}.id = {self._bind('f_scope_meeting', scope.meeting_id)}")
        elif scope.section_id is not None:
            conditions.append("{m}.id = (SELECT meeting_id FROM sections "
                              "WHERE id = :f_scope_section)")
        elif scope.item_id is not None:
            conditions.append("{m}.id = (SELECT sections.meeting_id FROM items "
                              "JOIN sections ON sections.id = items.section_id "
                              "WHERE items.id = :f_scope_item)")
        if f.kinds:
            marks = self._bind_many("f_kind", sorted(f.kinds))
            conditions.append(f"{{m}}.kind IN ({', '.join(marks)})")
        if f.countries:
            countries = ", ".join(self._bind_many("f_country", sorted(f.countries)))
            if self._per_row:
                conditions.append("EXISTS (SELECT 1 FROM meeting_countries WHERE "
                                  f"meeting_id = {{m}}.id AND country IN ({countries}))")
            else:
                conditions.append("{m}.id IN (SELECT meeting_id FROM meeting_countries "
                                  f"WHERE country IN ({countries}))")
        if f.date_from is not None:
            start = self._bind("f_date_from", f.date_from.isoformat())
            conditions.append(f"{{m}}.held_on >= {start}")
        if f.date_to is not None:
            end = self._bind("f_date_to", f.date_to.isoformat())
            conditions.append(f"{{m}}.held_on <= {end}")
        if scope.undated:
            conditions.append("{m}.held_on IS NULL")
        elif scope.year is not None:
            # A range on the text column, so that meetings_by_held_on serves it.
            start = self._bind("f_year_start", f"{scope.year:04d}-01-01")
            end = self._bind("f_year_end", f"{scope.year + 1:04d}-01-01")
            conditions.append(f"{{m}}.held_on >= {start} AND {{m}}.held_on < {end}")
        return conditions


def without_facet(f: Filter, facet: str) -> Filter:
    """``f`` with one facet cleared: facet counts follow the other facets, not their own."""
    if facet == "dates":
        return replace(f, date_from=None, date_to=None)
    return f.without(facet)


# -- the filter in words ---------------------------------------------------------------------

#: Meeting kinds in a sentence ("in summit meetings or telephone talks"); one per MEETING_KINDS key.
KIND_PLURALS = {
    "foreign_ministers_meeting": "foreign ministers' meetings",
    "summit_meeting": "summit meetings",
    "telephone_talk": "telephone talks",
    "trilateral_meeting": "trilateral meetings",
    "other": "other meetings",
}


def _either(values: Iterable[str]) -> str:
    names = list(values)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def describe_filter(f: Filter, *, issue_names: Mapping[int, str] | None = None,
                    person_names: Mapping[int, str] | None = None,
                    tag_names: Mapping[int, str] | None = None) -> str:
    """What ``f`` selects, as a sentence for a status bar or a tooltip.

    "Statements matching “abduction” on North Korea (or narrower issues) by Koichiro Gemba, in
    summit meetings with Japan or China held from 2012-01-01 to 2012-12-31". Ids without a
    name in the mappings are shown as "issue 12" / "person 7".
    """
    issue_names = issue_names or {}
    person_names = person_names or {}
    statement_parts: list[str] = []
    text = " ".join(f.text.split())
    if text:
        statement_parts.append(f"matching “{text}”")
    if f.issues:
        names = sorted(issue_names.get(i, f"issue {i}") for i in f.issues)
        statement_parts.append(f"on {_either(names)} (or narrower issues)")
    if f.people:
        names = sorted(person_names.get(p, f"person {p}") for p in f.people)
        statement_parts.append(f"by {_either(names)} (including joint statements)")
    if f.tags:
        names = sorted(f"“{(tag_names or {}).get(t, f'tag {t}')}”" for t in f.tags)
        statement_parts.append(f"tagged {_either(names)}")
    note = " ".join(f.note_text.split())
    if note:
        statement_parts.append(f"with a note holding “{note}”")
    elif f.has_notes:
        statement_parts.append("with a note")

    kinds = [KIND_PLURALS.get(k, k) for k in sorted(f.kinds)]
    meeting_noun = _either(kinds) if kinds else "meetings"
    meeting_parts: list[str] = []
    if f.countries:
        meeting_parts.append(f"with {_either(sorted(f.countries))}")
    if f.date_from and f.date_to:
        meeting_parts.append(f"held from {f.date_from.isoformat()} to {f.date_to.isoformat()}")
    elif f.date_from:
        meeting_parts.append(f"held on or after {f.date_from.isoformat()}")
    elif f.date_to:
        meeting_parts.append(f"held on or before {f.date_to.isoformat()}")
    narrows_meetings = bool(kinds or meeting_parts)

    if not statement_parts:
        if not narrows_meetings:
            return "All meetings"
        sentence = " ".join([meeting_noun, *meeting_parts])
        return sentence[0].upper() + sentence[1:]
    sentence = "Statements " + " ".join(statement_parts)
    if narrows_meetings:
        sentence += ", in " + " ".join([meeting_noun, *meeting_parts])
    return sentence
