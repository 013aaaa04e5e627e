"""The `archive-viewer` command: what the user sees on stdout/stderr, and the exit status."""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.archive_fakes import (  # noqa: F401  (private_data_dir: autouse fixture)
    DOC_A,
    DOC_B,
    NOT_A_MEETING_REASON,
    fake_parse,
    private_data_dir,
    write_doc,
)

from archive_viewer import cli, paths
from archive_viewer.store import Archive

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def stand_in_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports in these tests use the stand-in parser; the real one has its own tests."""
    monkeypatch.setattr("archive_viewer.store.archive.default_parser", fake_parse)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write_doc(folder, "a.txt", DOC_A)
    write_doc(folder, "b.txt", DOC_B)
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_prints_a_summary_and_reimport_changes_nothing(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "archive.sqlite"
    assert cli.main(["import", str(docs), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out == "Imported 2, unchanged 0, replaced 0, failed 0\n"
    assert err == ""  # no progress bar when stderr is not a terminal

    assert cli.main(["--db", str(db), "import", str(docs)]) == 0  # --db before the command
    assert capsys.readouterr().out == "Imported 0, unchanged 2, replaced 0, failed 0\n"


def test_import_names_each_failure_and_exits_1(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (docs / "empty.txt").touch()
    (docs / "scan.txt").write_bytes(b"%PDF-1.4\n...")
    write_doc(docs, "menu.html", "<html>NOT A MEETING</html>")
    missing = tmp_path / "missing.txt"
    db = tmp_path / "archive.sqlite"
    assert cli.main(["import", "--db", str(db), str(docs), str(missing)]) == 1
    out, err = capsys.readouterr()
    assert out == "Imported 2, unchanged 0, replaced 0, failed 4\n"
    assert err.splitlines() == [
        f"{docs / 'empty.txt'}: is empty",
        f"{docs / 'menu.html'}: {NOT_A_MEETING_REASON}",
        f"{docs / 'scan.txt'}: is a PDF, not a text or HTML document",
        f"{missing}: does not exist",
    ]
    assert "Traceback" not in err


def test_import_reports_a_replaced_file(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "archive.sqlite"
    cli.main(["import", "--db", str(db), str(docs)])
    write_doc(docs, "a.txt", DOC_A + "none: One more sentence.\n")
    assert cli.main(["import", "--db", str(db), str(docs)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Imported 0, unchanged 1, replaced 1, failed 0")


def test_stats_prints_the_counts(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "archive.sqlite"
    cli.main(["import", "--db", str(db), str(docs)])
    capsys.readouterr()
    assert cli.main(["stats", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Archive: {db}"
    counts = dict(line.split() for line in lines[1:])
    assert counts["documents"] == "2" and counts["meetings"] == "2"
    assert counts["statements"] == "7" and counts["people"] == "3"


def _not_sqlite(path: Path) -> None:
    path.write_text("just some notes\n")


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()


def _newer_schema(path: Path) -> None:
    Archive.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


@pytest.mark.parametrize(("make", "message"), [
    (_not_sqlite, "is not an Archive Viewer archive (not an SQLite database)"),
    (_other_program, "is an SQLite database of another program"),
    (_newer_schema, "was made by a newer Archive Viewer (schema 99"),
])
@pytest.mark.parametrize("command", ["import", "stats"])
def test_a_bad_db_is_one_line_on_stderr_and_exit_2(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str],
        make: Callable[[Path], None], message: str, command: str) -> None:
    db = tmp_path / "archive.sqlite"
    make(db)
    before = sha256(db)
    argv = [command, "--db", str(db)] + ([str(docs)] if command == "import" else [])
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and message in err and str(db) in err
    assert sha256(db) == before


def test_stats_of_a_missing_archive_does_not_create_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "nothing.sqlite"
    assert cli.main(["stats", "--db", str(db)]) == 2
    assert capsys.readouterr().err == f"archive-viewer: {db} does not exist\n"
    assert not db.exists()


def test_without_db_the_default_archive_is_created_with_the_samples(
        private_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    samples = tmp_path / "samples"
    write_doc(samples, "sample.txt", DOC_A)
    monkeypatch.setattr(paths, "SAMPLES_DIR", samples)
    assert cli.main(["stats"]) == 0
    assert paths.default_archive_path() == private_data_dir / "archive.sqlite"
    counts = dict(line.split() for line in capsys.readouterr().out.splitlines()[1:])
    assert counts["documents"] == "1"
    with Archive.open(paths.default_archive_path(), create=False) as archive:
        assert archive.stats().documents == 1
    # Samples are imported on first use only: deleting them later is respected.
    with Archive.open(paths.default_archive_path()) as archive, archive.transaction() as conn:
        conn.execute("DELETE FROM documents")
    cli.main(["stats"])
    with Archive.open(paths.default_archive_path()) as archive:
        assert archive.stats().documents == 0


def test_parse_refuses_a_non_meeting_file_with_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("archive_viewer.ingest.parse_document", fake_parse)
    page = write_doc(tmp_path, "index.html", "<html><nav>NOT A MEETING</nav></html>")
    assert cli.main(["parse", "--json", str(page)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"{page}: {NOT_A_MEETING_REASON}\n"

    empty = tmp_path / "empty.txt"
    empty.touch()
    assert cli.main(["parse", "--json", str(empty)]) == 2
    assert capsys.readouterr().err == f"{empty}: is empty\n"


def test_parse_json_prints_the_meeting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("archive_viewer.ingest.parse_document", fake_parse)
    path = write_doc(tmp_path, "a.txt", DOC_A)
    assert cli.main(["parse", "--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == "a.txt"
    assert data["title"] == "Japan-ROK Foreign Ministers' Meeting (Overview)"


def test_search_prints_the_best_statements_with_where_they_were_said(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "archive.sqlite"
    assert cli.main(["import", str(docs), "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db), "search", "missile", "launch"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "2012-04-07 · Japan-ROK Foreign Ministers' Meeting (Overview) (meeting 1, section 1)",
        "    Joint statement: The two ministers said a missile launch would undermine dialogue.",
    ]
    assert err == ""
    assert cli.main(["search", "--db", str(db), "--limit", "1", "minister*"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(the best 1; --limit N for more)"


def test_search_takes_words_to_leave_out_and_says_what_it_cannot_search(
        tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "archive.sqlite"
    assert cli.main(["import", str(docs), "--db", str(db)]) == 0
    capsys.readouterr()
    # "-missile" is a word to leave out, not an unknown option, wherever it stands.
    assert cli.main(["--db", str(db), "search", "-missile", "minister*"]) == 0
    out = capsys.readouterr().out
    assert "missile" not in out and out.count("\n    ") == 5  # every statement with "minister" but one
    assert cli.main(["--db", str(db), "search", "zyzzyva"]) == 0
    assert capsys.readouterr().out == "No statement matches the search.\n"
    for typed, hint in ((["-missile"], "excluded words only"), (["*", "("], "Nothing to search for")):
        assert cli.main(["--db", str(db), "search", *typed]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("archive-viewer: ") and hint in err
    with pytest.raises(SystemExit) as usage:
        cli.main(["--db", str(db), "search"])
    assert usage.value.code == 2 and "TEXT" in capsys.readouterr().err


def test_no_command_starts_the_window_lazily(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Path | None] = []
    fake_app = types.ModuleType("archive_viewer.ui.app")
    fake_app.run = lambda db_path: started.append(db_path) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "archive_viewer.ui.app", fake_app)
    db = tmp_path / "mine.sqlite"
    assert cli.main(["--db", str(db)]) == 0
    assert started == [db]


def test_unexpected_errors_are_one_line_without_traceback(
        tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something odd")

    monkeypatch.setattr(Archive, "import_paths", broken)
    assert cli.main(["import", "--db", str(tmp_path / "a.sqlite"), str(docs)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("archive-viewer: unexpected error: RuntimeError: something odd")
    assert "Traceback" not in err and len(err.splitlines()) == 1


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=60)


def test_python_m_archive_viewer_stats_runs_without_qt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "ARCHIVE_VIEWER_DATA_DIR": str(data)}
    done = _run("-m", "archive_viewer", "stats", env=env)  # the default archive, first use
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"Archive: {data / 'archive.sqlite'}"
    assert "documents" in done.stdout and "Traceback" not in done.stderr
    assert (data / "archive.sqlite").is_file()

    no_qt = _run("-c", "import sys, archive_viewer.cli, archive_viewer.store; "
                       "sys.exit(any(m.startswith('PySide6') for m in sys.modules))", env=env)
    assert no_qt.returncode == 0, "the CLI and the store must not import Qt"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_only_on_a_terminal(tmp_path: Path) -> None:
    from archive_viewer.store import ImportResult

    result = ImportResult(tmp_path / "a.txt", "imported")
    terminal = _Terminal()
    with cli._progress_bar(terminal) as progress:
        assert progress is not None
        progress(1, 2, result)
        progress(2, 2, result)
    assert "/2 [" in terminal.getvalue()  # tqdm drew a bar (it throttles redraws)
    with cli._progress_bar(io.StringIO()) as progress:
        assert progress is None
