"""Benchmark (not a test) of the person page: reading a person, and the window showing them.

    python -m bench.bench_person --archive ARCHIVE [--person ID] [--meetings 500] [--runs 15]

On an archive of the latest schema (a copy of an older one: opening it without read-only upgrades it),
the person met in the number of meetings nearest --meetings (or --person), timed as:

* ``read``: store.person_profile without details (what the page paints first: names, meetings,
  titles), on a read-only connection with a warm page cache, as the TaskRunner's worker reads;
* ``details``: the issues, counterparts and joint statements read after it;
* ``first paint``: in the window (offscreen), from asking for the page to the page painted with
  the person's meetings (the read on the worker, the result delivered, models filled, a repaint);
* ``all``: until the details are shown too.

Each as median and p95 over --runs runs after one warm-up run; the target is first paint within
200 ms for a person of about 500 meetings.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import closing
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from archive_viewer.store.connection import connect
from archive_viewer.store.person_profile import person_profile, with_details
from bench.measure import Stats, repeat, summarise

TARGET_MS = 200


def person_near(archive: Path, meetings: int) -> tuple[int, int]:
    """(person id, meetings) of the person whose meeting count is nearest ``meetings``."""
    with closing(connect(archive, readonly=True)) as conn:
        row = conn.execute(
            "SELECT person_id, count(*) AS n FROM participants GROUP BY person_id "
            "ORDER BY abs(n - ?), person_id LIMIT 1", (meetings,)).fetchone()
    if row is None:
        raise SystemExit(f"{archive} holds no people")
    return int(row[0]), int(row[1])


def time_reads(archive: Path, person: int, runs: int) -> tuple[Stats, Stats]:
    with closing(connect(archive, readonly=True)) as conn:
        core = repeat(lambda: person_profile(conn, person, details=False), runs)
        profile = person_profile(conn, person, details=False)
        assert profile is not None
        details = repeat(lambda: with_details(conn, profile), runs)
    return core, details


def time_window(archive: Path, person: int, runs: int) -> tuple[Stats, Stats]:
    """Asking for the page to the page painted, and to the details shown, in a real window."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    import tempfile

    QCoreApplication.setOrganizationName("ArchiveViewerBench")
    QCoreApplication.setApplicationName("bench-person")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication.instance() or QApplication([sys.argv[0]])
    from archive_viewer.ui.main_window import MainWindow

    window = MainWindow(archive)
    window.resize(1280, 800)
    window.show()

    def until(signal, seconds: float = 60.0) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def wait(done, seconds: float = 60.0) -> None:
        deadline = time.perf_counter() + seconds
        while not done():
            if time.perf_counter() > deadline:
                raise SystemExit("the window did not answer within a minute")
            app.processEvents()

    wait(lambda: not window.tasks.is_busy())  # the window's own first reads are done
    page = window.persons.page
    painted: list[float] = []
    detailed: list[float] = []
    for run in range(runs + 1):
        page.clear()  # an empty page, as when the person is first asked for
        app.processEvents()
        start = time.perf_counter()
        window.persons.show_person(person)
        # The event loop sleeps between events, as in the app (a busy loop here would take the
        # interpreter from the worker reading the person).
        until(page.loaded)
        page.repaint()  # the page painted with its meetings
        first = time.perf_counter() - start
        if page.profile is None or not page.profile.has_details:
            until(page.details_loaded)
        page.repaint()
        every = time.perf_counter() - start
        if run:  # the first run warms the cache
            painted.append(first)
            detailed.append(every)
    window.close()
    return summarise(painted), summarise(detailed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_person",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, required=True,
                        help="an archive of the latest schema (never a file you cannot lose: opening "
                             "an older one upgrades it)")
    parser.add_argument("--person", type=int, help="the person's id (default: see --meetings)")
    parser.add_argument("--meetings", type=int, default=500,
                        help="pick the person met in about this many meetings (default 500)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-window", action="store_true", help="time the reads only")
    args = parser.parse_args(argv)

    if args.person is not None:
        person = args.person
        with closing(connect(args.archive, readonly=True)) as conn:
            count = conn.execute("SELECT count(*) FROM participants WHERE person_id = ?",
                                 (person,)).fetchone()[0]
    else:
        person, count = person_near(args.archive, args.meetings)
    print(f"person {person}: {count} meetings as a participant; {args.runs} runs each")
    core, details = time_reads(args.archive, person, args.runs)
    rows = [("read (meetings, titles)", core), ("read details (issues, counterparts)", details)]
    if not args.no_window:
        painted, every = time_window(args.archive, person, args.runs)
        rows += [("window: first paint", painted), ("window: details shown", every)]
    width = max(len(name) for name, _stats in rows)
    for name, stats in rows:
        print(f"  {name:<{width}}  median {stats.median * 1000:7.1f} ms   "
              f"p95 {stats.p95 * 1000:7.1f} ms")
    if not args.no_window:
        verdict = "within" if painted.median * 1000 <= TARGET_MS else "over"
        print(f"first paint {verdict} the {TARGET_MS} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
