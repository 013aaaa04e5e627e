"""The `archive-viewer` command: the window by default, and `import`, `stats`, `parse`,
`search`, `export-pdf`, `export-statements`, `bundle`, `open`, `cite`, `register-links`, `people`
and `timeline` for the terminal and scripts. No Qt here: the window's module (and the PDF
export's) is imported only when it is used.

Exit status: 0 success; 1 some files failed to import (or an unexpected error); 2 the command
could not run (bad --db, a file that is not a meeting document, a search that cannot be run as
typed, a usage error); 130 Ctrl-C.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
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
from archive_viewer.store.errors import BadInputError, ReadOnlyArchiveError, sqlite_problem
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
    what.add_argument("--person", metavar="PERSON", help="a person's page (an id or a name)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="the PDF to write (replaced if it exists)")
    export.add_argument("--order", choices=("speaker", "document", "sides"), default="speaker",
                        help="statements grouped by speaker (default), in document order, or "
                             "side by side (one column per side)")
    export.add_argument("--paper", choices=("a4", "letter"), default=None,
                        help="paper size (default: from the locale)")
    export.set_defaults(run=run_export_pdf)

    _add_data_out_commands(commands, db_option)
    _add_link_commands(commands, db_option)
    people = commands.add_parser(
        "people", parents=[db_option], help="list, merge and split people",
        description="People across the archive. A person written differently in different "
                    "documents is merged automatically when the names are clearly one "
                    "person's; merge and split do the rest by hand, and are remembered when "
                    "documents are imported again. PERSON is an id (17 or #17) or a name in "
                    "any of its spellings.",
    )
    people_commands = people.add_subparsers(dest="people_command", metavar="ACTION", required=True)
    listing = people_commands.add_parser("list", parents=[db_option], help="every person")
    listing.add_argument("--country", help="only the people of this country")
    listing.add_argument("--json", action="store_true", help="as JSON lines")
    listing.set_defaults(run=run_people_list)
    merge = people_commands.add_parser(
        "merge", parents=[db_option], help="make two people one (the first keeps its name)")
    merge.add_argument("keep", metavar="PERSON")
    merge.add_argument("other", metavar="OTHER")
    merge.set_defaults(run=run_people_merge)
    split = people_commands.add_parser(
        "split", parents=[db_option], help="give merged spellings people of their own again")
    split.add_argument("person", metavar="PERSON")
    split.add_argument("--spelling", action="append", metavar="NAME",
                       help="only this spelling (repeatable; default: all but the person's own)")
    split.set_defaults(run=run_people_split)
    timeline = commands.add_parser(
        "timeline", parents=[db_option], help="an issue's statements through time, by lane",
        description="Every statement about an issue (narrower issues included) in date order, "
                    "one lane per country (the side the speaker represented) or per speaker, "
                    "joint statements on their own lane: the window's Issue Timeline as text.",
    )
    timeline.add_argument("--issue", required=True, metavar="NAME",
                          help="the issue's name or one of its synonyms (case is ignored)")
    timeline.add_argument("--by", choices=("country", "speaker"), default="country",
                          help="one lane per country (default) or per speaker")
    timeline.add_argument("--json", action="store_true", help="print the timeline as JSON")
    timeline.set_defaults(run=run_timeline)
    from archive_viewer import cli_notes

    cli_notes.add_commands(commands, db_option)

    parser.set_defaults(run=run_gui)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2012-04-07") from None


def _add_data_out_commands(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                           db_option: argparse.ArgumentParser) -> None:
    from archive_viewer.store.filters import MEETING_KINDS

    statements = commands.add_parser(
        "export-statements", parents=[db_option],
        help="write the statements of a filter as CSV or JSON, one row per statement",
        description="Write every statement matching the filter options (all of them without "
                    "any) as CSV or JSON: identifier, meeting title, dates, kind, place, "
                    "section, item, speaker, side, joint, issues, text, source. Options of "
                    "one kind combine with OR, different options with AND, as in the window.",
    )
    statements.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                            help="the file to write (replaced whole if it exists); - for "
                                 "standard output")
    statements.add_argument("--format", choices=("csv", "json"), default=None,
                            help="default: from the file name (.json), else csv")
    statements.add_argument("--search", metavar="TEXT", default="",
                            help="statements matching a search (as typed in the window)")
    statements.add_argument("--issue", metavar="NAME", action="append", default=[],
                            help="statements on an issue (or a narrower one); repeatable")
    statements.add_argument("--person", metavar="NAME", action="append", default=[],
                            help="statements by a person (and joint statements of meetings "
                                 "they led); repeatable")
    statements.add_argument("--country", metavar="NAME", action="append", default=[],
                            help="meetings a country took part in; repeatable")
    statements.add_argument("--kind", choices=tuple(MEETING_KINDS), action="append",
                            default=[], help="meetings of a kind; repeatable")
    statements.add_argument("--from", dest="date_from", type=_iso_date, metavar="DATE",
                            help="meetings held on or after (YYYY-MM-DD)")
    statements.add_argument("--to", dest="date_to", type=_iso_date, metavar="DATE",
                            help="meetings held on or before (YYYY-MM-DD)")
    statements.add_argument("--tag", metavar="NAME", action="append", default=[],
                            help="statements you tagged (or in a meeting, section or item you "
                                 "tagged); repeatable")
    statements.add_argument("--with-notes", action="store_true",
                            help="statements with a note of yours (on them or around them)")
    statements.add_argument("--note", metavar="TEXT", default="",
                            help="statements whose note holds these words (as typed, any case)")
    statements.set_defaults(run=run_export_statements)

    bundle = commands.add_parser(
        "bundle", help="write a whole archive to a portable JSON bundle, or import one",
        description="A bundle holds every document of an archive with what the documents "
                    "cannot tell (where they came from, when they were imported); importing "
                    "it into another archive, on any installation, reproduces the records.",
    )
    actions = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    bundle_export = actions.add_parser("export", parents=[db_option],
                                       help="write the archive to FILE")
    bundle_export.add_argument("file", type=Path, metavar="FILE")
    bundle_export.set_defaults(run=run_bundle_export)
    bundle_import = actions.add_parser("import", parents=[db_option],
                                       help="import the bundle FILE into the archive")
    bundle_import.add_argument("file", type=Path, metavar="FILE")
    bundle_import.set_defaults(run=run_bundle_import)


def _add_link_commands(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                       db_option: argparse.ArgumentParser) -> None:
    from archive_viewer.citation import DEFAULT_STYLE, STYLE_KEYS

    opens = commands.add_parser(
        "open", parents=[db_option],
        help="open the window on a meeting, section, item or statement by its identifier",
        description="Open the window with the record an identifier names selected and shown: "
                    "av:19a025d9c24d/s1/i3, or a link archive-viewer://av/19a025d9c24d/s1/i3 "
                    "(what Copy Link copies).",
    )
    opens.add_argument("identifier", metavar="ID")
    opens.set_defaults(run=run_open)

    cite = commands.add_parser(
        "cite", parents=[db_option], help="print the citation of a record by its identifier")
    cite.add_argument("identifier", metavar="ID")
    cite.add_argument("--style", choices=STYLE_KEYS, default=DEFAULT_STYLE,
                      help=f"default: {DEFAULT_STYLE}")
    cite.set_defaults(run=run_cite)

    register = commands.add_parser(
        "register-links",
        help="make this app open archive-viewer:// links (Linux desktops)",
        description="Install a desktop entry for archive-viewer:// links in your applications "
                    "folder ($XDG_DATA_HOME/applications) and make it their default handler "
                    "with xdg-mime.",
    )
    register.set_defaults(run=run_register_links)


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
    except sqlite3.Error as exc:  # a damaged page or a full disk met after the archive opened
        if os.environ.get(DEBUG_ENV):
            raise
        db = getattr(args, "db", None) or paths.default_archive_path()
        _error(str(sqlite_problem(db, exc)))
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
    with _open_archive(args.db, create=False, write=False) as archive:
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
    from archive_viewer.export.run import (
        export_filter,
        export_node,
        export_person,
        gui_application,
    )
    from archive_viewer.store.filters import SearchHint

    with _open_archive(args.db, create=False, write=False) as archive:
        db_path = archive.path
    app = gui_application()  # noqa: F841  (QPdfWriter and fonts need it alive)
    try:
        if args.section is not None or args.meeting is not None:
            kind, node = ("section", args.section) if args.section is not None else (
                "meeting", args.meeting)
            result = export_node(db_path, kind, node, args.output, grouping=args.order,
                                 paper=args.paper)
        elif args.person is not None:
            result = export_person(db_path, args.person, args.output, paper=args.paper)
        else:
            result = export_filter(db_path, args.output, text=args.search or "",
                                   issue=args.issue, grouping=args.order, paper=args.paper)
    except (ExportError, SearchHint) as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    except Exception as exc:  # as main() does, but naming the file that was not written
        if os.environ.get(DEBUG_ENV):
            raise
        _error(f"{args.output} was not written: unexpected error: {type(exc).__name__}: {exc} "
               f"(set {DEBUG_ENV}=1 to see the details)")
        return EXIT_FAILED
    print(f"Wrote {result.path} ({result.pages} page{'' if result.pages == 1 else 's'})")
    return EXIT_OK


def run_timeline(args: argparse.Namespace) -> int:
    from difflib import get_close_matches

    from archive_viewer.store.connection import connect
    from archive_viewer.store.filters import Filter
    from archive_viewer.store.timeline import find_issue, issue_catalogue, issue_timeline
    from archive_viewer.timeline_report import report_lines, timeline_report

    with _open_archive(args.db, create=False) as archive:
        db_path = archive.path
    conn = connect(db_path, readonly=True)
    try:
        issue = find_issue(conn, args.issue)
        if issue is None:
            names = [i.name for i in issue_catalogue(conn)]
            close = get_close_matches(args.issue, names, n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(n) for n in close)}?" if close else (
                " The names are in the issue thesaurus (resources/issues.toml).")
            _error(f"no issue called {args.issue!r} in {db_path}.{hint}")
            return EXIT_UNUSABLE
        report = timeline_report(conn, issue_timeline(conn, Filter(), issue, args.by))
    finally:
        conn.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for line in report_lines(report):
            print(line)
    return EXIT_OK


def run_export_statements(args: argparse.Namespace) -> int:
    from archive_viewer.data_out import WriteError
    from archive_viewer.data_out.statements import (
        export_statements,
        format_for,
        statement_rows,
        write_statements,
    )
    from archive_viewer.store.connection import connect
    from archive_viewer.store.filters import SearchHint
    from archive_viewer.store.named_filter import named_filter

    with _open_archive(args.db, create=False) as archive:
        db_path = archive.path
    conn = connect(db_path, readonly=True)
    try:
        f = named_filter(conn, search=args.search, issues=args.issue, people=args.person,
                         countries=args.country, kinds=args.kind, date_from=args.date_from,
                         date_to=args.date_to, tags=args.tag, has_notes=args.with_notes,
                         note_text=args.note)
        fmt = format_for(args.output, args.format)
        if str(args.output) == "-":
            write_statements(statement_rows(conn, f), sys.stdout, fmt)
            return EXIT_OK
        result = export_statements(conn, f, args.output, fmt)
    except (SearchHint, WriteError) as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    finally:
        conn.close()
    noun = "statement" if result.rows == 1 else "statements"
    print(f"Wrote {result.rows:,} {noun} to {result.path} ({fmt.upper()})")
    return EXIT_OK


def run_bundle_export(args: argparse.Namespace) -> int:
    from archive_viewer.data_out import WriteError
    from archive_viewer.data_out.bundle import export_bundle

    with _open_archive(args.db, create=False) as archive:
        try:
            result = export_bundle(archive.connection(), args.file)
        except WriteError as exc:
            _error(str(exc))
            return EXIT_UNUSABLE
    noun = "document" if result.documents == 1 else "documents"
    print(f"Wrote {result.documents:,} {noun} to {result.path}")
    return EXIT_OK


def run_bundle_import(args: argparse.Namespace) -> int:
    from archive_viewer.data_out.bundle import BundleError, import_bundle

    with _open_archive(args.db, create=True) as archive, \
            _progress_bar(sys.stderr) as progress:
        try:
            result = import_bundle(archive, args.file, progress=progress)
        except BundleError as exc:
            _error(str(exc))
            return EXIT_UNUSABLE
    _print_summary(result.summary)
    for warning in result.warnings:
        _error(f"warning: {warning}")
    return EXIT_FAILED if result.summary.failures else EXIT_OK


def run_open(args: argparse.Namespace) -> int:
    from archive_viewer.identifiers import BadIdentifier, parse

    try:
        node = parse(args.identifier)
    except BadIdentifier as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    if args.db is not None:  # say it here, in one line, before any window
        from archive_viewer.store.node_ids import resolve

        with _open_archive(args.db, create=False) as archive:
            resolve(archive.connection(), node)  # UnknownIdentifier: an ArchiveError
    return run_gui(args, open_identifier=str(node))


def run_cite(args: argparse.Namespace) -> int:
    from archive_viewer.citation import format_citation
    from archive_viewer.identifiers import BadIdentifier
    from archive_viewer.store.citations import citation_facts
    from archive_viewer.store.node_ids import resolve

    with _open_archive(args.db, create=False) as archive:
        conn = archive.connection()
        try:
            node = resolve(conn, args.identifier)
        except BadIdentifier as exc:
            _error(str(exc))
            return EXIT_UNUSABLE
        facts = citation_facts(conn, node.kind, node.id)
    assert facts is not None  # just resolved
    print(format_citation(facts, args.style).text)
    return EXIT_OK


def run_register_links(args: argparse.Namespace) -> int:
    from archive_viewer.link_handler import register_links

    done = register_links()
    for step in done.steps:
        print(step)
    return EXIT_OK if done.ok else EXIT_FAILED


def run_people_list(args: argparse.Namespace) -> int:
    from archive_viewer.store.person_profile import list_people

    with _open_archive(args.db, create=False) as archive:
        people = list_people(archive.connection(), country=args.country)
    if args.json:
        for person in people:
            print(json.dumps({"id": person.person_id, "name": person.name,
                              "country": person.country, "meetings": person.meetings,
                              "statements": person.statements, "spellings": person.spellings},
                             ensure_ascii=False))
        return EXIT_OK
    for person in people:
        spellings = f", {person.spellings} spellings" if person.spellings > 1 else ""
        print(f"#{person.person_id:<6} {person.name} ({person.country or 'country unknown'}): "
              f"{person.meetings} meeting{'' if person.meetings == 1 else 's'}, "
              f"{person.statements} statement{'' if person.statements == 1 else 's'}{spellings}")
    return EXIT_OK


def run_people_merge(args: argparse.Namespace) -> int:
    from archive_viewer.store.people_merge import PeopleError

    with _open_archive(args.db, create=False) as archive:
        keep = _one_person(archive, args.keep)
        other = _one_person(archive, args.other)
        if keep is None or other is None:
            return EXIT_UNUSABLE
        try:
            archive.merge_people(keep.person_id, other.person_id)
        except PeopleError as exc:
            _error(str(exc))
            return EXIT_UNUSABLE
    print(f"Merged #{other.person_id} {other.name} into #{keep.person_id} {keep.name}")
    return EXIT_OK


def run_people_split(args: argparse.Namespace) -> int:
    from archive_viewer.store.names import compatible
    from archive_viewer.store.people_merge import PeopleError
    from archive_viewer.store.person_profile import person_profile

    with _open_archive(args.db, create=False) as archive:
        person = _one_person(archive, args.person)
        if person is None:
            return EXIT_UNUSABLE
        profile = person_profile(archive.connection(), person.person_id, details=False)
        assert profile is not None
        spellings = None
        if args.spelling:
            spellings = [(s.name_key, s.country) for s in profile.spellings
                         if any(compatible(wanted, s.name, s.country or None)
                                for wanted in args.spelling)]
            if not spellings:
                _error(f"{person.name} is never written {' or '.join(args.spelling)}; they are "
                       f"written {', '.join(s.name for s in profile.spellings)}")
                return EXIT_UNUSABLE
        try:
            result = archive.split_person(person.person_id, spellings)
        except PeopleError as exc:
            _error(str(exc))
            return EXIT_UNUSABLE
        names = dict(archive.connection().execute(
            "SELECT id, name FROM people WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([person.person_id, *result.new_ids]),)).fetchall())
    print(f"Split #{person.person_id} {names.get(person.person_id, person.name)}: "
          + ", ".join(f"#{new} {names.get(new, '?')}" for new in result.new_ids))
    return EXIT_OK


def _one_person(archive: Archive, text: str):  # noqa: ANN202 (PersonSummary, imported late)
    """The one person ``text`` names, or None after saying why on stderr."""
    from archive_viewer.store.person_profile import find_people

    found = find_people(archive.connection(), text)
    if len(found) == 1:
        return found[0]
    if not found:
        _error(f"no person called {text!r} (`{PROG} people list` names them all)")
    else:
        _error(f"{text!r} names {len(found)} people; give one's id: " + "; ".join(
            f"#{p.person_id} {p.name} ({p.country or 'country unknown'})" for p in found[:10]))
    return None


def run_gui(args: argparse.Namespace, *, open_identifier: str | None = None) -> int:
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
    if open_identifier is None:
        return run(args.db)
    return run(args.db, open_identifier=open_identifier)


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
def _open_archive(db: Path | None, *, create: bool, write: bool = True) -> Iterator[Archive]:
    """The archive named by --db, or the default one (importing the samples on first use).

    A command that only reads (``write=False``) opens a read-only archive read-only.
    """
    if db is not None:
        try:
            archive = Archive.open(db, create=create)
        except ReadOnlyArchiveError:
            if write:
                raise
            archive = Archive.open(db, readonly=True)
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
