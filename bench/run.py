"""The benchmark suite of issue 5: one table and one JSON file of medians and p95s.

    python -m bench [--archive PATH] [--meetings N] [--repeats N] [--json OUT]
                    [--only start,tree,filter,search,detail,import,export,memory]
                    [--no-peer] [--no-import]

Not a test: it times the app on a large archive (100,000 meetings by default, built once into
the user's cache folder with bench/generate.py when missing) and prints, for each figure, the
app's median and p95 and, for the queries, two references measured in the same run on the same
file: the limit (the same SQL run directly with sqlite3, no app code) and a peer (Datasette's
JSON API serving the file). The query figures are measured twice: the query layer in this
process, and the window itself in a subprocess (bench/gui_probe.py).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import inspect
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive_viewer.store import connection as store_connection
from archive_viewer.store import migrations, queries
from archive_viewer.store.filters import Filter
from bench.inputs import Inputs, choose
from bench.measure import Stats, captured_sql, plain_connection, run_statements, summarise

GROUPS = ("start", "tree", "filter", "search", "detail", "import", "export", "memory")
REPO = Path(__file__).resolve().parent.parent
#: A figure stops repeating after this many seconds once it has MIN_RUNS runs: at 100,000
#: meetings a slow figure would otherwise hold the suite for an hour.
DEFAULT_BUDGET_S = 45.0
MIN_RUNS = 3
PEER_MISSING = "not installed (pip install -e '.[bench]')"


# -- figures ---------------------------------------------------------------------------------

@dataclass
class Figure:
    name: str
    target: str
    app: Stats | None = None
    unit: str = "ms"  # "ms", "docs/s", "statements/s", "MiB"
    limit: Stats | None = None
    datasette_sql: Stats | None = None
    datasette_native: Stats | None = None
    #: checks of the target: (what, passed); met is all of them
    checks: list[tuple[str, bool]] = field(default_factory=list)
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        if self.app is None or self.limit is None or self.limit.median <= 0:
            return None
        return self.app.median / self.limit.median

    @property
    def met(self) -> bool | None:
        return all(ok for _, ok in self.checks) if self.checks else None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "app": _stats_json(self.app, self.unit),
            "limit": _stats_json(self.limit, "ms"),
            "datasette_sql": _stats_json(self.datasette_sql, "ms"),
            "datasette_native": _stats_json(self.datasette_native, "ms"),
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "target": self.target,
            "met": self.met,
            "checks": [{"check": what, "ok": ok} for what, ok in self.checks],
            "notes": self.notes,
        }


def _stats_json(stats: Stats | None, unit: str) -> dict[str, Any] | None:
    if stats is None:
        return None
    if unit == "ms":
        return {**stats.as_ms(), "unit": "ms"}
    return {"median": round(stats.median, 1), "p95": round(stats.p95, 1), "runs": stats.runs,
            "unit": unit}


def time_target(fig: Figure, *, median_ms: float | None = None, p95_ms: float | None = None) -> None:
    """Checks of a time target in milliseconds (the app's own figure)."""
    if fig.app is None:
        return
    if median_ms is not None:
        fig.checks.append((f"median ≤{median_ms:g} ms", fig.app.median * 1000 <= median_ms))
    if p95_ms is not None:
        fig.checks.append((f"p95 ≤{p95_ms:g} ms", fig.app.p95 * 1000 <= p95_ms))


def reference_targets(fig: Figure) -> None:
    """The query figures' other two targets: ≤1.5× the limit, faster than Datasette."""
    if fig.ratio is not None:
        fig.checks.append(("≤1.5× limit", fig.ratio <= 1.5))
    peer = fig.datasette_native or fig.datasette_sql
    if peer is not None and fig.app is not None:
        fig.checks.append(("faster than Datasette", fig.app.median < peer.median))


def runs_within(fn: Callable[[], float | None], repeats: int, budget_s: float,
                warmup: int = 1) -> Stats | None:
    """Up to ``repeats`` samples of ``fn()`` (seconds it returns; None when it times itself
    by the clock here), after ``warmup`` untimed calls; fewer when the budget runs out."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < repeats:
        t0 = time.perf_counter()
        reported = fn()
        samples.append(reported if reported is not None else time.perf_counter() - t0)
        if len(samples) >= MIN_RUNS and time.perf_counter() - started > budget_s:
            break
    return summarise(samples) if samples else None


def from_samples(samples: list[float] | None) -> Stats | None:
    return summarise(samples) if samples else None


# -- the suite -------------------------------------------------------------------------------

@dataclass
class Options:
    archive: Path
    repeats: int
    start_repeats: int
    budget_s: float
    groups: tuple[str, ...]
    peer: bool
    imports: bool
    drop_caches: bool = True


class Suite:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.inputs: Inputs | None = None

    def log(self, message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    def wants(self, *groups: str) -> bool:
        return any(g in self.o.groups for g in groups)

    def run(self) -> dict[str, Any]:
        o = self.o
        self.log(f"archive {o.archive}")
        self.log("choosing the inputs from the archive")
        t0 = time.perf_counter()
        self.inputs = choose(o.archive)
        self.log(f"inputs chosen in {time.perf_counter() - t0:.1f} s")
        self.notes.extend(self.inputs.notes())
        if self.wants("start"):
            self.start_figures()
        if self.wants("filter", "search", "detail"):
            self.query_figures()
        if self.wants("tree", "filter", "search", "detail", "memory"):
            self.window_figures()
        if self.wants("import"):
            self.import_figures()
        if self.wants("export"):
            self.export_figure()
        # In the order of the issue's list; within a figure the query layer before the window.
        self.figures.sort(key=lambda f: f.name.split(" ", 1)[0])
        return {"machine": machine(o.archive), "inputs": self.inputs.as_dict(),
                "notes": self.notes, "figures": [f.as_json() for f in self.figures]}

    # -- 1. start-up -------------------------------------------------------------------------

    def start_figures(self) -> None:
        if self.o.drop_caches:
            evict, how = page_cache_dropper(self.o.archive)
        else:
            evict, how = None, "cold: the first run, nothing evicted (--no-drop-caches)"
        cold: list[float] = []
        warm: list[float] = []
        settled: list[float] = []
        cold_runs = 3 if evict is not None else 1
        # An installed app starts from its bytecode; a checkout run with
        # PYTHONDONTWRITEBYTECODE set would compile every module at every start instead.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "archive_viewer")],
                       check=False, stdout=subprocess.DEVNULL)
        self.log(f"start-up: {cold_runs} cold and {self.o.start_repeats} warm runs")
        for _ in range(cold_runs):
            if evict is not None:
                evict()
            painted, _ready = self.start_once()
            cold.append(painted)
        for _ in range(self.o.start_repeats):
            painted, ready = self.start_once()
            warm.append(painted)
            settled.append(ready)
        fig = Figure("1 cold start (process start → tree painted)", "median ≤1.0 s",
                     from_samples(cold), notes=how)
        time_target(fig, median_ms=1000)
        self.figures.append(fig)
        fig = Figure("1 warm start (process start → tree painted)", "median ≤0.5 s",
                     from_samples(warm))
        time_target(fig, median_ms=500)
        if settled:
            fig.notes = (f"all first reads applied (facets, totals, detail): median "
                         f"{summarise(settled).median * 1000:,.0f} ms")
        self.figures.append(fig)

    def start_once(self) -> tuple[float, float]:
        with probe_environment() as env:
            started = time.time()  # the child reports absolute times: measured from here
            result = run_probe(["startup", "--archive", str(self.o.archive)], env, timeout=600)
        return result["painted"] - started, result["settled_at"] - started

    # -- 3, 4, 5: the query layer in this process, against the limit and the peer -------------

    def query_figures(self) -> None:
        inputs = self.inputs
        assert inputs is not None
        conn = store_connection.connect(self.o.archive, readonly=True)  # as the app's readers
        plain = plain_connection(self.o.archive)
        peer_context, peer_note = datasette_peer(self.o.archive, self.o.peer)
        if peer_note:
            self.notes.append(f"Datasette: {peer_note}")
        try:
            with peer_context as peer:
                if self.wants("filter"):
                    for name, f in (("3a filter: one issue", inputs.issue_filter()),
                                    ("3a filter: the most popular issue",
                                     inputs.issue_filter(top=True)),
                                    ("3b filter: issue + country + dates",
                                     inputs.combined_filter()),
                                    ("3c filter: a person", inputs.person_filter())):
                        fig = Figure(f"{name} (query layer)", "p95 ≤100 ms; ≤1.5× limit; < Datasette")
                        self.measure_query(fig, conn, plain, peer, filter_change_reads(conn, f),
                                           native=lambda p, f=f: p.time_native_facets(f))
                        time_target(fig, p95_ms=100)
                        reference_targets(fig)
                        self.figures.append(fig)
                if self.wants("search"):
                    self.search_figures(conn, plain, peer)
                if self.wants("detail"):
                    from archive_viewer.ui.detail_pane import load_node

                    section = inputs.section
                    fig = Figure("5 select a section (query layer)", "median ≤50 ms; ≤1.5× limit; < Datasette",
                                 notes=f"section {section}: section_of + meeting_detail + statements")
                    self.measure_query(fig, conn, plain, peer,
                                       lambda: load_node(conn, "section", section, Filter()))
                    time_target(fig, median_ms=50)
                    reference_targets(fig)
                    self.figures.append(fig)
        finally:
            conn.close()
            plain.close()

    def search_figures(self, conn: sqlite3.Connection, plain: sqlite3.Connection, peer: Any) -> None:
        inputs = self.inputs
        assert inputs is not None
        for label, term in (("rare", inputs.rare), ("medium", inputs.medium),
                            ("very common", inputs.common)):
            for with_facets in (False, True):
                f = inputs.search_filter(term, with_facets=with_facets)
                what = " + country + dates" if with_facets else ""
                fig = Figure(f"4 search: {label} '{term.text}'{what} (query layer)",
                             "p50 ≤50 ms; p95 ≤200 ms; ≤1.5× limit; < Datasette",
                             notes=f"{term.statements:,} statements hold the term; ranked top 50 with snippets")
                self.measure_query(fig, conn, plain, peer,
                                   lambda f=f: queries.search(conn, f, limit=50),
                                   native=lambda p, f=f: p.time_native_search(f.text, f, limit=50))
                time_target(fig, median_ms=50, p95_ms=200)
                reference_targets(fig)
                self.figures.append(fig)
        # The newest matches first, shown before the ranked list (the asynchronous search).
        f = inputs.search_filter(inputs.common)
        fig = Figure(f"4 search: very common '{inputs.common.text}', first (newest) results (query layer)",
                     "≤300 ms")
        if "order" in inspect.signature(queries.search).parameters:
            self.measure_query(fig, conn, plain, None,
                               lambda: queries.search(conn, f, limit=50, order="newest"))
            time_target(fig, median_ms=300)
        else:
            fig.notes = "missing: queries.search has no order='newest' in this checkout"
        self.figures.append(fig)

    def measure_query(self, fig: Figure, conn: sqlite3.Connection, plain: sqlite3.Connection,
                      peer: Any, reads: Callable[[], object],
                      native: Callable[[Any], float] | None = None) -> None:
        o = self.o
        self.log(f"{fig.name}")
        fig.app = runs_within(lambda: (reads(), None)[1], o.repeats, o.budget_s)
        with captured_sql(conn) as traced:
            reads()
        statements = top_level(traced)
        fig.limit = runs_within(lambda: (run_statements(plain, statements), None)[1],
                                o.repeats, o.budget_s)
        problems: list[str] = []
        if peer is not None:
            # A request the peer cannot answer (a URL too long for its server, a time-out) is
            # a note on the figure, not the end of the suite.
            try:
                fig.datasette_sql = runs_within(lambda: peer.time_statements(statements),
                                                o.repeats, o.budget_s)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"Datasette SQL failed: {_one_line(exc)}")
            if native is not None:
                try:
                    fig.datasette_native = runs_within(lambda: native(peer), o.repeats, o.budget_s)
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"Datasette native failed: {_one_line(exc)}")
        fig.notes = "; ".join(filter(None, [fig.notes, f"{len(statements)} SQL statements",
                                            *problems]))

    # -- 2, 3, 4, 5, 8: the window, in a subprocess --------------------------------------------

    def window_figures(self) -> None:
        inputs = self.inputs
        assert inputs is not None
        self.log("the window: browsing session (subprocess)")
        with tempfile.TemporaryDirectory(prefix="bench-inputs-") as folder:
            inputs_file = Path(folder) / "inputs.json"
            inputs_file.write_text(json.dumps(inputs.as_dict()), encoding="utf-8")
            with probe_environment() as env:
                data = run_probe(["session", "--archive", str(self.o.archive), "--inputs",
                                  str(inputs_file), "--repeats", str(self.o.repeats),
                                  "--budget", str(self.o.budget_s)], env, timeout=4 * 3600)
        waited = ("reads_settled" if data.get("reads_settled_signal")
                  else "no read task outstanding (the window has no reads_settled)")
        if self.wants("tree"):
            for key, name in (("expand_year", f"2 expand a year ({inputs.year}) (window)"),
                              ("expand_meeting", "2 expand a meeting (window)"),
                              ("scroll_page", "2 scroll the tree by a page (window)")):
                fig = Figure(name, "median ≤50 ms", from_samples(data.get(key)))
                time_target(fig, median_ms=50)
                if key == "scroll_page":
                    fig.notes = f"page step {data.get('scroll_page_step_rows')} px/rows; until repainted"
                else:
                    fig.notes = "until the rows are there and the viewport repainted"
                self.figures.append(fig)
        filters = data.get("filters", {})
        if self.wants("filter"):
            for key, name in (("issue", "3a filter: one issue (window)"),
                              ("top_issue", "3a filter: the most popular issue (window)"),
                              ("issue_country_dates", "3b filter: issue + country + dates (window)"),
                              ("person", "3c filter: a person (window)")):
                entry = filters.get(key, {})
                fig = Figure(name, "p95 ≤100 ms", from_samples(entry.get("settled")),
                             notes=f"from the unfiltered archive until {waited}; "
                                   f"last run: {entry.get('last_run') or '?'}")
                time_target(fig, p95_ms=100)
                self.figures.append(fig)
        if self.wants("search"):
            for key, label, term in (("search_rare", "rare", inputs.rare),
                                     ("search_medium", "medium", inputs.medium),
                                     ("search_common", "very common", inputs.common)):
                entry = filters.get(key, {})
                fig = Figure(f"4 search: {label} '{term.text}' (window, everything updated)",
                             "p95 ≤200 ms", from_samples(entry.get("settled")),
                             notes=f"tree, facets, totals and results; until {waited}; "
                                   f"last run: {entry.get('last_run') or '?'}")
                time_target(fig, p95_ms=200)
                self.figures.append(fig)
                fig = Figure(f"4 search: {label} '{term.text}', first results shown (window)",
                             "≤300 ms", from_samples(entry.get("first_results")),
                             notes="until the sidebar first shows results")
                time_target(fig, median_ms=300)
                self.figures.append(fig)
        if self.wants("detail"):
            fig = Figure("5 select a section (window)", "median ≤50 ms",
                         from_samples(data.get("select_section")),
                         notes="a different section each run, until DetailPane.loaded and repainted")
            time_target(fig, median_ms=50)
            self.figures.append(fig)
        if self.wants("memory") and data.get("peak_rss_mib") is not None:
            peak = float(data["peak_rss_mib"])
            fig = Figure("8 peak memory (RSS) of the browsing session", "≤150 MiB",
                         Stats(peak, peak, 1), unit="MiB",
                         notes="ru_maxrss of the window's process after every step above")
            fig.checks.append(("≤150 MiB", peak <= 150))
            self.figures.append(fig)

    # -- 6. import -----------------------------------------------------------------------------

    def import_figures(self) -> None:
        if not self.o.imports:
            self.figures.append(Figure("6 import 5,000 documents", "≥500 documents/s",
                                       notes="skipped (--no-import)"))
            return
        try:
            from bench import bench_import  # type: ignore[attr-defined]
        except ImportError:
            self.figures.append(Figure("6 import 5,000 documents", "≥500 documents/s",
                                       notes="missing: bench/bench_import.py is not in this checkout"))
            return
        self.log("import: 5,000 documents")
        result = bench_import.run(count=5000, repeats=3)
        docs = Stats(result["docs_per_s_median"], result["docs_per_s_p95"], 3)
        statements = Stats(result["statements_per_s_median"], result["statements_per_s_p95"], 3)
        notes = (f"{result.get('documents', 5000):,} documents, {result.get('statements', 0):,} "
                 f"statements; {result.get('cpu_cores_used', '?')} CPU cores used; median "
                 f"{result.get('seconds_median', 0):.1f} s; p95 column: the slowest run's rate")
        fig = Figure("6 import 5,000 documents", "≥500 documents/s", docs, unit="docs/s",
                     notes=notes)
        fig.checks.append(("≥500 documents/s", docs.median >= 500))
        self.figures.append(fig)
        self.figures.append(Figure("6 import: statements per second", "(reported)", statements,
                                   unit="statements/s"))

    # -- 7. export -----------------------------------------------------------------------------

    def export_figure(self) -> None:
        from archive_viewer.export.content import load_node_parts
        from archive_viewer.export.pdf import write_pdf
        from archive_viewer.export.run import gui_application

        inputs = self.inputs
        assert inputs is not None
        self.log("export: a section to PDF")
        app = gui_application()  # noqa: F841 (QPdfWriter and fonts need it alive)
        conn = store_connection.connect(self.o.archive, readonly=True)
        pages = 0
        try:
            with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
                out = Path(folder) / "section.pdf"

                def one_section() -> None:  # as bench/bench_export.py's typical section
                    nonlocal pages
                    parts = load_node_parts(conn, "section", inputs.section)
                    pages = write_pdf(parts, out, archive_name=self.o.archive.name).pages

                stats = runs_within(lambda: (one_section(), None)[1], self.o.repeats, self.o.budget_s)
        finally:
            conn.close()
        fig = Figure("7 export a section to PDF", "median ≤0.5 s", stats,
                     notes=f"section {inputs.section} ({inputs.section_statements} statements, "
                           f"{pages} pages): read + lay out + write")
        time_target(fig, median_ms=500)
        self.figures.append(fig)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}"


def top_level(statements: list[str]) -> list[str]:
    """The statements the app ran itself: the trace also reports those SQLite runs inside
    them (FTS5 reading its index and the external content: "-- SELECT ... 'main'.'...'"),
    which the replay would otherwise run twice."""
    return [sql for sql in statements
            if not sql.lstrip().startswith("--") and "'main'." not in sql]


def filter_change_reads(conn: sqlite3.Connection, f: Filter) -> Callable[[], object]:
    """What the window reads for a filter change: the tree's top level, the facets, the
    totals, and the search results when there is text."""
    def reads() -> object:
        out: list[object] = [queries.years(conn, f), queries.facets(conn, f), queries.totals(conn, f)]
        if f.text.strip():
            out.append(queries.search(conn, f, limit=50))
        return out
    return reads


# -- the peer ----------------------------------------------------------------------------------

def datasette_peer(archive: Path, wanted: bool) -> tuple[contextlib.AbstractContextManager[Any], str]:
    """The Datasette peer as a context manager (None inside when unavailable) and a note."""
    if not wanted:
        return contextlib.nullcontext(None), "not measured (--no-peer)"
    if importlib.util.find_spec("datasette") is None:
        return contextlib.nullcontext(None), PEER_MISSING
    try:
        from bench.datasette_peer import DatasettePeer  # type: ignore[import-not-found]
    except ImportError:
        return contextlib.nullcontext(None), "missing: bench/datasette_peer.py is not in this checkout"
    return DatasettePeer(archive), ""


# -- subprocesses ------------------------------------------------------------------------------

@contextlib.contextmanager
def probe_environment() -> Iterator[dict[str, str]]:
    """The environment of a window subprocess: this checkout first on the path, offscreen
    unless there is a display, and settings and data folders of its own (thrown away)."""
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as folder:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                         ("XDG_CACHE_HOME", "cache"), ("ARCHIVE_VIEWER_DATA_DIR", "app-data")):
            (Path(folder) / sub).mkdir()
            env[var] = str(Path(folder) / sub)
        runtime = Path(folder) / "runtime"
        runtime.mkdir(mode=0o700)
        env.setdefault("XDG_RUNTIME_DIR", str(runtime))
        env.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
        yield env


def run_probe(args: list[str], env: dict[str, str], *, timeout: float) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "bench.gui_probe", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"gui_probe {args[0]} failed (exit {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    data = json.loads(lines[-1])
    if "error" in data:
        raise RuntimeError(f"gui_probe {args[0]}: {data['error']}")
    return data


def page_cache_dropper(archive: Path) -> tuple[Callable[[], None] | None, str]:
    """How to make the next start cold, and a note saying how (or that it cannot)."""
    try:
        subprocess.run(["sync"], check=False)
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")

        def drop_all() -> None:
            subprocess.run(["sync"], check=False)
            with open("/proc/sys/vm/drop_caches", "w") as caches:
                caches.write("3\n")

        return drop_all, "cold: after dropping the OS page cache"
    except OSError:
        pass
    if hasattr(os, "posix_fadvise"):
        # Without root: ask the kernel to forget the cached pages of the files a start reads
        # (the archive, Python's library, the installed packages, this checkout).
        roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"]),
                 REPO / "archive_viewer"]
        files = [archive, archive.with_name(archive.name + "-wal"),
                 archive.with_name(archive.name + "-shm")]

        def forget() -> None:
            for path in files:
                _forget_file(path)
            for root in roots:
                for folder, _dirs, names in os.walk(root):
                    for name in names:
                        _forget_file(Path(folder) / name)

        return forget, ("cold not measurable without root (drop_caches refused): the archive's, "
                        "Python's and the packages' pages evicted with posix_fadvise instead")
    return None, "cold not measurable without root: the first run is reported"


def _forget_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- the machine -------------------------------------------------------------------------------

def machine(archive: Path) -> dict[str, Any]:
    import PySide6

    size = sum(p.stat().st_size for p in (archive, archive.with_name(archive.name + "-wal"))
               if p.exists())
    conn = plain_connection(archive)
    try:
        meetings = conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
        statements = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    finally:
        conn.close()
    return {"cpu_count": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "pyside6": PySide6.__version__, "archive_mib": round(size / 2**20, 1),
            "meetings": meetings, "statements": statements}


# -- the table ---------------------------------------------------------------------------------

def _value(stats: Stats | None, unit: str, which: str = "median") -> str:
    if stats is None:
        return "—"
    value = getattr(stats, which)
    if unit == "ms":
        ms = value * 1000
        return f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms"
    return f"{value:,.0f} {unit}" if unit != "MiB" else f"{value:,.1f} MiB"


def table(result_figures: list[Figure], notes: list[str], peer_note: str) -> str:
    head = ("figure", "app median", "app p95", "limit median", "ratio",
            "Datasette median (sql / native)", "target", "met?")
    rows: list[tuple[str, ...]] = []
    for fig in result_figures:
        if fig.datasette_sql is None and fig.datasette_native is None:
            peer = peer_note if fig.limit is not None and peer_note else "—"
        else:
            peer = f"{_value(fig.datasette_sql, 'ms')} / {_value(fig.datasette_native, 'ms')}"
        if fig.met is None:
            met = "missing" if fig.app is None else "—"
        elif fig.met:
            met = "yes"
        else:
            met = "no: " + ", ".join(what for what, ok in fig.checks if not ok)
        rows.append((fig.name, _value(fig.app, fig.unit), _value(fig.app, fig.unit, "p95"),
                     _value(fig.limit, "ms"), "—" if fig.ratio is None else f"{fig.ratio:.2f}×",
                     peer, fig.target, met))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append("")
    lines += [f"note: {n}" for n in notes]
    lines += [f"note: {f.name}: {f.notes}" for f in result_figures if f.notes]
    return "\n".join(lines)


# -- the command line --------------------------------------------------------------------------

def default_archive(meetings: int) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("archive-viewer")) / "bench" / f"large-{meetings}.sqlite"


def ensure_archive(path: Path, meetings: int, explicit: bool) -> None:
    if path.exists():
        return
    if explicit:
        raise SystemExit(f"bench: {path} does not exist (leave out --archive to build one)")
    from bench import generate

    print(f"bench: building a {meetings:,}-meeting archive at {path} with bench/generate.py; "
          f"at about 120 meetings/s that takes about {meetings / 120 / 60:.0f} min, once",
          file=sys.stderr, flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    generate.build_archive(partial, meetings, progress=True)
    for suffix in ("-wal", "-shm"):  # checkpointed and closed: nothing must be left beside it
        side = partial.with_name(partial.name + suffix)
        if side.exists() and side.stat().st_size == 0:
            side.unlink()
    shutil.move(partial, path)


def check_schema(path: Path) -> None:
    """The window upgrades an older archive when it opens it: refuse rather than write to it."""
    conn = plain_connection(path)
    try:
        version = migrations.schema_version(conn)
    finally:
        conn.close()
    latest = migrations.latest_version()
    if version != latest:
        raise SystemExit(f"bench: {path} has schema {version}, this checkout {latest}: the "
                         "window would upgrade it. Rebuild it, or open it once with the app.")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, help="the archive to measure (default: "
                        "large-N.sqlite in the user's cache folder, built when missing)")
    parser.add_argument("--meetings", type=int, default=100_000,
                        help="meetings of the default archive (default 100000)")
    parser.add_argument("--repeats", type=int, default=15,
                        help="runs of each figure (default 15; start-up runs a third of it)")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S,
                        help=f"seconds after which a figure stops repeating once it has "
                             f"{MIN_RUNS} runs (default {DEFAULT_BUDGET_S:g})")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"),
                        help="where to write the results (default bench-results.json)")
    parser.add_argument("--only", default="", help=f"some figures only: {','.join(GROUPS)}")
    parser.add_argument("--no-peer", action="store_true", help="do not measure Datasette")
    parser.add_argument("--no-import", action="store_true", help="do not measure the import")
    parser.add_argument("--no-drop-caches", action="store_true",
                        help="do not evict the page cache before the cold start (the first run "
                             "is reported as cold)")
    args = parser.parse_args(argv)
    groups = tuple(g.strip() for g in args.only.split(",") if g.strip()) or GROUPS
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"--only: unknown figure group(s) {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(GROUPS)}")
    args.groups = groups
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    archive = (args.archive or default_archive(args.meetings)).expanduser().resolve()
    ensure_archive(archive, args.meetings, explicit=args.archive is not None)
    check_schema(archive)
    options = Options(archive=archive, repeats=max(1, args.repeats),
                      start_repeats=max(1, args.repeats // 3), budget_s=args.budget,
                      groups=args.groups, peer=not args.no_peer, imports=not args.no_import,
                      drop_caches=not args.no_drop_caches)
    suite = Suite(options)
    started = time.perf_counter()
    result = suite.run()
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["options"] = {"archive": str(archive), "repeats": options.repeats,
                         "start_repeats": options.start_repeats, "budget_s": options.budget_s,
                         "groups": list(options.groups), "peer": options.peer,
                         "import": options.imports}
    peer_note = next((n.removeprefix("Datasette: ") for n in suite.notes
                      if n.startswith("Datasette: ")), "")
    m = result["machine"]
    print(f"Archive Viewer benchmarks — {m['meetings']:,} meetings, {m['statements']:,} "
          f"statements, {m['archive_mib']:,} MiB; {m['cpu_count']} CPUs, Python {m['python']}, "
          f"SQLite {m['sqlite']}, PySide6 {m['pyside6']}; {result['seconds']:.0f} s")
    print(table(suite.figures, suite.notes, peer_note))
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0
