"""Benchmark (not a test) of the Issue Timeline: from choosing an issue to the chart's first paint.

    python -m bench.bench_timeline --archive PATH [--statements 10000] [--runs 15] [--json OUT]

Opens the timeline view alone (no main window) on the archive through the app's TaskRunner —
read-only connections, the archive is never written — and times, for issues of about
``--statements`` statements, what a user waits for: ``show_issue()`` until the chart has
painted its marks (the worker's query, the lanes grouped, the marks laid out and drawn). Each
run takes the next of the five issues nearest that size, as a user browsing issues would, so
that no run finds the previous one's pages in SQLite's own cache. Also measured, on a
connection of its own: the query layer (store.timeline.issue_timeline) and the limit (the same
SQL run by plain sqlite3, rows fetched, no app code). Prints a table; ``--json`` writes the
figures (medians and p95 in ms) as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.measure import Stats, captured_sql, plain_connection, run_statements, summarise  # noqa: E402

#: The first paint's target (issue 7).
TARGET_MS = 200.0
TIMEOUT_S = 120.0


def issues_near(path: Path, statements: int, count: int = 5) -> list[tuple[int, str, int]]:
    """(id, name, statements) of the ``count`` issues whose statement count is nearest."""
    conn = plain_connection(path)
    try:
        # The per-issue sums (db/003) give every issue's count in milliseconds; the closure
        # would take seconds.
        rows = conn.execute("""
            SELECT issues.id, issues.name, sum(counts.statements)
            FROM issue_year_counts AS counts JOIN issues ON issues.id = counts.issue_id
            GROUP BY issues.id""").fetchall()
    finally:
        conn.close()
    rows.sort(key=lambda row: abs(row[2] - statements))
    return rows[:count]


def time_first_paint(path: Path, issues: list[tuple[int, str, int]], runs: int,
                     by: str) -> tuple[Stats, list[dict[str, Any]]]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from archive_viewer.ui.filter_state import FilterState
    from archive_viewer.ui.tasks import TaskRunner
    from archive_viewer.ui.timeline_view import TimelineView

    app = QApplication.instance() or QApplication([sys.argv[0]])
    tasks = TaskRunner(path)
    view = TimelineView(tasks, FilterState())
    view.resize(1200, 600)
    view.set_by(by)
    view.show()
    painted: list[float] = []
    view.chart.painted.connect(lambda: painted.append(time.perf_counter()))

    def wait(done, *signals) -> None:
        """Run the event loop until ``done()``, woken by ``signals`` (no polling: a timer
        ticking in Python would take the GIL from the worker being timed)."""
        loop = QEventLoop()
        for signal in signals:
            signal.connect(loop.quit)
        QTimer.singleShot(int(TIMEOUT_S * 1000), loop.quit)
        deadline = time.perf_counter() + TIMEOUT_S
        while not done() and time.perf_counter() < deadline:
            loop.exec()
        for signal in signals:
            signal.disconnect(loop.quit)

    samples: list[float] = []
    detail: list[dict[str, Any]] = []
    try:
        for run in range(runs + 1):  # the first run warms the process up (imports, fonts)
            issue_id, name, _count = issues[run % len(issues)]
            painted.clear()
            started = time.perf_counter()
            view.show_issue(issue_id, name)
            wait(lambda: bool(painted), view.chart.painted)
            if not painted:
                raise TimeoutError(f"the timeline of {name} was not painted in {TIMEOUT_S:.0f} s")
            seconds = painted[0] - started
            if run:
                samples.append(seconds)
                detail.append({"issue": name, "statements": len(view.timeline or ()),
                               "lanes": len(view.timeline.lanes) if view.timeline else 0,
                               "first_paint_ms": round(seconds * 1000, 1)})
            # Let the list under the chart load before the next choice, as a user would read.
            wait(lambda: not tasks.is_busy(), tasks.idle)
    finally:
        tasks.shutdown()
        view.deleteLater()
        app.processEvents()
    return summarise(samples), detail


def time_queries(path: Path, issues: list[tuple[int, str, int]], runs: int,
                 by: str) -> tuple[Stats, Stats]:
    from archive_viewer.store.connection import connect
    from archive_viewer.store.filters import Filter
    from archive_viewer.store.timeline import issue_timeline

    conn = connect(path, readonly=True)
    plain = plain_connection(path)
    app_samples: list[float] = []
    limit_samples: list[float] = []
    try:
        for run in range(runs):
            issue_id = issues[run % len(issues)][0]
            with captured_sql(conn) as statements:
                started = time.perf_counter()
                issue_timeline(conn, Filter(), issue_id, by)
            # Timed again without the trace callback: it slows SQLite down.
            started = time.perf_counter()
            issue_timeline(conn, Filter(), issue_id, by)
            app_samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            run_statements(plain, statements)
            limit_samples.append(time.perf_counter() - started)
    finally:
        conn.close()
        plain.close()
    return summarise(app_samples), summarise(limit_samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, required=True, help="a large archive (read only)")
    parser.add_argument("--statements", type=int, default=10_000,
                        help="the size of the issues to time (default 10,000 statements)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--by", choices=("country", "speaker"), default="country")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures as JSON")
    args = parser.parse_args(argv)

    issues = issues_near(args.archive, args.statements)
    print("issues:", ", ".join(f"{name} ({count:,})" for _id, name, count in issues))
    paint, runs = time_first_paint(args.archive, issues, args.runs, args.by)
    query, limit = time_queries(args.archive, issues, args.runs, args.by)
    figures = {
        "archive": str(args.archive),
        "by": args.by,
        "issues": [{"id": i, "name": n, "statements": c} for i, n, c in issues],
        "first_paint": {**paint.as_ms(), "target_ms": TARGET_MS, "met": paint.median * 1000 <= TARGET_MS},
        "query_layer": query.as_ms(),
        "limit": limit.as_ms(),
        "runs": runs,
    }
    width = 44
    print(f"{'figure':<{width}} {'median':>9} {'p95':>9}")
    for name, stats in ((f"choose an issue → timeline painted ({args.by})", paint),
                        ("  the query layer (issue_timeline)", query),
                        ("  the limit (its SQL, plain sqlite3)", limit)):
        print(f"{name:<{width}} {stats.median * 1000:>7.0f} ms {stats.p95 * 1000:>6.0f} ms")
    verdict = "met" if figures["first_paint"]["met"] else "missed"
    print(f"target: median ≤{TARGET_MS:.0f} ms to the first paint — {verdict}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
