"""The issue timeline's data (store/timeline.py) and its axis and marks (no Qt), on the samples.

Every lane is checked against a direct SQL query that walks the thesaurus itself (a recursive
CTE over issues.parent_id and the statements' own tags), not through statement_issue_closure
or the filter SQL the app uses.
"""
from __future__ import annotations

import random
import sqlite3
from array import array
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter, SearchHint
from archive_viewer.store.timeline import (
    JOINT,
    NO_SPEAKER,
    find_issue,
    issue_catalogue,
    issue_timeline,
    issues_of_node,
    statement_details,
)
from archive_viewer.timeline_axis import MIN_SPAN_DAYS, TimeScale, context_ticks, period_label, ticks
from archive_viewer.timeline_marks import LaneMarks, bucket_at, bucket_of_day, buckets, lane_marks


@pytest.fixture(scope="module")
def conn(samples_archive: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(samples_archive, readonly=True)
    yield connection
    connection.close()


def issue(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM issues WHERE name = ?", (name,)).fetchone()[0])


def person(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0])


ORACLE = """
    WITH RECURSIVE under(id) AS (
        SELECT :issue UNION SELECT issues.id FROM issues JOIN under ON issues.parent_id = under.id)
    SELECT s.id, m.held_on,
           CASE WHEN s.is_joint THEN 'joint' WHEN s.speaker_id IS NULL THEN 'none'
                WHEN :by = 'speaker' THEN 'person:' || s.speaker_id
                ELSE 'country:' || coalesce(pt.side, p.country) END
    FROM statements AS s
    JOIN items AS it ON it.id = s.item_id
    JOIN sections AS sec ON sec.id = it.section_id
    JOIN meetings AS m ON m.id = sec.meeting_id
    LEFT JOIN people AS p ON p.id = s.speaker_id
    LEFT JOIN participants AS pt ON pt.meeting_id = m.id AND pt.person_id = s.speaker_id
    WHERE s.id IN (SELECT statement_id FROM statement_issues WHERE issue_id IN (SELECT id FROM under))
      AND m.held_on IS NOT NULL {extra}
    ORDER BY m.held_on, s.id"""


def expected_lanes(conn: sqlite3.Connection, issue_id: int, by: str = "country", extra: str = "",
                   **params: object) -> dict[str, list[tuple[int, str]]]:
    lanes: dict[str, list[tuple[int, str]]] = {}
    for statement_id, held_on, lane in conn.execute(ORACLE.format(extra=extra),
                                                    {"issue": issue_id, "by": by, **params}):
        lanes.setdefault(lane, []).append((statement_id, held_on))
    return lanes


def actual_lanes(timeline) -> dict[str, list[tuple[int, str]]]:
    return {lane.key: [(m.statement_id, m.held_on) for m in timeline.marks(lane.key)]
            for lane in timeline.lanes}


def test_each_country_lane_holds_exactly_its_statements_in_date_order(conn) -> None:
    north_korea = issue(conn, "North Korea")
    timeline = issue_timeline(conn, Filter(), north_korea, "country")
    expected = expected_lanes(conn, north_korea)
    assert actual_lanes(timeline) == expected
    # Narrower issues are included: the abduction statement is tagged "Abduction issue" only.
    assert timeline.issue.name == "North Korea"
    assert len(timeline) == sum(map(len, expected.values())) == 14
    # Lanes: countries by number of statements, then the joint lane.
    assert [(lane.label, lane.count) for lane in timeline.lanes] == [
        ("Japan", 5), ("Republic of Korea", 1), ("Joint", 8)]
    assert list(timeline.days) == sorted(timeline.days)
    assert [date.fromordinal(d).isoformat() for d in timeline.days] == [m.held_on for m in timeline.marks()]


def test_speaker_lanes_and_the_joint_lane(conn) -> None:
    north_korea = issue(conn, "North Korea")
    timeline = issue_timeline(conn, Filter(), north_korea, "speaker")
    assert actual_lanes(timeline) == expected_lanes(conn, north_korea, "speaker")
    labels = [lane.label for lane in timeline.lanes]
    assert labels == ["Koichiro Gemba (Japan)", "Shinzo Abe (Japan)",
                      "Kim Sung-hwan (Republic of Korea)", "Joint"]
    joint = timeline.marks(JOINT)
    assert len(joint) == 8
    assert all(conn.execute("SELECT is_joint FROM statements WHERE id = ?",
                            (m.statement_id,)).fetchone()[0] for m in joint)


def test_a_statement_without_speaker_has_its_lane(conn) -> None:
    # Two sample statements name no speaker; each issue they touch shows them on that lane.
    rows = conn.execute("SELECT id FROM statements WHERE speaker_id IS NULL AND is_joint = 0").fetchall()
    found = 0
    for statement_id, in rows:
        for issue_id, in conn.execute("SELECT issue_id FROM statement_issues WHERE statement_id = ?",
                                      (statement_id,)):
            timeline = issue_timeline(conn, Filter(), issue_id)
            assert statement_id in [m.statement_id for m in timeline.marks(NO_SPEAKER)]
            assert timeline.lanes[-1].key == NO_SPEAKER  # last, after the joint lane
            found += 1
    assert found


@pytest.mark.parametrize("facet", ["countries", "dates", "kinds", "text", "people"])
def test_the_other_filters_apply(conn, facet: str) -> None:
    north_korea = issue(conn, "North Korea")
    gemba = person(conn, "Koichiro Gemba")
    f, extra, params = {
        "countries": (Filter(countries=frozenset({"United States"})),
                      "AND m.id IN (SELECT meeting_id FROM meeting_countries WHERE country = :c)",
                      {"c": "United States"}),
        "dates": (Filter(date_from=date(2012, 6, 1), date_to=date(2017, 1, 1)),
                  "AND m.held_on BETWEEN '2012-06-01' AND '2017-01-01'", {}),
        "kinds": (Filter(kinds=frozenset({"summit_meeting", "telephone_talk"})),
                  "AND m.kind IN ('summit_meeting', 'telephone_talk')", {}),
        "text": (Filter(text="abduction"),
                 "AND s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'abduction')", {}),
        "people": (Filter(people=frozenset({gemba})),
                   "AND (s.speaker_id = :p OR (s.is_joint AND EXISTS (SELECT 1 FROM participants AS x "
                   "WHERE x.meeting_id = m.id AND x.person_id = :p AND x.role = 'principal')))",
                   {"p": gemba}),
    }[facet]
    timeline = issue_timeline(conn, f, north_korea)
    expected = expected_lanes(conn, north_korea, extra=extra, **params)
    assert actual_lanes(timeline) == expected
    assert 0 < len(timeline) < 14  # each of these narrows the 14


def test_the_timelines_issue_replaces_the_filters_issues(conn) -> None:
    north_korea, economy = issue(conn, "North Korea"), issue(conn, "Economy and trade")
    timeline = issue_timeline(conn, Filter(issues=frozenset({economy})), north_korea)
    assert len(timeline) == 14
    assert timeline.filter.issues == frozenset({north_korea})


def test_nothing_matching_gives_an_empty_timeline(conn) -> None:
    timeline = issue_timeline(conn, Filter(text="zebra"), issue(conn, "North Korea"))
    assert len(timeline) == 0 and timeline.lanes == () and timeline.first_day is None
    with pytest.raises(SearchHint):
        issue_timeline(conn, Filter(text="-japan"), issue(conn, "North Korea"))
    with pytest.raises(LookupError):
        issue_timeline(conn, Filter(), 999_999)


def test_issues_by_name_synonym_and_in_thesaurus_order(conn) -> None:
    assert find_issue(conn, "north korea").name == "North Korea"
    assert find_issue(conn, "DPRK").name == "North Korea"  # a synonym
    assert find_issue(conn, "no such issue") is None
    catalogue = issue_catalogue(conn)
    names = [i.name for i in catalogue]
    assert len(names) == len(set(names)) == conn.execute("SELECT count(*) FROM issues").fetchone()[0]
    at = names.index("North Korea")
    assert catalogue[at].depth == 0
    assert names.index("Abduction issue") > at and catalogue[names.index("Abduction issue")].depth == 1


def test_issues_of_a_node_and_statement_details(conn) -> None:
    section = conn.execute("SELECT id FROM sections WHERE title = 'North Korean Issues'").fetchone()[0]
    names = [i.name for i in issues_of_node(conn, "section", section)]
    assert names[0] == "North Korea" and "Abduction issue" in names
    assert issues_of_node(conn, "year", 2012) == []
    ids = [m.statement_id for m in issue_timeline(conn, Filter(), issue(conn, "North Korea")).marks()]
    details = statement_details(conn, list(reversed(ids)) + [999_999])
    assert [d.id for d in details] == list(reversed(ids))
    joint = next(d for d in details if d.is_joint)
    assert joint.speaker_name is None and joint.meeting_title
    assert (joint.meeting_id, joint.section_id, joint.item_id) == conn.execute(
        "SELECT meeting_id, section_id, item_id FROM statements WHERE id = ?", (joint.id,)).fetchone()
    gemba = next(d for d in details if d.speaker_name == "Koichiro Gemba")
    assert gemba.speaker_country == "Japan" and gemba.issues  # its own tags (narrower ones)


# -- axis and marks ------------------------------------------------------------------------------

def test_the_axis_fits_zooms_and_labels_ticks() -> None:
    first, last = date(1995, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
    scale = TimeScale.fitted(first, last, 1000)
    assert scale.width == pytest.approx(1000)
    assert scale.day_at(scale.x_at(first + 100.5)) == pytest.approx(first + 100.5)
    assert [t.label for t in ticks(first, last, scale.pixels_per_day)][:3] == ["1996", "1998", "2000"]
    one_day = TimeScale.fitted(first, first, 1000)  # a single meeting: a few months across
    assert one_day.last_day - one_day.first_day + 1 == MIN_SPAN_DAYS
    months = ticks(date(2012, 1, 1).toordinal(), date(2012, 12, 31).toordinal(), 3.0)
    assert [t.label for t in months][:3] == ["Jan", "Feb", "Mar"] and months[0].major
    years = context_ticks(date(2012, 3, 5).toordinal(), date(2013, 6, 1).toordinal(), 3.0)
    assert [t.label for t in years] == ["2012", "2013"]
    assert years[0].day == date(2012, 3, 5).toordinal()  # the left edge names its year
    days = ticks(date(2012, 4, 1).toordinal(), date(2012, 4, 10).toordinal(), 40.0)
    assert [t.label for t in days][:3] == ["1", "2", "3"]
    assert [t.label for t in context_ticks(date(2012, 4, 1).toordinal(),
                                           date(2012, 4, 10).toordinal(), 40.0)] == ["April 2012"]
    assert period_label(date(2012, 4, 7).toordinal(), date(2018, 5, 9).toordinal()) == \
        "7 April 2012 – 9 May 2018"
    assert period_label(date(2012, 1, 1).toordinal(), date(2014, 12, 31).toordinal()) == "2012–2014"


def test_marks_group_by_day_then_by_bin(conn) -> None:
    timeline = issue_timeline(conn, Filter(), issue(conn, "North Korea"))
    lanes = lane_marks(timeline)
    joint = lanes[timeline.lane_index(JOINT)]
    assert [date.fromordinal(d).isoformat() for d in joint.days] == [
        "2012-04-07", "2012-09-28", "2016-01-07", "2018-05-09"]
    assert [joint.count_on(i) for i in range(4)] == [3, 2, 1, 2]
    assert sorted(p for lane in lanes for p in lane.positions) == list(range(len(timeline)))
    scale = TimeScale.fitted(timeline.first_day, timeline.last_day, 800)
    for bin_px in (1, 9, 400):
        found = buckets(joint, scale, 0, scale.width, bin_px)
        assert sum(b[1] for b in found) == 8  # every statement in exactly one bucket
    [everything] = buckets(joint, scale, 0, scale.width, 10_000)
    assert everything[2:] == (0, 3)
    first = bucket_of_day(joint, scale, 2, 9)
    assert first is not None and bucket_at(joint, scale, first[0] + 3, 9, 7.0) == first
    assert bucket_at(joint, scale, first[0] + 60, 9, 7.0) is None


def test_a_period_of_the_timeline_keeps_only_its_lanes_with_statements(conn) -> None:
    timeline = issue_timeline(conn, Filter(), issue(conn, "North Korea"), "speaker")
    day = date(2018, 5, 9).toordinal()
    period = timeline.between(day - 30, day)
    assert [(lane.label, lane.count) for lane in period.lanes] == [("Shinzo Abe (Japan)", 2), ("Joint", 2)]
    assert [m.statement_id for m in period.marks()] == [
        m.statement_id for m in timeline.marks() if m.held_on == "2018-05-09"]
    assert len(timeline.between(day + 1, day + 400)) == 0


def test_bins_match_a_mark_by_mark_grouping_at_any_zoom_and_stretch() -> None:
    rng = random.Random(7)
    for _trial in range(300):
        days = sorted({rng.randint(730_000, 740_000) for _ in range(rng.randint(1, 300))})
        starts = [0]
        for _day in days:
            starts.append(starts[-1] + rng.randint(1, 5))
        lane = LaneMarks(array("l", days), array("l", starts), array("l", range(starts[-1])))
        scale = TimeScale.fitted(730_000, 740_000, rng.choice([300, 1000, 5000, 400_000]))
        bin_px = rng.choice([1, 5, 9])
        x_from = rng.choice([0.0, rng.uniform(0, scale.width / 2)])
        x_to = x_from + rng.uniform(1, scale.width)
        cells: dict[int, list[int]] = {}
        for index, day in enumerate(days):
            x = scale.x_of_mark(day)
            if x_from <= x < x_to:
                cells.setdefault(int(x // bin_px), []).append(index)
        expected = [(starts[c[-1] + 1] - starts[c[0]], c[0], c[-1]) for _cell, c in sorted(cells.items())]
        found = buckets(lane, scale, x_from, x_to, bin_px)
        assert [b[1:] for b in found] == expected
        for (x, _count, first, last) in found:
            assert x == pytest.approx((scale.x_of_mark(days[first]) + scale.x_of_mark(days[last])) / 2)
