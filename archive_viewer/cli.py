"""The `archive-viewer` command: the window by default, and `import`, `stats`, `parse`,
`search`, `export-pdf` for the terminal and scripts. No Qt here: the window's module (and the PDF
export's) is imported only when it is used.

Exit status: 0 success; 1 some files failed to import (or an unexpected error); 2 the command
could not run (bad --db, a file that is not a meeting document, a search that cannot be run as
typed, a usage error); 130 Ctrl-C.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from archive_viewer import __version__, paths
from archive_viewer.display import EXIT_NO_DISPLAY, display_problem
from archive_viewer.store import (
    Archive,
    ArchiveError,
    ImportResult,
    open_default_archive,
)
from archive_viewer.store.errors import BadInputError
from archive_viewer.store.importer import ImportSummary
from archive_viewer.store.sources import read_source

PROG = "archive-viewer"
EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Set to see tracebacks of unexpected errors (they are otherwise one line).
DEBUG_ENV = "ARCHIVE_VIEWER_DEBUG"


def build_parser() -> argparse.ArgumentParser:
    db_help = f"the archive file (default: {paths.default_archive_path()})"
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Browse and search the records of diplomatic meetings. "
                    "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", type=Path, metavar="PATH", help=db_help)
    # On the subcommands --db is SUPPRESSed by default, so that `--db X import ...` is not
    # overwritten by the subcommand's own default.
    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                           help=db_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    imports = commands.add_parser(
        "import", parents=[db_option], help="import documents (files or folders)",
        description="Import meeting documents (.txt, .htm, .html; folders recursively). "
                    "Re-importing a file changes nothing; a changed file replaces its old record.",
    )
    imports.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imports.set_defaults(run=run_import)

    stats = commands.add_parser("stats", parents=[db_option], help="print the archive's counts")
    stats.set_defaults(run=run_stats)

    parse = commands.add_parser(
        "parse", parents=[db_option], help="parse one document and print what was found",
        description="Parse one document without importing it.",
    )
    parse.add_argument("--json", action="store_true",
                       help="print the parsed document as JSON (the corpus gold format)")
    parse.add_argument("file", type=Path, metavar="FILE")
    parse.set_defaults(run=run_parse)

    search = commands.add_parser(
        "search", parents=[db_option], help="search the statements, best matches first",
        description="Search the statements' text, best matches first: plain words (all must "
                    "occur), \"an exact phrase\", word* for words that start alike, OR between "
                    "two words, -word to leave a word out. Everything else is searched as plain "
                    "text.",
    )
    search.add_argument("--limit", type=_positive_int, default=20, metavar="N",
                        help="how many statements to print (default: 20)")
    # "*", not "+": a word to leave out ("-china") is parsed as an unknown option first.
    search.add_argument("text", nargs="*", metavar="TEXT",
                        help="what to search for (several arguments are joined by spaces)")
    search.set_defaults(run=run_search, usage_error=search.error)

    export = commands.add_parser(
        "export-pdf", parents=[db_option], help="export a section, a meeting or a search to PDF",
        description="Export a section or a whole meeting to a PDF that stands on its own, or "
                    "every section matching --search/--issue into one PDF with a contents page.",
    )
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--section", type=int, metavar="ID", help="the section with this id")
    what.add_argument("--meeting", type=int, metavar="ID", help="the meeting with this id")
    what.add_argument("--search", metavar="TEXT", help="every section with a statement matching")
    what.add_argument("--issue", metavar="NAME", help="every section with a statement on the issue")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="the PDF to write (replaced if it exists)")
    export.add_argument("--order", choices=("speaker", "document"), default="speaker",
                        help="statements grouped by speaker (default) or in document order")
    export.add_argument("--paper", choices=("a4", "letter"), default=None,
                        help="paper size (default: from the locale)")
    export.set_defaults(run=run_export_pdf)

    parser.set_defaults(run=run_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if getattr(args, "command", None) == "search":
        # "search nuclear -china": a word to leave out, not an option.
        args.text = [*args.text, *unknown]
        if not args.text:
            args.usage_error("the following arguments are required: TEXT")
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ArchiveError as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `archive-viewer parse --json FILE | head`
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        _error(f"unexpected error: {type(exc).__name__}: {exc} "
               f"(set {DEBUG_ENV}=1 to see the details)")
        return EXIT_FAILED


# -- commands ---------------------------------------------------------------------------------

def run_import(args: argparse.Namespace) -> int:
    with _open_archive(args.db, create=True) as archive, _progress_bar(sys.stderr) as progress:
        summary = archive.import_paths(args.paths, progress=progress)
    _print_summary(summary)
    return EXIT_FAILED if summary.failures else EXIT_OK


def run_stats(args: argparse.Namespace) -> int:
    with _open_archive(args.db, create=False) as archive:
        stats = archive.stats().as_dict()
    print(f"Archive: {archive.path}")
    width = max(len(name) for name in stats)
    for name, count in stats.items():
        print(f"  {name:<{width}}  {count:>7}")
    return EXIT_OK


def run_parse(args: argparse.Namespace) -> int:
    from archive_viewer.ingest import meeting_to_json, parse_document
    from archive_viewer.ingest.model import NotAMeetingDocument

    file: Path = args.file
    try:
        data = read_source(file).data
        meeting = parse_document(data, file.name)
    except (BadInputError, NotAMeetingDocument) as exc:
        print(f"{file}: {exc or 'is not a meeting overview'}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # a parser bug: name the file, keep it to one line
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"{file}: could not be parsed ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(meeting_to_json(meeting, file.name), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(meeting.title)
    facts = [meeting.kind.replace("_", " "), str(meeting.held_on or "date unknown"),
             meeting.location or "", meeting.occasion or ""]
    print("  " + " · ".join(fact for fact in facts if fact))
    for person in meeting.people:
        print(f"  {person.role:<9}  {person.name} ({person.title or '?'}, {person.country or '?'})")
    print(f"  {len(meeting.sections)} sections, {len(meeting.statements())} statements, "
          f"issues: {', '.join(meeting.issues) or 'none'}")
    return EXIT_OK


def run_search(args: argparse.Namespace) -> int:
    from archive_viewer.store import queries
    from archive_viewer.store.filters import Filter, SearchHint, fts_query

    text = " ".join(args.text)
    try:
        if fts_query(text) is None:
            raise SearchHint("Nothing to search for: type a word (punctuation alone is ignored).")
        with _open_archive(args.db, create=False) as archive:
            hits = queries.search(archive.connection(), Filter(text=text), limit=args.limit)
    except SearchHint as hint:
        _error(str(hint))
        return EXIT_UNUSABLE
    if not hits:
        print("No statement matches the search.")
        return EXIT_OK
    for hit in hits:
        speaker = "Joint statement" if hit.is_joint else (hit.speaker_name or "Unattributed")
        snippet = " ".join(hit.snippet.replace("\x02", "").replace("\x03", "").split())
        print(f"{hit.held_on or 'undated'} · {hit.meeting_title} "
              f"(meeting {hit.meeting_id}, section {hit.section_id})")
        print(f"    {speaker}: {snippet}")
    if len(hits) >= args.limit:
        print(f"(the best {len(hits)}; --limit N for more)")
    return EXIT_OK


def run_export_pdf(args: argparse.Namespace) -> int:
    from archive_viewer.export import ExportError
    from archive_viewer.export.run import export_filter, export_node, gui_application
    from archive_viewer.store.filters import SearchHint

    with _open_archive(args.db, create=False) as archive:
        db_path = archive.path
    app = gui_application()  # noqa: F841  (QPdfWriter and fonts need it alive)
    try:
        if args.section is not None or args.meeting is not None:
            kind, node = ("section", args.section) if args.section is not None else (
                "meeting", args.meeting)
            result = export_node(db_path, kind, node, args.output, grouping=args.order,
                                 paper=args.paper)
        else:
            result = export_filter(db_path, args.output, text=args.search or "",
                                   issue=args.issue, grouping=args.order, paper=args.paper)
    except (ExportError, SearchHint) as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    print(f"Wrote {result.path} ({result.pages} page{'' if result.pages == 1 else 's'})")
    return EXIT_OK


def run_gui(args: argparse.Namespace) -> int:
    # No display: say so in one sentence before anything else (Qt would abort with a trace).
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    # Refuse a bad --db here, in one line, before any window; and without --db make sure the
    # default archive exists and holds the samples (the window is then given None: the default).
    with _open_archive(args.db, create=True):
        pass
    try:
        from archive_viewer.ui.app import run
    except ImportError as exc:
        _error(f"the window cannot start: {exc}")
        return EXIT_FAILED
    return run(args.db)


# -- helpers ----------------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


@contextmanager
def _open_archive(db: Path | None, *, create: bool) -> Iterator[Archive]:
    """The archive named by --db, or the default one (importing the samples on first use)."""
    if db is not None:
        archive = Archive.open(db, create=create)
    else:
        first_use = not paths.default_archive_path().exists()
        if first_use and sys.stderr.isatty():
            print(f"Creating your archive at {paths.default_archive_path()} "
                  "with the sample documents…", file=sys.stderr)
        archive, samples = open_default_archive()
        if samples is not None and samples.failures:
            _error(f"{len(samples.failures)} of the sample documents could not be imported:")
            for failure in samples.failures:
                print(f"  {failure.line()}", file=sys.stderr)
    try:
        for warning in archive.warnings:
            _error(f"warning: {warning}")
        yield archive
    finally:
        archive.close()


@contextmanager
def _progress_bar(stream: TextIO) -> Iterator[Callable[[int, int, ImportResult], None] | None]:
    """A tqdm progress callback on a terminal; None (no output at all) otherwise."""
    if not stream.isatty():
        yield None
        return
    from tqdm import tqdm

    bar: tqdm | None = None

    def progress(done: int, total: int, result: ImportResult) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, file=stream, unit="file", leave=False, dynamic_ncols=True)
        bar.set_postfix_str(result.path.name, refresh=False)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def _print_summary(summary: ImportSummary) -> None:
    print(summary.summary_line())
    sys.stdout.flush()
    for failure in summary.failures:
        print(failure.line(), file=sys.stderr)


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _silence_stdout() -> None:
    # Python would report the broken pipe again when flushing stdout at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
