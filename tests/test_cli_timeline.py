"""`archive-viewer timeline`: an issue's statements by lane, as text and as JSON, on the samples."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from archive_viewer import cli

# Tagged with the issue or a narrower one, walking the thesaurus here (not the closure table).
STATEMENTS = """
    WITH RECURSIVE under(id) AS (
        SELECT id FROM issues WHERE name = :name
        UNION SELECT issues.id FROM issues JOIN under ON issues.parent_id = under.id)
    SELECT s.id, m.held_on, s.is_joint, p.name FROM statements AS s
    JOIN meetings AS m ON m.id = s.meeting_id LEFT JOIN people AS p ON p.id = s.speaker_id
    WHERE s.id IN (SELECT statement_id FROM statement_issues WHERE issue_id IN (SELECT id FROM under))
    ORDER BY m.held_on, s.id"""


def expected(db: Path, name: str) -> list[tuple[int, str, int, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(STATEMENTS, {"name": name}).fetchall()


def test_json_holds_every_statement_on_its_lane_in_date_order(
        samples_archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["timeline", "--db", str(samples_archive), "--issue", "north korea",
                     "--by", "speaker", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["issue"]["name"] == "North Korea" and report["by"] == "speaker"
    assert (report["statements"], report["first"], report["last"]) == (14, "2012-04-07", "2018-05-09")
    rows = expected(samples_archive, "North Korea")
    by_lane: dict[str, list[int]] = {}
    for statement_id, _held_on, joint, speaker in rows:
        by_lane.setdefault("Joint" if joint else speaker, []).append(statement_id)
    lanes = {lane["label"].split(" (")[0]: [s["id"] for s in lane["statements"]]
             for lane in report["lanes"]}
    assert lanes == by_lane
    assert [lane["label"] for lane in report["lanes"]][-1] == "Joint"
    first = report["lanes"][0]["statements"][0]
    assert first["speaker"] == "Koichiro Gemba" and first["country"] == "Japan"
    assert first["section"] == "1. North Korean Issues" and first["text"].startswith("Minister Gemba")
    assert report["undated"] == []


def test_text_lists_each_lane_with_dates_speakers_and_the_text(
        samples_archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["timeline", "--db", str(samples_archive), "--issue", "DPRK"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("North Korea (and narrower issues): 14 statements, 7 April 2012 – 9 May 2018, "
                        "on 3 lanes by country")
    headings = [line for line in lines if " — " in line and not line.startswith(" ")]
    assert headings == ["Japan — 5 statements", "Republic of Korea — 1 statement", "Joint — 8 statements"]
    japan = lines.index("Japan — 5 statements")
    assert lines[japan + 1].startswith("  2012-04-07  Koichiro Gemba (Japan) — Japan-ROK Foreign "
                                       "Ministers' Meeting (Overview) · 1. North Korean Issues")
    assert lines[japan + 2].strip().startswith("Minister Gemba congratulated the ROK")
    dated = [line.split()[0] for line in lines if line.startswith("  2")]
    assert len(dated) == 14


def test_an_unknown_issue_is_refused_with_a_suggestion(
        samples_archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["timeline", "--db", str(samples_archive), "--issue", "North Koria"]) == 2
    err = capsys.readouterr().err
    assert "no issue called 'North Koria'" in err and "Did you mean 'North Korea'" in err
