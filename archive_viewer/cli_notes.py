"""The terminal commands for the user's own data: ``notes`` and ``searches``. No Qt.

    archive-viewer notes [--search TEXT] [--unattached] [--json]
    archive-viewer searches [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_commands(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                 db_option: argparse.ArgumentParser) -> None:
    notes = commands.add_parser(
        "notes", parents=[db_option], help="list your notes and tags, with where they are",
        description="Every note of yours, newest first, with the identifier of the record it "
                    "is on, its tags, and whether the record is in the archive (notes of a "
                    "deleted or changed document stay, unattached, until you delete them).")
    notes.add_argument("--search", metavar="TEXT", default="",
                       help="only notes holding these words (as typed, any case)")
    notes.add_argument("--unattached", action="store_true",
                       help="only the notes and tags of records no longer in the archive")
    notes.add_argument("--json", action="store_true", help="one JSON array instead of text")
    notes.set_defaults(run=run_notes)

    searches = commands.add_parser(
        "searches", parents=[db_option], help="list your saved searches with their counts",
        description="Each saved search with the statements it matches, and how many of them "
                    "came with documents imported since the search was last opened.")
    searches.add_argument("--json", action="store_true", help="one JSON array instead of text")
    searches.set_defaults(run=run_searches)


def run_notes(args: argparse.Namespace) -> int:
    from archive_viewer.cli import EXIT_OK, _open_archive
    from archive_viewer.store import notes

    with _open_archive(args.db, create=False, write=False) as archive:
        conn = archive.connection()
        rows: list[dict[str, Any]] = []
        if args.unattached:
            for lost in notes.unattached(conn):
                a = lost.annotations
                rows.append({"node": a.identifier, "where": a.context, "text": a.snapshot,
                             "attached": False, "tags": list(a.tag_names),
                             "notes": [n.body for n in a.notes]})
        else:
            tags = {a.identifier: list(a.tag_names) for a in notes.iter_nodes(conn)}
            for listing in notes.all_notes(conn, args.search):
                rows.append({"node": listing.ref.identifier, "where": listing.context,
                             "attached": listing.attached,
                             "tags": tags.get(listing.ref.identifier, []),
                             "note": listing.note.body, "created_at": listing.note.created_at,
                             "edited_at": listing.note.edited_at})
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    for row in rows:
        state = "" if row["attached"] else "  [unattached]"
        print(f"{row['node']}{state}\n  {row['where']}")
        if row["tags"]:
            print("  tags: " + ", ".join(row["tags"]))
        for body in row.get("notes", [row.get("note")]):
            if body:
                print("  " + body.replace("\n", "\n  "))
        print()
    if not rows:
        print("No notes." if not args.unattached else "Every note and tag is attached.")
    return EXIT_OK


def run_searches(args: argparse.Namespace) -> int:
    from archive_viewer.cli import EXIT_OK, _open_archive
    from archive_viewer.store import saved_searches

    with _open_archive(args.db, create=False, write=False) as archive:
        conn = archive.connection()
        rows = []
        for search in saved_searches.saved_searches(conn):
            counts = saved_searches.counts(conn, search)
            rows.append({"name": search.name, "filter": search.filter,
                         "statements": counts.statements, "new": counts.new,
                         "opened_at": search.opened_at, "missing": list(counts.problems)})
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    for row in rows:
        new = f", +{row['new']:,} new" if row["new"] else ""
        print(f"{row['name']}: {row['statements']:,} statements{new}")
        if row["missing"]:
            print("  not in this archive: " + ", ".join(row["missing"]))
    if not rows:
        print("No saved searches.")
    return EXIT_OK
