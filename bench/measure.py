"""Timing helpers shared by the benchmarks: repeated runs summarised as median and p95, and
the SQL a piece of app code runs, captured so that it can be replayed on its own ("the limit").
No Qt here.
"""
from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Stats:
    """Seconds over repeated runs."""

    median: float
    p95: float
    runs: int

    def as_ms(self) -> dict[str, float | int]:
        return {"median_ms": round(self.median * 1000, 2), "p95_ms": round(self.p95 * 1000, 2),
                "runs": self.runs}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(samples: list[float]) -> Stats:
    """Median and p95 (nearest rank) of ``samples``."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))
    return Stats(statistics.median(ordered), ordered[rank], len(ordered))


def repeat(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> Stats:
    """Time ``fn()`` ``runs`` times after ``warmup`` untimed calls (the page cache warm, as when
    a user works in an open archive)."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return summarise(samples)


# -- the SQL the app runs --------------------------------------------------------------------

_SKIPPED_PREFIXES = ("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def captured_sql(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Collect the statements ``conn`` runs inside the block, parameters expanded into the text
    (sqlite3's trace callback gives the expanded SQL), without PRAGMAs and transaction control,
    and without the statements SQLite runs inside one (FTS5 reading its shadow tables, traced
    with a leading "--"): replaying the outer statement runs those again.

    A trace callback slows FTS5 down: time the app in runs without it."""
    statements: list[str] = []

    def keep(sql: str) -> None:
        head = sql.lstrip()
        if not head.startswith("--") and not head.upper().startswith(_SKIPPED_PREFIXES):
            statements.append(sql)

    conn.set_trace_callback(keep)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


def plain_connection(path: Path) -> sqlite3.Connection:
    """A read-only sqlite3 connection with SQLite's defaults: the reference the app is measured
    against (no app code, no app settings)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)


def run_statements(conn: sqlite3.Connection, statements: list[str]) -> int:
    """Run each statement and fetch all its rows, as the app does; return the rows fetched."""
    rows = 0
    for sql in statements:
        rows += len(conn.execute(sql).fetchall())
    return rows
