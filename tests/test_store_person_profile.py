"""The person page's data (store/person_profile.py) against direct SQL on the sample archive."""
from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from archive_viewer.store.person_profile import (
    ProfileMeeting,
    TitleSpan,
    find_people,
    list_people,
    merge_candidates,
    person_profile,
    titles_over_time,
)


@pytest.fixture(scope="module")
def conn(samples_archive: Path):
    connection = sqlite3.connect(f"{samples_archive.resolve().as_uri()}?mode=ro", uri=True)
    yield connection
    connection.close()


def person_id(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]


def test_the_meetings_are_those_the_person_took_part_or_spoke_in(conn: sqlite3.Connection) -> None:
    for pid, in conn.execute("SELECT id FROM people").fetchall():
        profile = person_profile(conn, pid)
        assert profile is not None
        expected = {row[0] for row in conn.execute(
            "SELECT meeting_id FROM participants WHERE person_id = ? UNION "
            "SELECT meeting_id FROM statements WHERE speaker_id = ?", (pid, pid))}
        assert {m.meeting_id for m in profile.meetings} == expected
        dates = [m.held_on for m in profile.meetings]
        assert dates == sorted(dates, reverse=True)  # newest first (the samples are all dated)
        for meeting in profile.meetings:
            spoken = conn.execute("SELECT count(*) FROM statements WHERE meeting_id = ? AND "
                                  "speaker_id = ?", (meeting.meeting_id, pid)).fetchone()[0]
            assert meeting.statements == spoken
            row = conn.execute("SELECT role, title, side FROM participants WHERE meeting_id = ? "
                               "AND person_id = ?", (meeting.meeting_id, pid)).fetchone()
            assert (meeting.role, meeting.title_held, meeting.side) == (row or (None, None, None))
            title, held_on = conn.execute("SELECT title, held_on FROM meetings WHERE id = ?",
                                          (meeting.meeting_id,)).fetchone()
            assert (meeting.title, meeting.held_on) == (title, held_on)
        assert profile.statements == conn.execute(
            "SELECT count(*) FROM statements WHERE speaker_id = ?", (pid,)).fetchone()[0]


def test_gemba_in_the_samples(conn: sqlite3.Connection) -> None:
    gemba = person_id(conn, "Koichiro Gemba")
    profile = person_profile(conn, gemba)
    assert profile is not None
    assert profile.country == "Japan" and "Minister Gemba" in profile.aliases
    assert profile.principal_meetings == 4 and profile.attendee_meetings == 0
    assert profile.statements == 11
    assert profile.first_held == "2011-11-10" and profile.last_held == "2012-09-28"
    assert [(t.title, t.first, t.last) for t in profile.titles] == [
        ("Minister for Foreign Affairs", "2011-11-10", "2012-09-28")]
    joint = conn.execute("""SELECT count(*) FROM statements s JOIN participants p
        ON p.meeting_id = s.meeting_id AND p.person_id = ? AND p.role = 'principal'
        WHERE s.is_joint = 1""", (gemba,)).fetchone()[0]
    assert profile.joint_statements == joint > 0


def test_issues_count_the_persons_statements_broader_issues_included(conn: sqlite3.Connection) -> None:
    gemba = person_id(conn, "Koichiro Gemba")
    profile = person_profile(conn, gemba)
    expected = dict(conn.execute("""SELECT c.issue_id, count(*) FROM statements s
        JOIN statement_issue_closure c ON c.statement_id = s.id WHERE s.speaker_id = ?
        GROUP BY c.issue_id""", (gemba,)).fetchall())
    assert {i.issue_id: i.statements for i in profile.issues} == expected
    parents = dict(conn.execute("SELECT id, parent_id FROM issues").fetchall())
    by_id = {i.issue_id: i for i in profile.issues}
    for issue in profile.issues:  # every broader issue is listed, with at least as many
        if issue.parent_id is not None:
            assert parents[issue.issue_id] == issue.parent_id
            assert by_id[issue.parent_id].statements >= issue.statements


def test_counterparts_are_the_people_of_other_sides(conn: sqlite3.Connection) -> None:
    gemba = person_id(conn, "Koichiro Gemba")
    profile = person_profile(conn, gemba)
    expected = Counter(row[0] for row in conn.execute("""
        SELECT other.person_id FROM participants me JOIN participants other
          ON other.meeting_id = me.meeting_id AND other.person_id != me.person_id
        WHERE me.person_id = ? AND other.side IS NOT me.side""", (gemba,)))
    assert {c.person_id: c.meetings for c in profile.counterparts} == dict(expected)
    names = {c.name for c in profile.counterparts}
    assert {"Kim Sung-hwan", "Hillary Rodham Clinton"} <= names
    assert "Shinsuke Sugiyama" not in names  # his own side
    counts = [c.meetings for c in profile.counterparts]
    assert counts == sorted(counts, reverse=True)


def test_titles_over_time() -> None:
    def meeting(day: str | None, title: str | None) -> ProfileMeeting:
        return ProfileMeeting(1, day, "m", None, "other", "principal", title, "Japan", 0)

    meetings = [meeting("2019-04-09", "Minister for Defense"),
                meeting("2018-03-03", "Minister for Foreign Affairs"),
                meeting("2017-09-01", "Minister  for Foreign Affairs"),
                meeting(None, "Special Envoy"),
                meeting("2019-01-01", None)]
    assert titles_over_time(meetings) == (
        TitleSpan("Minister for Foreign Affairs", "2017-09-01", "2018-03-03", 2),
        TitleSpan("Minister for Defense", "2019-04-09", "2019-04-09", 1),
        TitleSpan("Special Envoy", None, None, 1),
    )


def test_people_are_listed_found_and_ranked_for_merging(conn: sqlite3.Connection) -> None:
    people = list_people(conn)
    assert len(people) == conn.execute("SELECT count(*) FROM people").fetchone()[0]
    gemba = person_id(conn, "Koichiro Gemba")
    assert [p.person_id for p in find_people(conn, "GEMBA koichiro")] == [gemba]
    assert [p.person_id for p in find_people(conn, "Minister Gemba")] == [gemba]
    assert [p.person_id for p in find_people(conn, f"#{gemba}")] == [gemba]
    assert gemba in [p.person_id for p in find_people(conn, "gemb")]
    assert find_people(conn, "Nobody At All") == []
    ranked = merge_candidates(conn, gemba)
    assert gemba not in [p.person_id for p, _score in ranked]
    scores = [score for _p, score in ranked]
    assert len(ranked) == len(people) - 1 and scores[0] >= scores[-1]


def test_no_such_person(conn: sqlite3.Connection) -> None:
    assert person_profile(conn, 999_999) is None
