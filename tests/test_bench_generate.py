"""The synthetic archive generator of bench/generate.py (issue 5): seeded, parseable, loadable."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from archive_viewer.ingest import parse_document  # noqa: E402
from archive_viewer.ingest.thesaurus import load_thesaurus  # noqa: E402
from bench.generate import (  # noqa: E402
    build_archive,
    generate_meetings,
    render_text,
    write_documents,
)


def test_same_seed_same_meetings_other_seed_others() -> None:
    first = [render_text(m) for m in generate_meetings(30, seed=3)]
    again = [render_text(m) for m in generate_meetings(30, seed=3)]
    other = [render_text(m) for m in generate_meetings(30, seed=4)]
    assert first == again
    assert first != other


def test_meetings_are_varied_and_plausible() -> None:
    meetings = list(generate_meetings(300, seed=1))
    kinds = {m.kind for m in meetings}
    assert kinds == {"foreign_ministers_meeting", "summit_meeting", "telephone_talk",
                     "trilateral_meeting", "other"}
    assert len({m.countries[-1] for m in meetings}) >= 8
    assert all(m.held_on and 1995 <= m.held_on.year <= 2025 for m in meetings)
    assert all(m.location is None for m in meetings if m.kind == "telephone_talk")
    assert all(1 <= len(m.sections) <= 5 for m in meetings)
    speakers = [st.speaker for m in meetings for st in m.statements()]
    assert "joint" in speakers and None in speakers
    # people recur (office holders serve terms), as in a real archive
    names = [p.name for m in meetings for p in m.principals]
    assert len(set(names)) < len(names) / 2


def test_generated_issue_names_exist_in_the_thesaurus() -> None:
    known = set(load_thesaurus().issues)
    used = {i for m in generate_meetings(100, seed=2)
            for i in [*m.issues, *(i for s in m.sections for i in s.issues),
                      *(i for st in m.statements() for i in st.issues)]}
    assert len(used) > 40
    assert used <= known


def test_generated_documents_parse_back(tmp_path: Path) -> None:
    paths = write_documents(tmp_path, 60, seed=5)
    assert len(paths) == 60
    assert any(p.suffix == ".html" for p in paths) and any(p.suffix == ".txt" for p in paths)
    for path, meeting in zip(paths, generate_meetings(60, seed=5), strict=True):
        parsed = parse_document(path.read_bytes(), path.name)
        assert [p.name for p in parsed.principals] == [p.name for p in meeting.principals], path
        assert parsed.kind == meeting.kind, path
        assert len(parsed.sections) == len(meeting.sections), path
        assert ([st.speaker for st in parsed.statements()]
                == [st.speaker for st in meeting.statements()]), path


def test_build_archive_counts_and_issue_facet(tmp_path: Path) -> None:
    meetings = list(generate_meetings(200, seed=9))
    db = tmp_path / "synthetic.db"
    rate = build_archive(db, 200, seed=9, batch=64, progress=False)
    assert rate > 0
    conn = sqlite3.connect(db)
    try:
        count = lambda table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        assert count("meetings") == 200
        assert count("documents") == 200
        assert count("sections") == sum(len(m.sections) for m in meetings)
        assert count("statements") == sum(len(m.statements()) for m in meetings)
        facet = conn.execute(
            "SELECT i.name, count(*) FROM meeting_issues mi JOIN issues i ON i.id = mi.issue_id "
            "GROUP BY i.name").fetchall()
    finally:
        conn.close()
    assert len(facet) > 30
    assert {name for name, _ in facet} <= set(load_thesaurus().issues)


@pytest.mark.parametrize("command", ["documents", "archive"])
def test_cli(tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.generate import main

    if command == "documents":
        assert main(["documents", str(tmp_path / "docs"), "--count", "5", "--seed", "2"]) == 0
        assert len(list((tmp_path / "docs").iterdir())) == 5
    else:
        assert main(["archive", str(tmp_path / "a.db"), "--meetings", "5"]) == 0
    assert "5" in capsys.readouterr().out


def test_statement_issues_are_what_the_thesaurus_tags() -> None:
    thesaurus = load_thesaurus()
    statements = [st for m in generate_meetings(80, seed=6) for st in m.statements()]
    assert all(set(st.issues) == set(thesaurus.tag(st.text)) for st in statements)
