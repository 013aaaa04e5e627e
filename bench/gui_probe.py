"""The window's side of the benchmark suite, run in a subprocess by bench/run.py (issue 5).

    python -m bench.gui_probe startup --archive PATH
    python -m bench.gui_probe session --archive PATH --inputs INPUTS.json --repeats N

``startup`` goes through the app's real entry point (archive_viewer.cli.main, as the
`archive-viewer --db PATH` command) and prints, as JSON, the absolute time.time() at which the
tree viewport had painted with rows, and at which the first reads had settled; the parent
measures from before it started this process. ``session`` opens the window on the archive and
times what a user sees: expanding a year and a meeting, scrolling a page, filter changes until
every read is applied, searches, selecting sections until the detail pane shows them; then the
peak RSS. It prints one JSON object of raw samples in seconds.

Settings are the caller's business: run.py points XDG_CONFIG_HOME (and the app's data folder) at
a temporary folder, so nothing here touches a user's settings.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The app's entry module before PySide6, in the order `archive-viewer` loads them: PySide6
# hooks every import made after it (it reads each module's source), so importing it first
# would time a slower start than the app's own.
import archive_viewer.cli  # noqa: E402,F401

from PySide6.QtCore import QEvent, QEventLoop, QItemSelectionModel, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

#: No single step of the session may take longer than this (a hang, not a slow figure).
TIMEOUT_S = 300.0


# -- waiting for the window ------------------------------------------------------------------

class Waiter(QObject):
    """Counts the window's signals, so that a step can wait for the next one."""

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.window = window
        self.counts = {"settled": 0, "loaded": 0, "results": 0}
        # Names from the asynchronous-reads work; older windows lack some of them.
        self.has_settled = hasattr(window, "reads_settled")
        if self.has_settled:
            window.reads_settled.connect(lambda *_: self._count("settled"))
        window.detail.loaded.connect(lambda *_: self._count("loaded"))
        # Search hits: the ranked list, and (two-step search) the newest matches shown first.
        window.sidebar.results_updated.connect(lambda *_: self._count("results"))
        if hasattr(window.sidebar, "results_previewed"):
            window.sidebar.results_previewed.connect(lambda *_: self._count("results"))
        self._ticker = QTimer(self)  # wakes the waiting loop now and then to check the clock
        self._ticker.setInterval(20)
        self.stamps: dict[str, float] = {}

    def _count(self, name: str) -> None:
        self.counts[name] += 1
        self.stamps.setdefault(name, time.perf_counter())

    def wait_for(self, done: Callable[[], bool], what: str) -> None:
        deadline = time.perf_counter() + TIMEOUT_S
        self._ticker.start()
        try:
            app = QApplication.instance()
            while not done():
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"the window did not finish {what} in {TIMEOUT_S:.0f} s")
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        finally:
            self._ticker.stop()

    def idle(self) -> bool:
        return not self.window.tasks.is_busy()

    def settle_after(self, action: Callable[[], object], what: str) -> None:
        """Run ``action`` and wait until the window's reads are applied: reads_settled when the
        window has it, else until no read task is outstanding."""
        before = self.counts["settled"]
        self.stamps.clear()
        action()
        if self.has_settled:
            if not getattr(self.window, "reads_pending", True):
                return  # nothing changed, so nothing is read (and nothing will settle)
            self.wait_for(lambda: self.counts["settled"] > before, what)
        else:
            self.wait_for(self.idle, what)


class TaskLog:
    """Where a window step's time goes: for each read task, when it was queued, how long its
    query ran on the worker and how long its result took to apply on the GUI thread (the
    window's TaskRunner.run wrapped in this process only; the app is not changed)."""

    def __init__(self) -> None:
        from archive_viewer.ui import tasks

        self.entries: list[tuple[str, str, float, float]] = []  # key, where, start, seconds
        self.origin = time.perf_counter()
        original = tasks.TaskRunner.run
        log = self

        def run(runner: Any, fn: Callable[..., Any], on_done: Callable[[Any], None], *args: Any,
                key: str | None = None, **kwargs: Any) -> None:
            def work(conn: Any) -> Any:
                start = time.perf_counter()
                try:
                    return fn(conn)
                finally:
                    log.entries.append((key or "-", "worker", start, time.perf_counter() - start))

            def apply(result: Any) -> None:
                start = time.perf_counter()
                try:
                    on_done(result)
                finally:
                    log.entries.append((key or "-", "gui", start, time.perf_counter() - start))

            original(runner, work, apply, *args, key=key, **kwargs)

        tasks.TaskRunner.run = run  # type: ignore[method-assign]

    def restart(self) -> None:
        self.entries.clear()
        self.origin = time.perf_counter()

    def summary(self) -> str:
        """"facets: query 178 ms, applied 42 ms at +341 ms; ...", in the order applied."""
        queried = {key: seconds for key, where, _, seconds in self.entries if where == "worker"}
        parts = []
        for key, where, start, seconds in self.entries:
            if where == "gui":
                ran = queried.get(key)
                ran_text = f"query {ran * 1000:.0f} ms, " if ran is not None else ""
                parts.append(f"{key}: {ran_text}applied {seconds * 1000:.0f} ms at "
                             f"+{(start + seconds - self.origin) * 1000:.0f} ms")
        return "; ".join(parts)


def process_pending() -> None:
    QApplication.instance().processEvents()


# -- start-up --------------------------------------------------------------------------------

def startup(archive: Path) -> dict[str, Any]:
    """Start the app through its command line entry point; report when the tree was painted."""
    from archive_viewer import cli
    from archive_viewer.ui import app as app_module
    from archive_viewer.ui.main_window import MainWindow

    report: dict[str, Any] = {}

    class ProbedWindow(MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._settled = not hasattr(self, "reads_settled")
            if not self._settled:
                self.reads_settled.connect(self._on_settled)
            self.tree.viewport().installEventFilter(self)
            self._poll = QTimer(self)
            self._poll.setInterval(2)
            self._poll.timeout.connect(self._check)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
            if (event.type() == QEvent.Type.Paint and "painted" not in report
                    and watched is self.tree.viewport() and self.model.rowCount() > 0):
                # Stamped once this paint is done: the next turn of the event loop.
                QTimer.singleShot(0, self._painted)
            return False

        def _painted(self) -> None:
            report.setdefault("painted", time.time())
            self._poll.start()

        def _on_settled(self) -> None:
            self._settled = True
            report.setdefault("settled_at", time.time())

        def _check(self) -> None:
            if self._settled and "settled_at" not in report and not self.tasks.is_busy():
                report["settled_at"] = time.time()  # no reads_settled: the first idle moment
            if "painted" in report and "settled_at" in report:
                self._poll.stop()
                print(json.dumps(report), flush=True)
                self.close()
                QApplication.instance().quit()

    app_module.MainWindow = ProbedWindow  # the entry point builds the window it names
    status = cli.main(["--db", str(archive)])
    report["exit_status"] = status
    return report


# -- the browsing session --------------------------------------------------------------------

class Runs:
    """Run numbers of one figure: a warm-up (0), then up to ``repeats`` timed runs, fewer when
    ``budget_s`` has passed and at least MIN_RUNS were timed."""

    MIN_RUNS = 3

    def __init__(self, repeats: int, budget_s: float) -> None:
        self.repeats, self.budget_s = repeats, budget_s

    def __call__(self, limit: int | None = None) -> Iterator[int]:
        started = time.perf_counter()
        total = self.repeats + 1 if limit is None else min(self.repeats + 1, limit)
        for run in range(total):
            if run > self.MIN_RUNS and time.perf_counter() - started > self.budget_s:
                return
            yield run


def session(archive: Path, inputs_file: Path, repeats: int, budget_s: float) -> dict[str, Any]:
    from archive_viewer.store.filters import Filter
    from archive_viewer.ui import app as app_module
    from archive_viewer.ui.main_window import MainWindow
    from archive_viewer.ui.settings import AppSettings
    from bench.inputs import Inputs

    inputs = Inputs.from_dict(json.loads(inputs_file.read_text(encoding="utf-8")))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(app_module.ORGANIZATION_NAME)
    app.setApplicationName(app_module.APPLICATION_NAME)
    task_log = TaskLog()
    window = MainWindow(archive, settings=AppSettings())
    window.show()
    waiter = Waiter(window)
    waiter.wait_for(lambda: waiter.counts["settled"] > 0 if waiter.has_settled else waiter.idle(),
                    "the first load")
    tree, model = window.tree, window.model
    runs = Runs(repeats, budget_s)
    out: dict[str, Any] = {"reads_settled_signal": waiter.has_settled}

    def timed(action: Callable[[], object]) -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    def repaint_tree() -> None:
        tree.viewport().repaint()

    # Expanding the newest year: the model is reset before each run so the year loads afresh.
    def year_index() -> Any:
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if model.node_at(index) == ("year", inputs.year):
                return index
        return model.index(0, 0)

    def expand_year() -> None:
        index = year_index()
        tree.expand(index)
        waiter.wait_for(lambda: model.rowCount(index) > 0, "expanding a year")
        repaint_tree()

    samples: list[float] = []
    for run in runs():
        model.reload()
        process_pending()
        t = timed(expand_year)
        if run:  # the first is a warm-up, as in the in-process figures
            samples.append(t)
    out["expand_year"] = samples

    # Expanding meetings of that year: a different meeting each time, so each one loads (in
    # a small archive the tree is reset and the year expanded again once all have been).
    samples = []
    year = year_index()
    row = 0
    for run in runs():
        if row >= model.rowCount(year):
            model.reload()
            process_pending()
            expand_year()
            year, row = year_index(), 0
        index = model.index(row, 0, year)
        row += 1

        def expand_meeting(index: Any = index) -> None:
            tree.expand(index)
            waiter.wait_for(lambda: model.rowCount(index) > 0 or not model.hasChildren(index),
                            "expanding a meeting")
            repaint_tree()

        t = timed(expand_meeting)
        if run:
            samples.append(t)
    out["expand_meeting"] = samples

    # Scrolling by a page, from the top; more meetings are fetched when the end comes near.
    bar = tree.verticalScrollBar()
    bar.setValue(0)
    process_pending()

    def scroll_page() -> None:
        bar.setValue(bar.value() + bar.pageStep())
        process_pending()
        repaint_tree()

    samples = []
    for run in runs():
        t = timed(scroll_page)
        if run:
            samples.append(t)
    out["scroll_page"] = samples
    out["scroll_page_step_rows"] = bar.pageStep()

    # Selecting sections, newest meetings first, until the detail pane has shown each; a
    # small archive's few sections are taken in turn.
    sections: list[Any] = []
    # Children are read on this thread here (fetch_now): expanding reads them on a worker,
    # and these are only the sections to select, not a figure.
    fetch = getattr(model, "fetch_now", model.fetchMore)
    for year_row in range(model.rowCount()):
        year = model.index(year_row, 0)
        while model.canFetchMore(year) and model.rowCount(year) < repeats + 1:
            fetch(year)
        for row in range(model.rowCount(year)):
            meeting = model.index(row, 0, year)
            if model.canFetchMore(meeting):
                fetch(meeting)
            child = model.index(0, 0, meeting)
            if child.isValid() and (model.node_at(child) or ("",))[0] == "section":
                sections.append(child)
            if len(sections) > repeats:
                break
        if len(sections) > repeats:
            break
    process_pending()
    samples = []
    for run in runs() if len(sections) > 1 else ():
        index = sections[run % len(sections)]

        def select(index: Any = index) -> None:
            before = waiter.counts["loaded"]
            tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            waiter.wait_for(lambda: waiter.counts["loaded"] > before, "showing a section")
            window.detail.browser.viewport().repaint()

        t = timed(select)
        if run:
            samples.append(t)
    out["select_section"] = samples

    # Filter changes start from the state a start-up leaves: the newest year expanded, one
    # section shown (the window re-expands every expanded node after a change).
    tree.collapseAll()
    if sections:
        window.select_node(*model.node_at(sections[0]))
    waiter.wait_for(waiter.idle, "showing a section")

    # Filter changes, each from the unfiltered archive (the reset is not timed).
    def change_filter(f: Filter) -> tuple[float, float | None]:
        if window.filter_state.filter != Filter():
            waiter.settle_after(lambda: window.filter_state.set_filter(Filter()),
                                "clearing the filter")
        task_log.restart()
        start = time.perf_counter()
        waiter.settle_after(lambda: window.filter_state.set_filter(f), "a filter change")
        repaint_tree()
        end = time.perf_counter()
        first = waiter.stamps.get("results")
        return end - start, (first - start) if first is not None else None

    filters = {
        "issue": inputs.issue_filter(),
        "top_issue": inputs.issue_filter(top=True),
        "issue_country_dates": inputs.combined_filter(),
        "person": inputs.person_filter(),
        "search_rare": inputs.search_filter(inputs.rare),
        "search_medium": inputs.search_filter(inputs.medium),
        "search_common": inputs.search_filter(inputs.common),
    }
    out["filters"] = {}
    for name, f in filters.items():
        settled: list[float] = []
        first: list[float] = []
        for run in runs():
            total, shown = change_filter(f)
            if run:
                settled.append(total)
                if shown is not None:
                    first.append(shown)
        out["filters"][name] = {"settled": settled, "first_results": first,
                                "last_run": task_log.summary()}
    waiter.settle_after(lambda: window.filter_state.set_filter(Filter()), "clearing the filter")

    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_rss_mib"] = round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    window.close()
    window.deleteLater()
    process_pending()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("startup", "session"))
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--inputs", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=float, default=45.0,
                        help="seconds after which a figure stops repeating (with 3 runs)")
    args = parser.parse_args(argv)
    if args.mode == "startup":
        report = startup(args.archive)
        if "painted" not in report:
            print(json.dumps({"error": "the window closed before its tree was painted",
                              **report}), flush=True)
            return 1
        return 0
    if args.inputs is None:
        parser.error("session needs --inputs")
    print(json.dumps(session(args.archive, args.inputs, args.repeats, args.budget)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
