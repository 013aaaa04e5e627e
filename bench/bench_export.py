"""Benchmark (not a test) of the PDF export: a typical section, and a 100-section filter export.

    .venv/bin/python -m bench.bench_export [--meetings 150] [--runs 7]

Builds a synthetic archive in a temporary folder (bench/generate.py, plus the reference document
for a typical section), then prints the median time of each export over several runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from archive_viewer import paths
from archive_viewer.export.content import load_filter_parts, load_node_parts
from archive_viewer.export.pdf import write_pdf
from archive_viewer.export.run import gui_application
from archive_viewer.store import Archive, queries
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter
from bench import generate

REFERENCE = "000_19a025d9c24d22f3.txt"


def build_archive(path: Path, meetings: int) -> None:
    """Generated meetings (bench/generate.py) plus the reference document, for its section 1."""
    generate.build_archive(path, meetings, progress=False)
    with Archive.open(path) as archive:
        result = archive.import_document(paths.SAMPLES_DIR / REFERENCE)
        assert result.status == "imported", result.line()


def median_seconds(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=150)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = gui_application()  # noqa: F841
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        db = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        build_archive(db, args.meetings)
        print(f"archive: {args.meetings} meetings built in {time.perf_counter() - started:.1f} s")
        with closing(connect(db, readonly=True)) as conn:
            section = conn.execute(
                "SELECT sections.id FROM sections JOIN meetings ON meetings.id = sections.meeting_id "
                "JOIN documents ON documents.id = meetings.document_id "
                "WHERE documents.file_name = ? AND sections.ordinal = 1", (REFERENCE,)).fetchone()[0]
            out = Path(folder) / "out.pdf"

            def one_section() -> None:
                write_pdf(load_node_parts(conn, "section", section), out, archive_name=db.name)

            f = Filter(countries=frozenset({"Japan"}))
            sections_found = len(load_filter_parts(conn, f, limit=100))

            def hundred_sections() -> None:
                parts = load_filter_parts(conn, f, limit=100)
                description = queries.filter_description(conn, f)
                write_pdf(parts, out, contents=("Sections of meeting records", description),
                          archive_name=db.name)

            one = median_seconds(one_section, args.runs)
            pages_one = write_pdf(load_node_parts(conn, "section", section), out).pages
            many = median_seconds(hundred_sections, max(3, args.runs // 2))
            parts = load_filter_parts(conn, f, limit=100)
            pages_many = write_pdf(parts, out, contents=("Sections", "bench")).pages
        print(f"typical section (reference section 1, {pages_one} pages): "
              f"median {one * 1000:.0f} ms over {args.runs} runs")
        print(f"filter export ({sections_found} sections, {pages_many} pages with contents): "
              f"median {many:.2f} s over {max(3, args.runs // 2)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
