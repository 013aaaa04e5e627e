"""Benchmark (not a test) of importing documents end to end: decode, parse, store, FTS index.

    .venv/bin/python -m bench.bench_import [--count 5000] [--repeats 3] [--json OUT]

Generates the documents once (bench/generate.py, seeded) into a temporary folder, then imports
them into a fresh archive per repeat through ``Archive.import_paths`` (what the `import`
command and the window's import use) and prints documents/s and statements/s (median and p95
over the repeats) and the CPU cores used: CPU seconds of this process and its worker processes
over wall seconds (about 2 when both cores of a 2-core machine were busy).
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from archive_viewer.store import Archive
from bench import generate


@dataclass(frozen=True)
class Repeat:
    seconds: float
    cpu_seconds: float  # this process and the worker processes it waited for
    documents: int
    statements: int


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def import_once(folder: Path, archive_path: Path) -> Repeat:
    """Import every document in ``folder`` into a new archive at ``archive_path``."""
    with Archive.open(archive_path) as archive:
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        summary = archive.import_paths([folder])
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before  # the pool's workers have been waited for
        if summary.failures:
            raise RuntimeError(f"{len(summary.failures)} documents failed to import, e.g. "
                               f"{summary.failures[0].line()}")
        stats = archive.stats()
    return Repeat(seconds, cpu, stats.documents, stats.statements)


def _p95_rate(amount: int, seconds: list[float]) -> float:
    """The rate that 95% of the repeats reached (the 95th percentile of the times)."""
    ordered = sorted(seconds)
    slow = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return amount / slow


def run(count: int = 5000, repeats: int = 3) -> dict:
    """Generate ``count`` documents, import them ``repeats`` times; the figures as a dict."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        folder = Path(scratch) / "documents"
        generate.write_documents(folder, count, seed=0)
        results = [import_once(folder, Path(scratch) / f"archive-{n}.sqlite")
                   for n in range(repeats)]
    seconds = [r.seconds for r in results]
    documents, statements = results[0].documents, results[0].statements
    median = statistics.median(seconds)
    return {
        "docs_per_s_median": documents / median,
        "docs_per_s_p95": _p95_rate(documents, seconds),
        "statements_per_s_median": statements / median,
        "statements_per_s_p95": _p95_rate(statements, seconds),
        "cpu_cores_used": statistics.median(r.cpu_seconds / r.seconds for r in results),
        "documents": documents,
        "statements": statements,
        "seconds_median": median,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="documents (default 5000)")
    parser.add_argument("--repeats", type=int, default=3, help="imports (default 3)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    args = parser.parse_args(argv)
    figures = run(args.count, args.repeats)
    print(f"imported {figures['documents']} documents ({figures['statements']} statements), "
          f"median of {args.repeats}: {figures['seconds_median']:.1f} s")
    print(f"  documents/s   median {figures['docs_per_s_median']:8.1f}   "
          f"p95 {figures['docs_per_s_p95']:8.1f}")
    print(f"  statements/s  median {figures['statements_per_s_median']:8.1f}   "
          f"p95 {figures['statements_per_s_p95']:8.1f}")
    print(f"  CPU cores used {figures['cpu_cores_used']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":  # the import's worker processes may import this module again
    sys.exit(main())
