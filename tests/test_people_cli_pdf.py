"""People from the terminal (`people list|merge|split`, `export-pdf --person`) and the person PDF."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_export_pdf import info_field, pdf_info, pdf_pages, run_cli

from archive_viewer import cli
from archive_viewer.export.run import export_person_with, gui_application
from archive_viewer.store.connection import connect

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is missing (scripts/run-tests installs it)")


@pytest.fixture
def db(samples_archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(samples_archive, path)
    return path


def people(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {name: pid for pid, name in conn.execute("SELECT id, name FROM people")}


def test_people_list_merge_and_split(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["people", "list", "--db", str(db), "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {p["name"] for p in listed} == set(people(db))
    gemba = next(p for p in listed if p["name"] == "Koichiro Gemba")
    assert (gemba["country"], gemba["meetings"], gemba["statements"]) == ("Japan", 4, 11)

    # Names in any spelling, or ids; the first keeps its name.
    assert cli.main(["people", "merge", "KONO Taro", f"#{people(db)['Seiji Maehara']}",
                     "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("Merged #")
    assert "Seiji Maehara" not in people(db)
    assert cli.main(["people", "list", "--db", str(db), "--country", "Japan"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Taro Kono" in x)
    assert line.endswith("2 meetings, 4 statements, 2 spellings")

    assert cli.main(["people", "split", "Taro Kono", "--spelling", "Maehara Seiji",
                     "--db", str(db)]) == 0
    assert "Seiji Maehara" in capsys.readouterr().out
    assert {"Taro Kono", "Seiji Maehara"} <= set(people(db))


def test_people_errors_are_one_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = people(db)
    # Two people of one meeting are never one person.
    assert cli.main(["people", "merge", str(ids["Koichiro Gemba"]), str(ids["Kim Sung-hwan"]),
                     "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "both appear in one meeting" in err and len(err.splitlines()) == 1
    assert cli.main(["people", "merge", "Nobody", "Gemba", "--db", str(db)]) == 2
    assert "no person called 'Nobody'" in capsys.readouterr().err
    assert cli.main(["people", "split", "Gemba", "--db", str(db)]) == 2
    assert "nothing to split" in capsys.readouterr().err
    assert set(people(db)) == set(ids)


def test_the_person_pdf_says_what_the_page_shows(db: Path, tmp_path: Path) -> None:
    gui_application()
    out = tmp_path / "gemba.pdf"
    with connect(db, readonly=True) as conn:
        result = export_person_with(conn, people(db)["Koichiro Gemba"], out, paper="a4",
                                    archive_name="archive.sqlite")
    pages = pdf_pages(out)
    assert result.pages == len(pages) >= 1
    text = " ".join(pages)
    for expected in ("Koichiro Gemba", "Japan · 4 meetings (4 as principal)",
                     "Also written Minister Gemba", "Minister for Foreign Affairs",
                     "Meetings by year", "2012-04-07 Japan-ROK Foreign Ministers' Meeting",
                     "Statements by issue", "North Korea", "Counterparts met most",
                     "Kim Sung-hwan (Republic of Korea)", "from the archive archive.sqlite",
                     f"page 1 of {result.pages}"):
        assert expected in text, expected
    info = pdf_info(out)
    assert info_field(info, "Title") == "Koichiro Gemba"
    assert info_field(info, "Subject").startswith("Koichiro Gemba: Japan · 4 meetings")


def test_cli_exports_a_person(db: Path, tmp_path: Path) -> None:
    done = run_cli("export-pdf", "--db", str(db), "--person", "GEMBA Koichiro", "-o", "p.pdf",
                   tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote p.pdf (")
    assert "Koichiro Gemba" in pdf_pages(tmp_path / "p.pdf")[0]
    done = run_cli("export-pdf", "--db", str(db), "--person", "Nobody", "-o", "x.pdf",
                   tmp_path=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("archive-viewer: No person called")
