"""What the user filters by, as plain data, and the safe full-text query built from a search box.

A Filter is immutable and hashable, so views can compare the filter a result was computed for
with the current one and drop stale results. No SQL here: filter_sql.py turns a Filter into
parameterised SQL in one place.
"""
from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date

MEETING_KINDS = {
    "foreign_ministers_meeting": "Foreign ministers' meeting",
    "summit_meeting": "Summit meeting",
    "telephone_talk": "Telephone talk",
    "trilateral_meeting": "Trilateral meeting",
    "other": "Other",
}


class SearchHint(ValueError):
    """The search text cannot be searched as typed; the message says what to change."""


@dataclass(frozen=True)
class Filter:
    """Several values of one facet combine with OR, different facets with AND."""

    text: str = ""  # the search box, as typed
    issues: frozenset[int] = field(default_factory=frozenset)  # issue ids; narrower issues included
    people: frozenset[int] = field(default_factory=frozenset)  # person ids (speakers)
    countries: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    date_from: date | None = None  # meetings held on or after
    date_to: date | None = None  # meetings held on or before
    # The user's own annotations (store/notes.py). A tag or a note on a meeting, section or
    # item is about all its statements, so each of these selects those statements too.
    tags: frozenset[int] = field(default_factory=frozenset)  # the user's tag ids
    has_notes: bool = False  # only statements with a note (on them or around them)
    note_text: str = ""  # ... whose note holds these words (literally, any case)

    def is_empty(self) -> bool:
        return self == Filter()

    @property
    def has_statement_terms(self) -> bool:
        """Whether the filter narrows statements (not just meetings)."""
        return bool(self.text.strip() or self.issues or self.people or self.has_user_terms)

    @property
    def has_user_terms(self) -> bool:
        """Whether the filter asks for the user's tags or notes."""
        return bool(self.tags or self.has_notes or self.note_text.strip())

    def without(self, facet: str, value: object | None = None) -> Filter:
        """This filter with one value (or the whole facet) removed: the chip's close button."""
        current = getattr(self, facet)
        if isinstance(current, frozenset) and value is not None:
            return replace(self, **{facet: current - {value}})
        return replace(self, **{facet: _default(facet)})

    def toggled(self, facet: str, value: object) -> Filter:
        current: frozenset = getattr(self, facet)
        return replace(self, **{facet: current - {value} if value in current else current | {value}})


def _default(name: str) -> object:
    """The value a Filter field has when nothing is chosen."""
    for f in fields(Filter):
        if f.name == name:
            return f.default_factory() if f.default is MISSING else f.default  # type: ignore[misc]
    raise ValueError(f"unknown filter facet {name!r}")


_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed, or None when there is nothing to search.

    Understood: words (all must occur), "exact phrases", word* (prefix), OR between two terms,
    -word (exclude). Everything else is literal text: FTS5 operators, column filters, brackets
    and stray quotes never reach FTS5 as syntax. Raises SearchHint for a query that can only
    exclude ("-japan" alone).
    """
    # Terms joined by OR form a group; groups are ANDed, exclusions NOTed after them. Built
    # flat, "(a OR b OR c)" and "(...) NOT x NOT y", not one parenthesis per operator: FTS5's
    # parser overflows its stack at about a hundred nested ones (and nesting them one by one
    # took time quadratic in the text).
    include: list[list[str]] = []
    exclude: list[str] = []
    pending_or = False
    for m in _TOKEN.finditer(text):
        phrase, word = m.group(1), m.group(2)
        if word == "OR" and include:
            pending_or = True
            continue
        negate = False
        prefix = False
        if phrase is None:
            if word.startswith("-") and len(word) > 1:
                negate, word = True, word[1:]
            if word.endswith("*"):
                prefix, word = True, word.rstrip("*")
            words = _WORD.findall(word)
        else:
            words = _WORD.findall(phrase)
        if not words:
            continue  # punctuation only: "*", "(", "-"
        term = '"' + " ".join(words).replace('"', '""') + '"' + ("*" if prefix else "")
        if negate:
            exclude.append(term)
        elif pending_or:
            include[-1].append(term)
            pending_or = False
        else:
            include.append([term])
    if not include:
        if exclude:
            raise SearchHint("Add a word to search for: a search cannot consist of excluded words only.")
        return None
    query = " AND ".join(group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")"
                         for group in include)
    if exclude:
        query = f"({query}) NOT " + " NOT ".join(exclude)  # NOT is left-associative
    return query
