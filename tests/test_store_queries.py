"""The query layer over an archive of the bundled samples: what the tree, facets and detail pane
get for a filter.

Most expectations are stated as a researcher would check them ("filtering by the abduction issue
leaves the meetings that talk about abduction"); a plain-Python oracle over the same archive
then checks every count of every function for a range of filters.
"""
from __future__ import annotations

import copy
import hashlib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from archive_viewer import paths
from archive_viewer.ingest import parse_document
from archive_viewer.store import (
    Archive,
    DocumentRecord,
    delete_document,
    migrations,
    write_meeting,
)
from archive_viewer.store import queries as q
from archive_viewer.store.connection import connect
from archive_viewer.store.filter_sql import KIND_PLURALS, describe_filter
from archive_viewer.store.filters import MEETING_KINDS, Filter, fts_query

SAMPLES = paths.RESOURCES_DIR / "samples"
REFERENCE = "000_19a025d9c24d22f3.txt"


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "samples.sqlite"
    with Archive.open(path) as archive:
        summary = archive.import_paths([SAMPLES])
        assert not summary.failures, summary.summary_line()
    return path


@pytest.fixture(scope="module")
def conn(archive_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(archive_path, readonly=True)
    yield connection
    connection.close()


def issue_id(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM issues WHERE name = ?", (name,)).fetchone()[0])


def person_id(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0])


def meeting_titles(conn: sqlite3.Connection, f: Filter) -> set[str]:
    return {m.title for y in q.years(conn, f) for m in q.meetings(conn, f, y.year)}


def statement_texts(conn: sqlite3.Connection, f: Filter, meeting_id: int) -> list[str]:
    return [s.text for s in q.statements(conn, f, meeting_id=meeting_id) if s.matches]


# -- what a researcher sees ------------------------------------------------------------------

def test_the_abduction_issue_leaves_the_meetings_that_talk_about_abduction(conn) -> None:
    f = Filter(issues=frozenset({issue_id(conn, "Abduction issue")}))
    mentioning = {title for title, in conn.execute(
        "SELECT meeting_title FROM statements_in_context WHERE text LIKE '%abduction%'")}
    assert mentioning == {"Japan-ROK Foreign Ministers' Meeting (Overview)",
                          "Japan-U.S.-ROK Trilateral Foreign Ministers' Meeting (Overview)"}
    assert meeting_titles(conn, f) == mentioning
    assert q.totals(conn, f) == q.Totals(meetings=2, sections=2, statements=2)
    for year in q.years(conn, f):
        for meeting in q.meetings(conn, f, year.year):
            assert meeting.statements == 1
            [section] = q.sections(conn, f, meeting.id)
            [item] = q.items(conn, f, section.id)
            assert item.statements == 1
            [text] = statement_texts(conn, f, meeting.id)
            assert "abduction" in text.lower()


def test_a_broader_issue_includes_its_narrower_issues(conn) -> None:
    north_korea = Filter(issues=frozenset({issue_id(conn, "North Korea")}))
    abduction = Filter(issues=frozenset({issue_id(conn, "Abduction issue")}))
    missile = Filter(issues=frozenset({issue_id(conn, "Missile launch")}))
    # The abduction statements are tagged "Abduction issue" only, yet North Korea finds them.
    assert meeting_titles(conn, abduction) <= meeting_titles(conn, north_korea)
    assert meeting_titles(conn, missile) <= meeting_titles(conn, north_korea)
    rok = next(m for y in q.years(conn, north_korea) for m in q.meetings(conn, north_korea, y.year)
               if m.title == "Japan-ROK Foreign Ministers' Meeting (Overview)")
    texts = statement_texts(conn, north_korea, rok.id)
    assert any("abduction issue" in t for t in texts)
    assert [s.title for s in q.sections(conn, north_korea, rok.id)] == ["North Korean Issues"]


def test_a_person_keeps_their_meetings_their_statements_and_joint_ones(conn) -> None:
    gemba = person_id(conn, "Koichiro Gemba")
    f = Filter(people=frozenset({gemba}))
    assert meeting_titles(conn, f) == {
        "Japan-ROK Foreign Ministers' Meeting (Overview)",
        "Japan-China Foreign Ministers' Meeting (Overview)",
        "Japan-U.S. Foreign Ministerial Meeting",
        "Japan-U.S.-ROK Trilateral Foreign Ministers' Meeting (Overview)",
    }
    rok = next(m for m in q.meetings(conn, f, 2012) if m.title.startswith("Japan-ROK"))
    views = q.statements(conn, f, meeting_id=rok.id)
    assert [v.speaker_name for v in views if v.matches and not v.is_joint] == [
        "Koichiro Gemba"] * 5
    assert all(v.matches for v in views if v.is_joint)
    assert not any(v.matches for v in views if v.speaker_name == "Kim Sung-hwan")
    unattributed = [v for v in views if v.speaker_id is None and not v.is_joint]
    assert unattributed and not any(v.matches for v in unattributed)
    assert rok.statements == sum(v.matches for v in views) == 9


def test_country_kind_and_date_range_combine_with_and(conn) -> None:
    china = Filter(countries=frozenset({"China"}))
    assert len(meeting_titles(conn, china)) == 3
    f = replace(china, kinds=frozenset({"foreign_ministers_meeting"}),
                date_from=date(2011, 1, 1), date_to=date(2012, 12, 31))
    assert meeting_titles(conn, f) == {"Japan-China Foreign Ministers' Meeting (Overview)"}
    # Two values of one facet: either; across facets: both.
    either = Filter(countries=frozenset({"China", "United States"}))
    assert len(meeting_titles(conn, either)) == 6
    both = replace(either, kinds=frozenset({"summit_meeting"}))
    assert meeting_titles(conn, both) == {"The Outline of Japan-U.S. Summit Meeting"}
    assert meeting_titles(conn, replace(f, date_from=date(2013, 1, 1))) == set()


def test_years_are_newest_first_and_meetings_come_in_batches(conn) -> None:
    f = Filter()
    assert [(y.year, y.meetings) for y in q.years(conn, f)] == [
        (2018, 2), (2016, 1), (2012, 3), (2011, 2), (2010, 1)]
    everything = q.meetings(conn, f, 2012)
    assert [m.held_on for m in everything] == ["2012-09-28", "2012-04-07", "2012-04-07"]
    assert everything[1].id > everything[2].id  # same day: id descending
    assert q.meetings(conn, f, 2012, offset=1, limit=1) == [everything[1]]
    assert q.meetings(conn, f, 2012, offset=3) == []
    assert q.meeting_count(conn, f, 2012) == 3
    assert q.meeting_count(conn, f, None) == 0 and q.meetings(conn, f, None) == []
    assert q.totals(conn, f) == q.Totals(meetings=9, sections=17, statements=52)


def test_undated_meetings_are_the_last_year_node(tmp_path: Path) -> None:
    path = tmp_path / "undated.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([SAMPLES / REFERENCE, SAMPLES / "103_f6bfc778e139f293.txt"])
        with archive.transaction() as writable:
            writable.execute("UPDATE meetings SET held_on = NULL WHERE id = 1")
    reader = connect(path, readonly=True)
    try:
        assert q.years(reader, Filter()) == [q.YearNode(2016, 1), q.YearNode(None, 1)]
        [undated] = q.meetings(reader, Filter(), None)
        assert undated.held_on is None and q.meeting_count(reader, Filter(), None) == 1
        # A date range leaves undated meetings out.
        assert q.years(reader, Filter(date_from=date(2000, 1, 1))) == [q.YearNode(2016, 1)]
    finally:
        reader.close()


def test_tree_nodes_carry_their_labels_and_counts(conn) -> None:
    [rok] = [m for m in q.meetings(conn, Filter(), 2012) if m.title.startswith("Japan-ROK")]
    assert (rok.location, rok.kind, rok.sections, rok.statements) == (
        "Ningbo, China", "foreign_ministers_meeting", 2, 11)
    sections = q.sections(conn, Filter(), rok.id)
    assert [(s.number, s.title, s.items, s.statements) for s in sections] == [
        ("1", "North Korean Issues", 5, 7), ("2", "Japan-ROK Relations", 3, 4)]
    items = q.items(conn, Filter(), sections[0].id)
    assert [(i.ordinal, i.label) for i in items] == [(n, f"({n})") for n in range(1, 6)]
    assert items[0].preview.startswith("Minister Kim expressed hope")
    assert all(len(i.preview) <= q.PREVIEW_CHARS for i in items)
    assert items[0].preview.endswith("…") and "\n" not in items[0].preview
    assert q.section_of(conn, sections[0].id) == sections[0]
    assert q.item_of(conn, items[0].id) == items[0]
    assert q.section_of(conn, 10**9) is None and q.item_of(conn, 10**9) is None
    # A filtered tree counts what matches; section_of/item_of stay unfiltered.
    f = Filter(people=frozenset({person_id(conn, "Kim Sung-hwan")}), text="exchange")
    [section] = q.sections(conn, f, rok.id)
    assert (section.title, section.items, section.statements) == ("North Korean Issues", 1, 1)
    assert q.section_of(conn, section.id) == sections[0]


def test_a_filter_hides_sections_and_items_of_other_meetings(conn) -> None:
    [rok] = [m for m in q.meetings(conn, Filter(), 2012) if m.title.startswith("Japan-ROK")]
    section = q.sections(conn, Filter(), rok.id)[0]
    summits = Filter(kinds=frozenset({"summit_meeting"}))
    assert q.sections(conn, summits, rok.id) == []
    assert q.items(conn, summits, section.id) == []
    # Without statement terms every section and item of a shown meeting is shown.
    fm = Filter(kinds=frozenset({"foreign_ministers_meeting"}))
    assert q.sections(conn, fm, rok.id) == q.sections(conn, Filter(), rok.id)
    assert q.items(conn, fm, section.id) == q.items(conn, Filter(), section.id)


# -- facets ----------------------------------------------------------------------------------

def values(facet: list[q.FacetValue]) -> dict[int | str, int]:
    return {v.key: v.count for v in facet}


def test_facet_counts_follow_the_other_facets(conn) -> None:
    nk = issue_id(conn, "North Korea")
    everything = q.facets(conn, Filter())
    f = Filter(issues=frozenset({nk}))
    narrowed = q.facets(conn, f)
    # Its own selection does not narrow the issue facet ...
    assert values(narrowed.issues) == values(everything.issues)
    # ... but narrows all others: kinds count the meetings talking about North Korea.
    kinds = defaultdict(int)
    for year in q.years(conn, f):
        for meeting in q.meetings(conn, f, year.year):
            kinds[meeting.kind] += 1
    assert values(narrowed.kinds) == dict(kinds)
    assert sum(values(everything.kinds).values()) == 9
    # Adding a country narrows the kinds and issues, not the countries.
    both = replace(f, countries=frozenset({"United States"}))
    facets = q.facets(conn, both)
    assert values(facets.countries) == values(narrowed.countries)
    assert values(facets.kinds) == {"trilateral_meeting": 1}
    assert values(facets.issues)[nk] == q.totals(conn, both).statements


def test_facets_list_labels_parents_and_sort_by_count(conn) -> None:
    facets = q.facets(conn, Filter())
    counts = [v.count for v in facets.issues]
    assert counts == sorted(counts, reverse=True)
    by_name = {v.label: v for v in facets.issues}
    assert by_name["Abduction issue"].parent == by_name["North Korea"].key
    assert by_name["Abduction issue"].count == 2
    # A parent counts each statement once, its narrower issues' included.
    assert by_name["North Korea"].count == q.totals(
        conn, Filter(issues=frozenset({by_name["North Korea"].key}))).statements == 14
    ids = {v.key for v in facets.issues}
    assert all(v.parent in ids for v in facets.issues if v.parent is not None)
    assert all(v.count > 0 for v in facets.issues)
    people = {v.label: v.count for v in facets.people}
    assert people["Koichiro Gemba (Japan)"] == q.totals(
        conn, Filter(people=frozenset({person_id(conn, "Koichiro Gemba")}))).statements
    assert values(facets.countries) == {"Japan": 9, "Republic of Korea": 4, "China": 3,
                                        "United States": 3}
    assert {v.key: v.label for v in facets.kinds}["telephone_talk"] == "Telephone talk"
    assert (facets.date_min, facets.date_max) == ("2010-10-29", "2018-10-26")


def test_a_selected_value_with_no_matches_is_still_listed(conn) -> None:
    piracy = issue_id(conn, "Piracy")
    moon = person_id(conn, "Moon Jae-in")
    f = Filter(issues=frozenset({piracy}), people=frozenset({moon}),
               countries=frozenset({"Atlantis"}), kinds=frozenset({"other"}))
    facets = q.facets(conn, f)
    assert values(facets.issues)[piracy] == 0
    maritime = next(v for v in facets.issues if v.key == piracy).parent
    assert maritime in values(facets.issues)  # its broader issue, for the tree
    assert values(facets.people)[moon] == 0
    assert values(facets.countries)["Atlantis"] == 0
    assert values(facets.kinds)["other"] == 0
    assert q.totals(conn, f) == q.Totals(0, 0, 0) and q.years(conn, f) == []


def test_date_facet_follows_the_other_facets_not_its_own(conn) -> None:
    f = Filter(countries=frozenset({"China"}), date_from=date(2012, 1, 1))
    facets = q.facets(conn, f)
    assert (facets.date_min, facets.date_max) == ("2010-10-29", "2018-10-26")
    assert q.facets(conn, Filter(text="Senkaku")).date_max == "2010-10-29"


# -- one meeting -----------------------------------------------------------------------------

def test_meeting_detail_of_the_reference_document(conn) -> None:
    [meeting_id] = [row[0] for row in conn.execute(
        "SELECT meetings.id FROM meetings JOIN documents ON documents.id = meetings.document_id "
        "WHERE documents.file_name = ?", (REFERENCE,))]
    detail = q.meeting_detail(conn, meeting_id)
    assert detail is not None
    assert detail.title == "Japan-ROK Foreign Ministers' Meeting (Overview)"
    assert detail.kind == "foreign_ministers_meeting"
    assert (detail.held_on, detail.published_on) == ("2012-04-07", "2012-04-25")
    assert detail.location == "Ningbo, China"
    assert detail.occasion and "Japan-China-ROK Foreign Ministers" in detail.occasion
    assert detail.summary.startswith("Minister for Foreign Affairs Koichiro Gemba held talks")
    assert detail.countries == ["Japan", "Republic of Korea"]
    assert [(p.name, p.title, p.country, p.role) for p in detail.participants] == [
        ("Koichiro Gemba", "Minister for Foreign Affairs", "Japan", "principal"),
        ("Kim Sung-hwan", "Minister of Foreign Affairs and Trade", "Republic of Korea",
         "principal"),
        ("Shinsuke Sugiyama",
         "Director-General of Asian and Oceanian Affairs Bureau, Ministry of Foreign Affairs",
         "Japan", "attendee"),
        ("Cho Sei-young", ("Director-General of Northeast Asian Affairs Bureau, Ministry of "
                           "Foreign Affairs and Trade"), "Republic of Korea", "attendee"),
    ]
    assert detail.file_name == REFERENCE
    assert Path(detail.source_path) == (SAMPLES / REFERENCE).resolve()
    assert q.meeting_detail(conn, 10**9) is None


def test_statements_in_document_order_with_speakers_issues_and_matches(conn) -> None:
    [rok] = [m for m in q.meetings(conn, Filter(), 2012) if m.title.startswith("Japan-ROK")]
    views = q.statements(conn, Filter(), meeting_id=rok.id)
    assert len(views) == 11 and all(v.matches for v in views)
    order = [(v.section_number, v.item_label, v.ordinal) for v in views]
    assert order == sorted(order)
    first = views[0]
    assert (first.speaker_name, first.speaker_country, first.is_joint) == (
        "Kim Sung-hwan", "Republic of Korea", False)
    assert (first.section_title, first.item_label) == ("North Korean Issues", "(1)")
    assert "North Korea" in first.issues
    joint = [v for v in views if v.is_joint]
    assert joint and all(v.speaker_id is None and v.speaker_name is None for v in joint)
    # The same statements through the section and the item.
    section_views = q.statements(conn, Filter(), section_id=first.section_id)
    assert section_views == [v for v in views if v.section_id == first.section_id]
    assert q.statements(conn, Filter(), item_id=first.item_id) == [first]
    # Matches follow the statement terms only; meeting terms do not unmark statements.
    f = Filter(text="missile", kinds=frozenset({"summit_meeting"}))
    marked = [v.id for v in q.statements(conn, f, meeting_id=rok.id) if v.matches]
    assert marked and all("missile" in v.text.lower() for v in views if v.id in marked)
    with pytest.raises(ValueError):
        q.statements(conn, Filter())
    with pytest.raises(ValueError):
        q.statements(conn, Filter(), meeting_id=rok.id, item_id=first.item_id)


# -- the filter in words ---------------------------------------------------------------------

def test_a_filter_reads_as_a_sentence(conn) -> None:
    assert q.filter_description(conn, Filter()) == "All meetings"
    f = Filter(text=" missile   launch ", issues=frozenset({issue_id(conn, "North Korea")}),
               people=frozenset({person_id(conn, "Koichiro Gemba")}),
               countries=frozenset({"Japan", "China"}), kinds=frozenset({"summit_meeting"}),
               date_from=date(2012, 1, 1), date_to=date(2012, 12, 31))
    assert q.filter_description(conn, f) == (
        "Statements matching “missile launch” on North Korea (or narrower issues) by Koichiro "
        "Gemba (including joint statements), in summit meetings with China or Japan held from "
        "2012-01-01 to 2012-12-31")
    assert describe_filter(Filter(kinds=frozenset({"telephone_talk", "other"}))) == (
        "Other meetings or telephone talks")
    assert describe_filter(Filter(date_to=date(2001, 2, 3))) == (
        "Meetings held on or before 2001-02-03")
    assert KIND_PLURALS.keys() == MEETING_KINDS.keys()


# -- every count against a plain-Python reading of the archive -------------------------------

@dataclass
class Oracle:
    """The archive read into Python, and the filter semantics written out naively."""

    conn: sqlite3.Connection

    def __post_init__(self) -> None:
        c = self.conn
        self.statements = c.execute("""
            SELECT st.id, sec.meeting_id, sec.id, st.item_id, st.speaker_id, st.is_joint
            FROM statements st JOIN items it ON it.id = st.item_id
            JOIN sections sec ON sec.id = it.section_id""").fetchall()
        self.tags = defaultdict(set)
        for statement, issue in c.execute("SELECT statement_id, issue_id FROM statement_issues"):
            self.tags[statement].add(issue)
        self.parent = dict(c.execute("SELECT id, parent_id FROM issues"))
        self.principals = defaultdict(set)
        for meeting, person in c.execute(
                "SELECT meeting_id, person_id FROM participants WHERE role = 'principal'"):
            self.principals[meeting].add(person)
        self.meetings = {row[0]: row[1:] for row in c.execute(
            "SELECT id, kind, held_on FROM meetings")}
        self.countries = defaultdict(set)
        for meeting, country in c.execute("SELECT meeting_id, country FROM meeting_countries"):
            self.countries[meeting].add(country)
        self.sections = dict(c.execute("SELECT id, meeting_id FROM sections"))
        self.items = dict(c.execute("SELECT id, section_id FROM items"))

    def ancestors(self, issue: int) -> set[int]:
        found = set()
        while issue is not None and issue not in found:
            found.add(issue)
            issue = self.parent[issue]
        return found

    def text_ids(self, text: str) -> set[int] | None:
        expression = fts_query(text)
        if expression is None:
            return None
        return {r[0] for r in self.conn.execute(
            "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?", (expression,))}

    def statement_terms(self, f: Filter) -> bool:
        return fts_query(f.text) is not None or bool(f.issues or f.people)

    def meeting_ok(self, meeting: int, f: Filter) -> bool:
        kind, held_on = self.meetings[meeting]
        return ((not f.kinds or kind in f.kinds)
                and (not f.countries or bool(self.countries[meeting] & f.countries))
                and (f.date_from is None or (held_on is not None
                                             and held_on >= f.date_from.isoformat()))
                and (f.date_to is None or (held_on is not None
                                           and held_on <= f.date_to.isoformat())))

    def matching(self, f: Filter) -> list[tuple]:
        text_ids = self.text_ids(f.text)
        result = []
        for row in self.statements:
            sid, meeting, _section, _item, speaker, joint = row
            if text_ids is not None and sid not in text_ids:
                continue
            if f.issues and not any(self.ancestors(t) & f.issues for t in self.tags[sid]):
                continue
            if f.people and not (speaker in f.people
                                 or (joint and self.principals[meeting] & f.people)):
                continue
            if self.meeting_ok(meeting, f):
                result.append(row)
        return result

    def shown_meetings(self, f: Filter) -> set[int]:
        if self.statement_terms(f):
            return {row[1] for row in self.matching(f)}
        return {m for m in self.meetings if self.meeting_ok(m, f)}


def _filters(conn: sqlite3.Connection) -> dict[str, Filter]:
    nk, abduction = issue_id(conn, "North Korea"), issue_id(conn, "Abduction issue")
    relations = issue_id(conn, "Bilateral relations")
    gemba, yang = person_id(conn, "Koichiro Gemba"), person_id(conn, "Yang Jiechi")
    clinton = person_id(conn, "Hillary Rodham Clinton")
    return {
        "empty": Filter(),
        "abduction": Filter(issues=frozenset({abduction})),
        "north korea": Filter(issues=frozenset({nk})),
        "two issues": Filter(issues=frozenset({abduction, relations})),
        "gemba": Filter(people=frozenset({gemba})),
        "gemba or yang": Filter(people=frozenset({gemba, yang})),
        "clinton on north korea": Filter(people=frozenset({clinton}), issues=frozenset({nk})),
        "text": Filter(text="missile OR nuclear"),
        "text and person": Filter(text="minister*", people=frozenset({gemba})),
        "punctuation only": Filter(text="* ( -"),
        "country and kind": Filter(countries=frozenset({"Japan"}),
                                   kinds=frozenset({"summit_meeting", "telephone_talk"})),
        "dates": Filter(date_from=date(2011, 6, 1), date_to=date(2016, 12, 31)),
        "everything": Filter(text="north", issues=frozenset({nk}), people=frozenset({gemba}),
                             countries=frozenset({"Republic of Korea", "United States"}),
                             date_from=date(2012, 1, 1)),
        "nothing": Filter(text="zyzzyva"),
    }


FILTER_NAMES = ["empty", "abduction", "north korea", "two issues", "gemba", "gemba or yang",
                "clinton on north korea", "text", "text and person", "punctuation only",
                "country and kind", "dates", "everything", "nothing"]


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_every_count_agrees_with_a_plain_reading_of_the_archive(conn, name: str) -> None:
    f = _filters(conn)[name]
    oracle = Oracle(conn)
    matching = oracle.matching(f)
    terms = oracle.statement_terms(f)
    shown = oracle.shown_meetings(f)
    if terms:
        shown_sections = {row[2] for row in matching}
    else:
        shown_sections = {s for s, m in oracle.sections.items() if m in shown}

    assert q.totals(conn, f) == q.Totals(len(shown), len(shown_sections), len(matching))
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for meeting in shown:
        held_on = oracle.meetings[meeting][1]
        by_year[int(held_on[:4]) if held_on else None].append(meeting)
    assert {y.year: y.meetings for y in q.years(conn, f)} == {
        y: len(ms) for y, ms in by_year.items()}
    for year, ids in by_year.items():
        nodes = q.meetings(conn, f, year)
        assert {n.id for n in nodes} == set(ids)
        assert q.meeting_count(conn, f, year) == len(ids)
        for node in nodes:
            rows = [r for r in matching if r[1] == node.id]
            assert node.statements == len(rows)
            sections = q.sections(conn, f, node.id)
            assert node.sections == len(sections)
            expected_sections = ({r[2] for r in rows} if terms else
                                 {s for s, m in oracle.sections.items() if m == node.id})
            assert {s.id for s in sections} == expected_sections
            for section in sections:
                section_rows = [r for r in rows if r[2] == section.id]
                assert section.statements == len(section_rows)
                node_items = q.items(conn, f, section.id)
                assert section.items == len(node_items)
                expected_items = ({r[3] for r in section_rows} if terms else
                                  {i for i, s in oracle.items.items() if s == section.id})
                assert {i.id for i in node_items} == expected_items
                for item in node_items:
                    assert item.statements == len([r for r in section_rows if r[3] == item.id])
            marked = {v.id for v in q.statements(conn, f, meeting_id=node.id) if v.matches}
            in_meeting = {r[0] for r in oracle.matching(
                Filter(text=f.text, issues=f.issues, people=f.people)) if r[1] == node.id}
            assert marked == in_meeting


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_every_facet_count_agrees_with_a_plain_reading_of_the_archive(conn, name: str) -> None:
    f = _filters(conn)[name]
    oracle = Oracle(conn)
    facets = q.facets(conn, f)

    issue_counts: dict[int, int] = defaultdict(int)
    for row in oracle.matching(f.without("issues")):
        for issue in set().union(*(oracle.ancestors(t) for t in oracle.tags[row[0]])):
            issue_counts[issue] += 1
    assert {k: v for k, v in values(facets.issues).items() if v} == dict(issue_counts)

    people_counts: dict[int, int] = defaultdict(int)
    for _sid, meeting, _sec, _item, speaker, joint in oracle.matching(f.without("people")):
        for person in ({speaker} if speaker else set()) | (
                oracle.principals[meeting] if joint else set()):
            people_counts[person] += 1
    assert {k: v for k, v in values(facets.people).items() if v} == dict(people_counts)

    countries: dict[str, int] = defaultdict(int)
    for meeting in oracle.shown_meetings(f.without("countries")):
        for country in oracle.countries[meeting]:
            countries[country] += 1
    assert {k: v for k, v in values(facets.countries).items() if v} == dict(countries)

    kinds: dict[str, int] = defaultdict(int)
    for meeting in oracle.shown_meetings(f.without("kinds")):
        kinds[oracle.meetings[meeting][0]] += 1
    assert {k: v for k, v in values(facets.kinds).items() if v} == dict(kinds)

    dated = [oracle.meetings[m][1] for m in
             oracle.shown_meetings(replace(f, date_from=None, date_to=None))
             if oracle.meetings[m][1]]
    assert (facets.date_min, facets.date_max) == (
        (min(dated), max(dated)) if dated else (None, None))


# -- the schema's statement context and the query plans --------------------------------------

def test_statements_know_their_meeting_and_section_whoever_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "context.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([SAMPLES / REFERENCE])
        with archive.transaction() as c:  # a researcher adding a statement by hand
            c.execute("INSERT INTO statements (item_id, ordinal, text) "
                      "SELECT max(id), 99, 'Added by hand.' FROM items")
            c.execute("UPDATE statements SET item_id = (SELECT min(id) FROM items) "
                      "WHERE text = 'Added by hand.'")
        mismatched = archive.connection().execute("""
            SELECT count(*) FROM statements st JOIN items it ON it.id = st.item_id
            JOIN sections sec ON sec.id = it.section_id
            WHERE st.meeting_id IS NOT sec.meeting_id OR st.section_id IS NOT sec.id""")
        assert mismatched.fetchone()[0] == 0


def _closure(conn: sqlite3.Connection) -> set[tuple[int, int]]:
    return set(conn.execute("SELECT statement_id, issue_id FROM statement_issue_closure"))


def _closure_from_scratch(conn: sqlite3.Connection) -> set[tuple[int, int]]:
    """What statement_issue_closure must hold, walking issues.parent_id recursively."""
    return set(conn.execute("""
        WITH RECURSIVE up(issue_id, ancestor_id) AS (
            SELECT id, id FROM issues
            UNION SELECT up.issue_id, issues.parent_id FROM up
            JOIN issues ON issues.id = up.ancestor_id WHERE issues.parent_id IS NOT NULL)
        SELECT DISTINCT tag.statement_id, up.ancestor_id
        FROM statement_issues AS tag JOIN up ON up.issue_id = tag.issue_id"""))


def test_the_issue_closure_follows_tags_deletions_and_thesaurus_changes(tmp_path: Path) -> None:
    path = tmp_path / "closure.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([SAMPLES])
        c = archive.connection()
        assert _closure(c) == _closure_from_scratch(c) != set()
        nk, abduction = issue_id(c, "North Korea"), issue_id(c, "Abduction issue")
        relations, takeshima = issue_id(c, "Bilateral relations"), issue_id(c, "Takeshima")
        [(tagged_abduction_only,)] = c.execute("""
            SELECT statement_id FROM statement_issues GROUP BY statement_id
            HAVING count(*) = 1 AND max(issue_id) = ?""", (abduction,)).fetchall()
        steps = [
            ("INSERT INTO statement_issues (statement_id, issue_id) VALUES (?, ?)",
             (tagged_abduction_only, takeshima)),
            ("UPDATE statement_issues SET issue_id = ? WHERE statement_id = ? AND issue_id = ?",
             (relations, tagged_abduction_only, takeshima)),
            ("DELETE FROM statement_issues WHERE statement_id = ? AND issue_id = ?",
             (tagged_abduction_only, relations)),
            ("UPDATE issues SET parent_id = ? WHERE id = ?", (relations, abduction)),
        ]
        for sql, params in steps:
            with archive.transaction() as w:
                w.execute(sql, params)
            assert _closure(c) == _closure_from_scratch(c), sql
        # The moved issue's statements now count under its new broader issue, not the old.
        f_nk, f_relations = (Filter(issues=frozenset({nk})),
                             Filter(issues=frozenset({relations})))
        in_meeting_1 = {v.id for v in q.statements(c, f_relations, meeting_id=1) if v.matches}
        assert tagged_abduction_only in in_meeting_1
        assert tagged_abduction_only not in {
            v.id for v in q.statements(c, f_nk, meeting_id=1) if v.matches}
        # Reloading the thesaurus moves it back; deleting a document leaves nothing behind.
        archive.refresh_thesaurus()
        assert c.execute("SELECT parent_id FROM issues WHERE id = ?", (abduction,)).fetchone() == (
            nk,)
        assert _closure(c) == _closure_from_scratch(c)
        with archive.transaction() as w:
            delete_document(w, 1)
        assert _closure(c) == _closure_from_scratch(c)
        orphans = c.execute("SELECT count(*) FROM statement_issue_closure WHERE statement_id "
                            "NOT IN (SELECT id FROM statements)").fetchone()[0]
        assert orphans == 0


def _downgrade_to_schema_1(conn: sqlite3.Connection) -> None:
    """Remove what the migrations after db/001 add, leaving the data as an archive of schema 1
    holds it."""
    conn.execute("BEGIN")
    for migration in reversed(migrations.discover()[1:]):
        sql = migration.path.read_text(encoding="utf-8")
        for kind, name in re.findall(r"CREATE (TRIGGER|VIEW|TABLE|INDEX) (\w+)", sql):
            conn.execute(f"DROP {kind} IF EXISTS {name}")  # a table takes its indexes with it
        for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", sql):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")


def test_an_archive_of_schema_1_is_upgraded_with_context_and_closure(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([SAMPLES]).failures
    old = sqlite3.connect(path, isolation_level=None)
    _downgrade_to_schema_1(old)
    assert "meeting_id" not in {row[1] for row in old.execute("PRAGMA table_info(statements)")}
    old.close()
    with Archive.open(path) as archive:
        c = archive.connection()
        assert archive.schema_version == migrations.latest_version() >= 2
        assert _closure(c) == _closure_from_scratch(c) != set()
        mismatched = c.execute("""
            SELECT count(*) FROM statements st JOIN items it ON it.id = st.item_id
            JOIN sections sec ON sec.id = it.section_id
            WHERE st.meeting_id IS NOT sec.meeting_id OR st.section_id IS NOT sec.id""")
        assert mismatched.fetchone()[0] == 0
        assert q.totals(c, Filter(issues=frozenset({issue_id(c, "North Korea")}))).statements == 14


def build_synthetic_archive(path: Path, meetings: int) -> None:
    """An archive of ``meetings`` meetings: the parsed samples again and again, on other days
    and with other people, written through write_meeting in one transaction."""
    samples = [parse_document(p.read_bytes(), p.name) for p in sorted(SAMPLES.iterdir())
               if p.suffix in (".txt", ".html")]
    with Archive.open(path) as archive, archive.transaction() as c:
        for n in range(meetings):
            meeting = copy.deepcopy(samples[n % len(samples)])
            if n % 3:
                renamed = {p.name: f"{p.name} {n % 7}" for p in meeting.people}
                for person in meeting.people:
                    person.name = renamed[person.name]
                for statement in meeting.statements():
                    statement.speaker = renamed.get(statement.speaker, statement.speaker)
            meeting.held_on = date(2000, 1, 1) + timedelta(days=37 * n)
            digest = hashlib.sha256(f"synthetic {n}".encode()).hexdigest()
            write_meeting(c, meeting, DocumentRecord(
                f"/synthetic/{n}.txt", f"{n}.txt", digest, "text", 0, "", "2024-01-01T00:00:00"))


def _plans(conn: sqlite3.Connection, call: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    lines = []
    for sql in seen:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            lines += [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    return lines


TABLE_SCAN = re.compile(r"SCAN (\w+)")
#: The archive's big tables and the aliases queries.py gives them.
ARCHIVE_TABLES = {"statements", "statement_issues", "items", "sections", "meetings",
                  "meeting_countries", "participants", "s", "m", "it", "sec", "si", "mc"}


def test_filtered_queries_read_statements_through_indexes(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.sqlite"
    build_synthetic_archive(path, 120)
    reader = connect(path, readonly=True)
    try:
        nk = issue_id(reader, "North Korea")
        gemba = person_id(reader, "Koichiro Gemba")
        f = Filter(text="missile", issues=frozenset({nk}), people=frozenset({gemba}),
                   countries=frozenset({"Japan"}))
        meeting = q.meetings(reader, Filter(), 2005)[0].id
        section = q.sections(reader, Filter(), meeting)[0].id
        calls: list[Callable[[], object]] = [
            lambda: q.totals(reader, f), lambda: q.years(reader, f),
            lambda: q.meetings(reader, f, 2005), lambda: q.meeting_count(reader, f, 2005),
            lambda: q.sections(reader, f, meeting), lambda: q.items(reader, f, section),
            lambda: q.statements(reader, f, meeting_id=meeting), lambda: q.search(reader, f),
            lambda: q.meetings(reader, Filter(), 2005),
            lambda: q.sections(reader, Filter(), meeting),
            lambda: q.statements(reader, Filter(), section_id=section),
        ]
        for call in calls:
            plan = _plans(reader, call)
            assert plan
            full_scans = [line for line in plan if (match := TABLE_SCAN.match(line))
                          and match.group(1) in ARCHIVE_TABLES and "INDEX" not in line]
            assert not full_scans, plan
    finally:
        reader.close()
