"""PDF exports that cannot finish: nowhere to write, a file already there, a failure or an
interruption half-way. Each leaves no partial file, keeps what was at the destination, and
says which file and why: in the library, the window's dialog and the command line."""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from archive_viewer.export import ExportError, load_node_parts, pdf
from archive_viewer.export.pdf import write_pdf
from archive_viewer.ui import pdf_export
from archive_viewer.ui.main_window import MainWindow

TIMEOUT = 20_000
OLD = b"%PDF-1.4 the earlier export, which must survive a failed one"


@pytest.fixture(scope="module")
def parts(samples_archive: Path) -> list:
    with sqlite3.connect(samples_archive) as conn:
        section = conn.execute("SELECT MIN(id) FROM sections").fetchone()[0]
        loaded = load_node_parts(conn, "section", section)
    conn.close()
    return loaded


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody may write in: read-only for a user; /proc even for root."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
        return folder
    if not Path("/proc/self").is_dir():
        pytest.skip("root writes anywhere here")
    return Path("/proc/self")


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# -- the library -------------------------------------------------------------------------------

def test_a_missing_folder_names_the_file_and_writes_nothing(qapp, parts, tmp_path: Path) -> None:
    out = tmp_path / "gone" / "deeper" / "x.pdf"
    with pytest.raises(ExportError) as raised:
        write_pdf(parts, out)
    message = str(raised.value)
    assert str(out) in message and "does not exist" in message
    assert not (tmp_path / "gone").exists()


def test_an_unwritable_folder_names_the_file_and_writes_nothing(qapp, parts,
                                                                tmp_path: Path) -> None:
    folder = _unwritable_folder(tmp_path)
    out = folder / "x.pdf"
    before = sorted(os.listdir(folder))
    with pytest.raises(ExportError) as raised:
        write_pdf(parts, out)
    message = str(raised.value)
    assert str(out) in message and ("not writable" in message or "ermission" in message), message
    assert sorted(os.listdir(folder)) == before


@pytest.mark.parametrize("failure", ["disk full", "error", "interrupt"])
@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_a_failure_while_writing_keeps_the_old_file_and_leaves_no_temporary_one(
        qapp, parts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str,
        where: str) -> None:
    out = tmp_path / "section.pdf"
    out.write_bytes(OLD)
    exception: BaseException = {
        "disk full": OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
        "error": RuntimeError("a bug half-way"),
        "interrupt": KeyboardInterrupt(),
    }[failure]

    def fail(*_args: object) -> None:
        raise exception

    if where == "write":  # half the PDF is on disk when it fails
        real_fdopen = os.fdopen

        def half_written(fd: int, *args: object, **kwargs: object):
            file = real_fdopen(fd, *args, **kwargs)  # type: ignore[arg-type]
            real_write = file.write

            def write(data: bytes) -> int:
                real_write(data[: len(data) // 2])
                file.flush()
                raise exception
            file.write = write  # type: ignore[method-assign]
            return file
        monkeypatch.setattr(pdf.os, "fdopen", half_written)
    else:
        monkeypatch.setattr(pdf.os, where, fail)
    expected = ExportError if failure == "disk full" else type(exception)
    with pytest.raises(expected) as raised:
        write_pdf(parts, out)
    monkeypatch.undo()
    assert out.read_bytes() == OLD
    assert _leftovers(tmp_path, {"section.pdf"}) == []
    if failure == "disk full":
        message = str(raised.value)
        assert str(out) in message and "the disk is full" in message
        assert "unchanged" in message  # the earlier file is still there


def test_an_export_stopped_half_way_writes_nothing(qapp, samples_archive: Path,
                                                   tmp_path: Path) -> None:
    """Cancelled through the progress callback (as a window's Cancel would), between parts."""
    with sqlite3.connect(samples_archive) as conn:
        meetings = [r[0] for r in conn.execute("SELECT id FROM meetings ORDER BY id LIMIT 3")]
        parts = [p for m in meetings for p in load_node_parts(conn, "meeting", m)]
    conn.close()
    out = tmp_path / "three.pdf"
    out.write_bytes(OLD)

    class Cancelled(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        write_pdf(parts, out, progress=progress)
    assert out.read_bytes() == OLD
    assert _leftovers(tmp_path, {"three.pdf"}) == []


def test_a_failure_while_laying_out_writes_nothing(qapp, parts, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x.pdf"

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise ValueError("pypdf could not read Qt's PDF")

    monkeypatch.setattr(pdf, "_with_info", broken)
    with pytest.raises(ValueError):
        write_pdf(parts, out)
    assert list(tmp_path.iterdir()) == []


def test_overwriting_replaces_the_file_whole_and_keeps_its_permissions(
        qapp, parts, tmp_path: Path) -> None:
    out = tmp_path / "section.pdf"
    out.write_bytes(OLD)
    out.chmod(0o600)  # the user's own: an export over it must not make it readable by all
    write_pdf(parts, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") and OLD not in data
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _leftovers(tmp_path, {"section.pdf"}) == []


def test_a_new_file_follows_the_users_umask(qapp, parts, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_pdf(parts, tmp_path / "new.pdf")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.pdf").stat().st_mode) == 0o640


# -- the window --------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot: QtBot, samples_archive: Path, tmp_path: Path) -> Iterator[MainWindow]:
    db = tmp_path / "archive.sqlite"
    shutil.copy(samples_archive, db)
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.tasks.is_busy(), timeout=TIMEOUT)
    yield w


def _error_box(window: MainWindow) -> QMessageBox:
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1, [b.text() for b in boxes]
    return boxes[0]


def _export(qtbot: QtBot, window: MainWindow, kind: str, key: int, out: Path) -> object:
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT) as signal:
        window.exporter.export_node(kind, key, path=out)
    return signal.args[0]


@pytest.mark.parametrize("kind", ["section", "meeting"])  # on the GUI thread; on the worker
def test_the_window_names_the_file_and_the_reason(qtbot: QtBot, window: MainWindow,
                                                  tmp_path: Path, kind: str) -> None:
    out = _unwritable_folder(tmp_path) / "x.pdf"
    assert _export(qtbot, window, kind, 1, out) is None
    box = _error_box(window)
    assert box.windowTitle() == "The PDF could not be saved"
    assert str(out) in box.text()
    box.close()
    assert not window.exporter.running


@pytest.mark.parametrize("kind", ["section", "meeting"])
def test_an_unexpected_failure_is_reported_and_the_old_file_kept(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        kind: str) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "x.pdf"
    out.write_bytes(OLD)

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(pdf, "_with_info", broken)
    assert _export(qtbot, window, kind, 1, out) is None
    box = _error_box(window)
    assert str(out) in box.text() and "RuntimeError: something inside broke" in box.text()
    box.close()
    assert out.read_bytes() == OLD and _leftovers(out.parent, {"x.pdf"}) == []
    assert not window.exporter.running
    monkeypatch.undo()
    assert isinstance(_export(qtbot, window, kind, 1, out), pdf.ExportResult)  # goes on


def test_a_name_without_pdf_asks_before_replacing_that_file(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The save dialog asked about "notes"; the export adds ".pdf", so it asks about that."""
    existing = tmp_path / "notes.pdf"
    existing.write_bytes(OLD)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "notes"), pdf_export.PDF_FILTER))
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(box: QMessageBox) -> int:  # the answer, without a nested event loop
        asked.append(box.text())
        assert box.textFormat() == Qt.TextFormat.PlainText
        return answer[0]

    monkeypatch.setattr(QMessageBox, "exec", question)
    assert not window.exporter.export_node("section", 1)
    assert len(asked) == 1 and "notes.pdf" in asked[0]
    assert existing.read_bytes() == OLD

    answer[0] = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT):
        assert window.exporter.export_node("section", 1)
    assert len(asked) == 2 and existing.read_bytes().startswith(b"%PDF")
    assert existing.read_bytes() != OLD


# -- the command line --------------------------------------------------------------------------

def test_the_command_line_names_the_file_and_the_reason(
        qapp, samples_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from archive_viewer import cli

    def export(out: Path) -> tuple[int, str]:
        code = cli.main(["export-pdf", "--db", str(samples_archive), "--section", "1",
                         "-o", str(out)])
        return code, capsys.readouterr().err

    missing = tmp_path / "gone" / "x.pdf"
    unwritable = _unwritable_folder(tmp_path) / "x.pdf"
    for out, reason in ((missing, "does not exist"), (unwritable, "is not writable")):
        code, err = export(out)
        assert code == cli.EXIT_UNUSABLE
        assert len(err.splitlines()) == 1 and str(out) in err and reason in err, err
    assert not missing.parent.exists()

    existing = tmp_path / "old.pdf"
    existing.write_bytes(OLD)

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(pdf, "_with_info", broken)
    code, err = export(existing)
    assert code == cli.EXIT_FAILED
    assert len(err.splitlines()) == 1 and str(existing) in err, err
    assert "RuntimeError: something inside broke" in err
    assert existing.read_bytes() == OLD and _leftovers(tmp_path, {"old.pdf"}) == []
