"""The benchmark's inputs, chosen from the archive itself and deterministically (issue 5).

Search terms come from the full-text index's own document frequencies (an fts5vocab table in the
temp schema, so a read-only connection is enough); the issue, person, country and date range from
plain counts. Ties are broken by name or id, so the same archive always gives the same inputs.
"""
from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from archive_viewer.store.filters import Filter
from bench.measure import plain_connection

#: Documents (statements) the rare and the medium term should match, roughly.
RARE_TARGET = 100
MEDIUM_TARGET = 10_000
#: Words of four letters or more that nobody searches a meeting archive for.
STOP_WORDS = frozenset("""
    about above after again against also among another because been before being below between
    both could does doing down during each either even ever every from further have having here
    however into itself just many more most much must neither only other ours over same shall
    should since some such than that their theirs them then there these they this those through
    thus under until upon very were what when where which while whom whose will with within
    without would your yours said says well made make like
""".split())


@dataclass(frozen=True)
class Term:
    text: str
    statements: int  # statements whose text holds the term (its document frequency)


@dataclass(frozen=True)
class Named:
    key: int | str
    name: str
    count: int  # statements tagged (issues), meetings (people, countries)


@dataclass(frozen=True)
class Inputs:
    rare: Term
    medium: Term
    common: Term
    issue: Named  # of middling popularity
    top_issue: Named  # the most popular: the worst case
    person: Named  # the person in the most meetings
    country: Named  # the most frequent partner country (not Japan)
    date_from: date
    date_to: date
    year: int  # the newest year, expanded in the tree
    section: int  # a typical section (median statements), for the detail pane and the PDF
    section_statements: int

    # -- the filters of the figures --------------------------------------------------------------

    def issue_filter(self, top: bool = False) -> Filter:
        return Filter(issues=frozenset({int((self.top_issue if top else self.issue).key)}))

    def combined_filter(self) -> Filter:
        return Filter(issues=frozenset({int(self.issue.key)}),
                      countries=frozenset({str(self.country.key)}),
                      date_from=self.date_from, date_to=self.date_to)

    def person_filter(self) -> Filter:
        return Filter(people=frozenset({int(self.person.key)}))

    def facets_filter(self) -> Filter:
        """The facets a search is combined with: the country and the last five years."""
        return Filter(countries=frozenset({str(self.country.key)}),
                      date_from=self.date_from, date_to=self.date_to)

    def search_filter(self, term: Term, *, with_facets: bool = False) -> Filter:
        return replace(self.facets_filter() if with_facets else Filter(), text=term.text)

    def notes(self) -> list[str]:
        return [
            f"terms: rare '{self.rare.text}' ({self.rare.statements:,} statements), medium "
            f"'{self.medium.text}' ({self.medium.statements:,}), very common "
            f"'{self.common.text}' ({self.common.statements:,})",
            f"issue '{self.issue.name}' ({self.issue.count:,} statements), most popular issue "
            f"'{self.top_issue.name}' ({self.top_issue.count:,})",
            f"person '{self.person.name}' ({self.person.count:,} meetings); country "
            f"'{self.country.name}' ({self.country.count:,} meetings); dates "
            f"{self.date_from} .. {self.date_to}",
            f"section {self.section} ({self.section_statements} statements); year {self.year}",
        ]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_from"], data["date_to"] = self.date_from.isoformat(), self.date_to.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inputs:
        fields = dict(data)
        for name in ("rare", "medium", "common"):
            fields[name] = Term(**fields[name])
        for name in ("issue", "top_issue", "person", "country"):
            fields[name] = Named(**fields[name])
        fields["date_from"] = date.fromisoformat(fields["date_from"])
        fields["date_to"] = date.fromisoformat(fields["date_to"])
        return cls(**fields)


def choose(path: Path) -> Inputs:
    """Everything the figures need, read from the archive at ``path`` (never written)."""
    conn = plain_connection(path)
    try:
        rare, medium, common = _terms(conn)
        issue, top_issue = _issues(conn)
        date_from, date_to, year = _dates(conn)
        section, section_statements = _typical_section(conn, year)
        return Inputs(rare=rare, medium=medium, common=common, issue=issue,
                      top_issue=top_issue, person=_person(conn), country=_country(conn),
                      date_from=date_from, date_to=date_to, year=year, section=section,
                      section_statements=section_statements)
    finally:
        conn.close()


def _terms(conn: sqlite3.Connection) -> tuple[Term, Term, Term]:
    # The temp schema is writable on a read-only connection; fts5vocab reads the index itself.
    conn.execute("CREATE VIRTUAL TABLE temp.bench_vocab "
                 "USING fts5vocab(main, 'statements_fts', 'row')")
    conn.execute("CREATE VIRTUAL TABLE temp.bench_words USING fts5 (word, tokenize = "
                 "'porter unicode61 remove_diacritics 2')")  # the archive's tokenizer
    conn.execute("CREATE VIRTUAL TABLE temp.bench_stems "
                 "USING fts5vocab(temp, 'bench_words', 'instance')")
    try:
        rows = [(term, int(doc)) for term, doc in conn.execute(
            "SELECT term, doc FROM temp.bench_vocab WHERE length(term) >= 4")
            if term.isascii() and term.isalpha()]
        if not rows:
            raise ValueError("the archive's full-text index holds no searchable words")

        def first_word(candidates: list[tuple[str, int]]) -> Term:
            for stem, doc in candidates:
                word = _typed_word(conn, stem)
                if word is not None:
                    return Term(word, doc)
            raise ValueError("no word of the archive's full-text index could be chosen")

        def nearest(target: int) -> Term:
            return first_word(sorted(rows, key=lambda r: (abs(r[1] - target), r[0])))

        common = first_word(sorted(rows, key=lambda r: (-r[1], r[0])))
        return nearest(RARE_TARGET), nearest(MEDIUM_TARGET), common
    finally:
        for table in ("bench_stems", "bench_words", "bench_vocab"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _typed_word(conn: sqlite3.Connection, stem: str) -> str | None:
    """The word users would type for an index term: terms are porter stems ("minist"), so the
    commonest word of some matching statements that stems to it ("minister"); None for a stem
    with no such plain word, or a stop word."""
    texts = [text for text, in conn.execute(
        "SELECT s.text FROM statements_fts JOIN statements AS s ON s.id = statements_fts.rowid "
        "WHERE statements_fts MATCH :q LIMIT 50", {"q": f'"{stem}"'})]
    counts = Counter(word for text in texts for word in re.findall(r"[a-z]+", text.lower())
                     if len(word) >= 4 and word[:3] == stem[:3] and word not in STOP_WORDS)
    for word, _ in counts.most_common(10):
        conn.execute("DELETE FROM temp.bench_words")
        conn.execute("INSERT INTO temp.bench_words (rowid, word) VALUES (1, ?)", (word,))
        if conn.execute("SELECT term FROM temp.bench_stems").fetchone() == (stem,):
            return word
    return None


def _issues(conn: sqlite3.Connection) -> tuple[Named, Named]:
    rows = conn.execute("""
        SELECT issues.id, issues.name, count(*) AS n
        FROM statement_issue_closure AS closure JOIN issues ON issues.id = closure.issue_id
        GROUP BY issues.id ORDER BY n DESC, issues.name""").fetchall()
    if not rows:
        raise ValueError("no statement of the archive is tagged with an issue")
    top = Named(*rows[0])
    middle = Named(*rows[len(rows) // 2])
    return middle, top


def _person(conn: sqlite3.Connection) -> Named:
    row = conn.execute("""
        SELECT people.id, people.name, count(DISTINCT pt.meeting_id) AS n
        FROM participants AS pt JOIN people ON people.id = pt.person_id
        GROUP BY people.id ORDER BY n DESC, people.id LIMIT 1""").fetchone()
    if row is None:
        raise ValueError("the archive names no participants")
    return Named(*row)


def _country(conn: sqlite3.Connection) -> Named:
    row = conn.execute("""
        SELECT country, count(*) AS n FROM meeting_countries WHERE country <> 'Japan'
        GROUP BY country ORDER BY n DESC, country LIMIT 1""").fetchone()
    if row is None:
        raise ValueError("the archive's meetings name no partner country")
    return Named(row[0], row[0], row[1])


def _dates(conn: sqlite3.Connection) -> tuple[date, date, int]:
    """The last five calendar years of the archive (the newest year counted as one)."""
    (newest,), = conn.execute("SELECT max(held_on) FROM meetings WHERE held_on IS NOT NULL")
    if newest is None:
        raise ValueError("no meeting of the archive has a date")
    last = date.fromisoformat(newest[:10])
    return date(last.year - 4, 1, 1), last, last.year


def _typical_section(conn: sqlite3.Connection, year: int) -> tuple[int, int]:
    """The section of the newest year with the median number of statements (lowest id on ties)."""
    rows = conn.execute("""
        SELECT sec.id, count(s.id) AS n
        FROM sections AS sec
        JOIN meetings AS m ON m.id = sec.meeting_id
        JOIN items AS it ON it.section_id = sec.id
        JOIN statements AS s ON s.item_id = it.id
        WHERE m.held_on >= :start AND m.held_on < :end
        GROUP BY sec.id ORDER BY n, sec.id""",
        {"start": f"{year:04d}", "end": f"{year + 1:04d}"}).fetchall()
    if not rows:
        raise ValueError(f"no section with statements in {year}")
    section, n = rows[len(rows) // 2]
    return int(section), int(n)
