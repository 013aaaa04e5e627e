"""End to end with the real parser: the bundled sample documents into an archive and back."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.archive_fakes import (  # noqa: F401  (private_data_dir: autouse fixture)
    assert_fts_consistent,
    fts_ids,
    private_data_dir,
)

from archive_viewer import cli, paths
from archive_viewer.store import Archive, open_default_archive

DOCUMENT_SUFFIXES = {".txt", ".htm", ".html"}


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in DOCUMENT_SUFFIXES)


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    """The sample documents shipped in resources/samples: the project's corpus."""
    files = _documents(paths.SAMPLES_DIR)
    assert files, "resources/samples holds no documents"
    return files


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive.sqlite") as opened:
        yield opened


def test_every_sample_imports_and_a_second_import_changes_nothing(
        archive: Archive, corpus: list[Path]) -> None:
    summary = archive.import_paths(corpus)
    assert [r.line() for r in summary.failures] == []
    assert summary.count("imported") == len(corpus)
    stats = archive.stats()
    assert stats.documents == stats.meetings == len(corpus)
    assert stats.statements >= 2 * len(corpus) and stats.people >= 2

    again = archive.import_paths(corpus)
    assert again.count("unchanged") == len(corpus)
    assert archive.stats() == stats
    assert_fts_consistent(archive.connection())


def test_people_are_one_row_across_documents(archive: Archive, corpus: list[Path]) -> None:
    archive.import_paths(corpus)
    conn = archive.connection()
    duplicates = conn.execute(
        "SELECT name_key, ifnull(country, ''), count(*) FROM people "
        "GROUP BY name_key, ifnull(country, '') HAVING count(*) > 1"
    ).fetchall()
    assert duplicates == []
    recurring = conn.execute(
        "SELECT people.name, count(DISTINCT meeting_id) AS meetings FROM participants "
        "JOIN people ON people.id = person_id GROUP BY person_id HAVING meetings > 1"
    ).fetchall()
    assert recurring, "some minister should appear in more than one sample document"


def test_search_finds_a_statement_of_the_reference_document(
        archive: Archive, corpus: list[Path]) -> None:
    reference = next((p for p in corpus if p.name.startswith("000_")), corpus[0])
    archive.import_document(reference)
    conn = archive.connection()
    hits = fts_ids(conn, "abduction")
    assert hits
    text = conn.execute("SELECT text FROM statements WHERE id = ?", (hits[0],)).fetchone()[0]
    assert "abduction" in text.lower()


def test_html_without_a_meeting_is_refused_by_name(archive: Archive, tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        "<html><head><title>Ministry of Foreign Affairs</title></head><body>"
        "<nav><a href='/'>Home</a> &gt; <a href='/press'>Press</a></nav>"
        "<ul><li><a href='a.html'>Back to Index</a></li><li>Page Top</li></ul>"
        "<footer>Copyright Ministry of Foreign Affairs</footer></body></html>",
        encoding="utf-8",
    )
    result = archive.import_document(page)
    assert result.status == "failed" and result.reason
    assert result.line().startswith(f"{page}: ")
    assert archive.stats().documents == 0


def test_first_use_fills_the_default_archive_with_the_samples(corpus: list[Path]) -> None:
    archive, summary = open_default_archive()
    with archive:
        assert summary is not None and summary.count("imported") == len(
            _documents(paths.SAMPLES_DIR))
        assert archive.path == paths.default_archive_path()
    archive, summary = open_default_archive()
    archive.close()
    assert summary is None  # only once


def test_parse_json_prints_the_gold_shape(
        corpus: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["parse", "--json", str(corpus[0])]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == corpus[0].name
    assert {"title", "kind", "held_on", "principals", "sections"} <= data.keys()
