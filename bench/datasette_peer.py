"""Datasette as the peer in the benchmark suite (issue 5): the same archive file served by
Datasette's JSON API, asked for the same facets and searches the app computes.

:class:`DatasettePeer` runs ``python -m datasette serve -i FILE`` (immutable: the archive does
not change during a benchmark) on a free localhost port, with these settings:

    sql_time_limit_ms 120000, facet_time_limit_ms 120000   nothing we time is cut short
    suggest_facets off                                    no facet-suggestion work is counted
    max_returned_rows 100000, default_facet_size 100000   no result or facet list is capped

Every request is one GET with :mod:`urllib`, timed from sending it to having read the whole
body; the JSON is then checked (HTTP 200, no ``error``, ``truncated`` false, no facet timed out
or truncated) and a failed request raises :class:`PeerError` with the response text, so an
error page is never timed as an answer. ``DB`` below is the database's name in Datasette (the
file's stem); values in ``_where=`` are SQL literals, integers bare and strings quoted.

SQL (the app's own queries, for "the same SQL through Datasette"):

* :meth:`DatasettePeer.time_sql` / :meth:`rows_sql`: ``GET /DB.json?sql=SQL&name=value...``;
  named parameters go as query-string arguments and Datasette binds them as text. The
  response's default ``arrays`` shape is asked for, not ``_shape=array``: the app's queries
  have duplicate column names (``s.id, sec.id``) that ``_shape=array`` folds into one object
  key, and only the full shape carries the ``truncated`` flag that proves no row was dropped.
* :meth:`time_statements`: one such request per fully expanded statement, times summed.

Native requests (what a Datasette user does without writing SQL), :meth:`time_native_facets`
for a Filter ``f``, one request per facet, each under ``f`` without that facet's own selection
(as the app counts), all with ``_size=0`` (Datasette still counts the matching rows: part of
its cost) and ``_facet_size=max``:

    issues     GET /DB/statement_issue_closure.json?_facet=issue_id
                   [&_where=statement_id IN (SELECT id FROM statements WHERE <statement terms>
                                             AND meeting_id IN (<meetings>))]
    people     GET /DB/statements.json?_facet=speaker_id
                   [&_search=<fts_query(text)>&_searchmode=raw&_fts_table=statements_fts&_fts_pk=id]
                   [&_where=<issue term>][&_where=<people term>][&_where=meeting_id IN (<meetings>)]
    countries  GET /DB/meeting_countries.json?_facet=country[&_where=meeting_id IN (<shown meetings>)]
    kinds      GET /DB/meetings.json?_facet=kind[&kind__in=[...]][&held_on__gte=D][&held_on__lte=D]
                   [&_where=<country term>][&_where=id IN (SELECT meeting_id FROM statements
                                                          WHERE <statement terms>)]
    dates      GET /DB/meetings.json?held_on__notnull=1&_sort=held_on&_size=1 + the kinds
               request's filter arguments, and the same with _sort_desc=held_on (the first and
               last date: Datasette has no min/max facet)

The statement terms are the app's: issues through statement_issue_closure (narrower issues
included), people as speaker or as a principal of a meeting with joint statements, text as an
FTS5 MATCH of :func:`fts_query`. The people facet counts spoken statements only: the app's
share of joint statements per principal is a join Datasette's facets cannot express.

:meth:`time_native_search`: ``GET /DB/statements.json?_search=<fts_query(text)>&_searchmode=raw
&_fts_table=statements_fts&_fts_pk=id&_size=50`` plus the filter's other terms as above. The
FTS table is named in the request because Datasette does not detect it by itself (it looks for
``content="statements"`` in double quotes or brackets, the schema writes ``content =
'statements'``, and an unrecognised ``_search`` is silently ignored: every row comes back).
Datasette 0.65 returns table search results in primary-key order, not by relevance: the
first 50 matches, not the best 50; a ranked search in Datasette is a SQL (canned) query,
which is what :meth:`time_sql` with the app's search SQL measures.

Limits: a very long request URL (an expanded statement listing thousands of ids; measured:
115 KB passes, 170 KB does not) is dropped by Datasette's server, and raises :class:`PeerError`; the first request after
start-up is slower (measured: up to 2-3 times): warm up before timing. Immutable mode reads
the main file only, so an archive whose write-ahead log still holds changes is refused.

    python -m bench.datasette_peer ARCHIVE [--issue ID] [--common WORD] [--rare WORD]

prints the peer's times for facets (no filter, one issue) and searches (a common and a rare
word) beside the app's own and those of the app's SQL sent through Datasette.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from archive_viewer.store.filter_sql import without_facet
from archive_viewer.store.filters import Filter, fts_query

__all__ = ["DatasettePeer", "PeerError", "PeerUnavailable"]

INSTALL_HINT = "Datasette is not installed: pip install -e '.[bench]'"

#: High enough that no query the benchmark runs is interrupted or capped.
SETTINGS: dict[str, int | str] = {
    "sql_time_limit_ms": 120_000,
    "facet_time_limit_ms": 120_000,
    "facet_suggest_time_limit_ms": 0,
    "suggest_facets": "off",
    "max_returned_rows": 100_000,
    "default_facet_size": 100_000,
}

#: Named in every search request: Datasette does not detect this external-content table.
FTS_ARGS: tuple[tuple[str, str], ...] = (
    ("_searchmode", "raw"), ("_fts_table", "statements_fts"), ("_fts_pk", "id"))

STARTUP_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 600.0

Query = list[tuple[str, str]]


class PeerUnavailable(RuntimeError):
    """Datasette is not installed in this Python."""


class PeerError(RuntimeError):
    """Datasette failed to start or a request did not return a complete, valid answer."""


def _literal(value: object) -> str:
    """``value`` as an SQL literal for ``_where=`` (which takes SQL, not parameters)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"no SQL literal for {value!r}")
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: Iterable[object]) -> str:
    return ", ".join(_literal(v) for v in sorted(values))  # type: ignore[type-var]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- a Filter as Datasette arguments ---------------------------------------------------------

def _statement_terms(f: Filter, *, with_text: bool = True) -> list[str]:
    """The filter's statement terms as conditions on an unqualified ``statements`` row."""
    terms: list[str] = []
    if with_text and f.text.strip():
        terms.append("id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH "
                     f"{_literal(_match(f.text))})")
    if f.issues:
        terms.append("id IN (SELECT statement_id FROM statement_issue_closure "
                     f"WHERE issue_id IN ({_in_list(f.issues)}))")
    if f.people:
        people = _in_list(f.people)
        terms.append(f"id IN (SELECT id FROM statements WHERE speaker_id IN ({people}) "
                     "UNION ALL SELECT joint.id FROM participants "
                     "JOIN statements AS joint ON joint.meeting_id = participants.meeting_id "
                     "AND joint.is_joint = 1 WHERE participants.role = 'principal' "
                     f"AND participants.person_id IN ({people}))")
    return terms


def _meeting_terms(f: Filter) -> list[str]:
    """The filter's meeting terms as conditions on an unqualified ``meetings`` row."""
    terms: list[str] = []
    if f.kinds:
        terms.append(f"kind IN ({_in_list(f.kinds)})")
    if f.countries:
        terms.append("id IN (SELECT meeting_id FROM meeting_countries "
                     f"WHERE country IN ({_in_list(f.countries)}))")
    if f.date_from is not None:
        terms.append(f"held_on >= {_literal(f.date_from.isoformat())}")
    if f.date_to is not None:
        terms.append(f"held_on <= {_literal(f.date_to.isoformat())}")
    return terms


def _match(text: str) -> str:
    query = fts_query(text)
    if query is None:
        raise ValueError(f"nothing to search for in {text!r}")
    return query


def _statements_args(f: Filter) -> Query:
    """Arguments narrowing the ``statements`` table to the statements ``f`` matches: the
    search text through Datasette's own ``_search``, the rest as ``_where=``."""
    args: Query = []
    if f.text.strip():
        args += [("_search", _match(f.text)), *FTS_ARGS]
    args += [("_where", term) for term in _statement_terms(f, with_text=False)]
    meeting_terms = _meeting_terms(f)
    if meeting_terms:
        args.append(("_where", "meeting_id IN (SELECT id FROM meetings WHERE "
                     + " AND ".join(meeting_terms) + ")"))
    return args


def _meetings_args(f: Filter) -> Query:
    """Arguments narrowing the ``meetings`` table to the meetings ``f`` shows: Datasette's
    column filters where it has one, ``_where=`` for countries and statement terms."""
    args: Query = []
    if f.kinds:
        args.append(("kind__in", json.dumps(sorted(f.kinds))))
    if f.date_from is not None:
        args.append(("held_on__gte", f.date_from.isoformat()))
    if f.date_to is not None:
        args.append(("held_on__lte", f.date_to.isoformat()))
    if f.countries:
        args.append(("_where", "id IN (SELECT meeting_id FROM meeting_countries "
                     f"WHERE country IN ({_in_list(f.countries)}))"))
    statement_terms = _statement_terms(f)
    if statement_terms:
        args.append(("_where", "id IN (SELECT meeting_id FROM statements WHERE "
                     + " AND ".join(statement_terms) + ")"))
    return args


def _shown_meetings(f: Filter) -> str | None:
    """A subquery of the ids of the meetings ``f`` shows, or None for all of them."""
    terms = _meeting_terms(f)
    statement_terms = _statement_terms(f)
    if statement_terms:
        terms.append("id IN (SELECT meeting_id FROM statements WHERE "
                     + " AND ".join(statement_terms) + ")")
    return ("SELECT id FROM meetings WHERE " + " AND ".join(terms)) if terms else None


def native_facet_requests(f: Filter) -> list[tuple[str, str, Query]]:
    """(facet, table, arguments) of each request :meth:`DatasettePeer.time_native_facets` makes."""
    every: Query = [("_size", "0"), ("_facet_size", "max")]
    requests: list[tuple[str, str, Query]] = []

    g = without_facet(f, "issues")
    terms = _statement_terms(g)
    meetings = _shown_meetings(Filter(countries=g.countries, kinds=g.kinds,
                                      date_from=g.date_from, date_to=g.date_to))
    if meetings:
        terms.append(f"meeting_id IN ({meetings})")
    issue_args: Query = [("_facet", "issue_id"), *every]
    if terms:
        issue_args.append(("_where", "statement_id IN (SELECT id FROM statements WHERE "
                           + " AND ".join(terms) + ")"))
    requests.append(("issues", "statement_issue_closure", issue_args))

    requests.append(("people", "statements",
                     [("_facet", "speaker_id"), *every, *_statements_args(without_facet(f, "people"))]))

    shown = _shown_meetings(without_facet(f, "countries"))
    country_args: Query = [("_facet", "country"), *every]
    if shown:
        country_args.append(("_where", f"meeting_id IN ({shown})"))
    requests.append(("countries", "meeting_countries", country_args))

    requests.append(("kinds", "meetings",
                     [("_facet", "kind"), *every, *_meetings_args(without_facet(f, "kinds"))]))

    dated = [("held_on__notnull", "1"), ("_size", "1"), *_meetings_args(without_facet(f, "dates"))]
    requests.append(("date_min", "meetings", [("_sort", "held_on"), *dated]))
    requests.append(("date_max", "meetings", [("_sort_desc", "held_on"), *dated]))
    return requests


# -- the peer --------------------------------------------------------------------------------

class DatasettePeer:
    """Datasette serving one archive file on localhost, for as long as the ``with`` block."""

    def __init__(self, db_path: Path) -> None:
        if importlib.util.find_spec("datasette") is None:
            raise PeerUnavailable(INSTALL_HINT)
        self.db_path = Path(db_path)
        if not self.db_path.is_file():
            raise FileNotFoundError(self.db_path)
        wal = self.db_path.with_name(self.db_path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            # Immutable mode (-i) reads the main file only: un-checkpointed pages would be missed.
            raise PeerError(f"{wal.name} holds changes not yet in the archive file: close every "
                            "connection writing to it (or checkpoint it) first")
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self.base_url = ""
        self.database = ""

    # -- starting and stopping ---------------------------------------------------------------

    def __enter__(self) -> DatasettePeer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        # Another process may take the port between our probe and Datasette's bind: retry.
        for attempt in range(3):
            port = _free_port()
            command = [sys.executable, "-m", "datasette", "serve", "-i", str(self.db_path),
                       "--host", "127.0.0.1", "--port", str(port)]
            for name, value in SETTINGS.items():
                command += ["--setting", name, str(value)]
            self._log = tempfile.TemporaryFile()
            # Its own process group (session), so that stop() reaches any children too.
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                start_new_session=(os.name == "posix"),
                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
            self.base_url = f"http://127.0.0.1:{port}"
            try:
                self._wait_until_ready()
                return
            except PeerError:
                log = self._read_log()
                self.stop()
                if attempt == 2 or "address already in use" not in log.lower():
                    raise PeerError(f"Datasette did not start:\n{log}") from None

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PeerError("Datasette exited")
            try:
                with urllib.request.urlopen(self.base_url + "/-/databases.json", timeout=2) as r:
                    databases = json.loads(r.read())
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
                continue
            if len(databases) != 1:
                raise PeerError(f"expected one database, Datasette serves {databases!r}")
            self.database = databases[0]["name"]
            return
        raise PeerError(f"Datasette did not answer within {STARTUP_TIMEOUT_S:.0f} s")

    def _read_log(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            self._signal(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal(process, getattr(signal, "SIGKILL", signal.SIGTERM))
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    @staticmethod
    def _signal(process: subprocess.Popen[bytes], sig: int) -> None:
        try:
            if os.name == "posix":
                os.killpg(process.pid, sig)  # the group started by start_new_session
            else:
                process.terminate()
        except ProcessLookupError:
            pass

    # -- requests ----------------------------------------------------------------------------

    def _get(self, path: str, args: Query) -> tuple[float, dict[str, Any]]:
        """(wall seconds, JSON body) of one GET; raises PeerError unless it is a complete,
        valid answer."""
        if self._process is None:
            raise PeerError("the peer is not running (use it in a with block)")
        url = self.base_url + path + "?" + urllib.parse.urlencode(args)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")
            raise PeerError(f"HTTP {exc.code} for {path} {args!r}:\n{text[:4000]}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            # The server (uvicorn) drops a request whose URL is too long rather than answer.
            raise PeerError(f"no answer for {path} ({len(url):,}-character URL): {exc}") from None
        seconds = time.perf_counter() - start
        text = body.decode(errors="replace")
        if status != 200:
            raise PeerError(f"HTTP {status} for {path} {args!r}:\n{text[:4000]}")
        try:
            data = json.loads(body)
        except ValueError:
            raise PeerError(f"not JSON for {path} {args!r}:\n{text[:4000]}") from None
        if not isinstance(data, dict) or data.get("error") or data.get("ok") is False:
            raise PeerError(f"error for {path} {args!r}:\n{text[:4000]}")
        if data.get("truncated"):
            raise PeerError(f"rows truncated (max_returned_rows) for {path} {args!r}")
        if data.get("facets_timed_out"):
            raise PeerError(f"facets timed out {data['facets_timed_out']} for {path} {args!r}")
        for name, facet in (data.get("facet_results") or {}).items():
            if facet.get("truncated"):
                raise PeerError(f"facet {name} truncated for {path} {args!r}")
        return seconds, data

    def _sql(self, sql: str, params: Mapping[str, object] | None) -> tuple[float, dict[str, Any]]:
        args: Query = [("sql", sql)]
        for name, value in (params or {}).items():
            if name == "sql" or name.startswith("_"):
                # The query string's own arguments: Datasette could not tell them apart.
                raise ValueError(f"parameter name {name!r} clashes with Datasette's arguments")
            args.append((name, "" if value is None else str(value)))
        return self._get(f"/{self.database}.json", args)

    def time_sql(self, sql: str, params: Mapping[str, object] | None = None) -> float:
        """Wall seconds of running ``sql`` (named ``params`` as text) through ``/DB.json``."""
        return self._sql(sql, params)[0]

    def rows_sql(self, sql: str, params: Mapping[str, object] | None = None) -> list[list[Any]]:
        """The rows Datasette returns for ``sql``, as lists in column order."""
        return self._sql(sql, params)[1]["rows"]

    def time_statements(self, sql_list: Sequence[str]) -> float:
        """Sum of the wall seconds of each fully expanded statement, one request each."""
        return sum(self.time_sql(sql) for sql in sql_list)

    def _table(self, table: str, args: Query) -> tuple[float, dict[str, Any]]:
        return self._get(f"/{self.database}/{table}.json", args)

    def time_native_facets(self, f: Filter) -> float:
        """Sum of the wall seconds of the native facet requests for ``f`` (module docstring)."""
        return sum(self._table(table, args)[0] for _, table, args in native_facet_requests(f))

    def native_facets(self, f: Filter) -> dict[str, Any]:
        """What the native facet requests answer: {facet: {value: count}} for issues, people,
        countries and kinds; "dates": (first, last) held_on or (None, None)."""
        result: dict[str, Any] = {}
        dates: dict[str, str | None] = {}
        for facet, table, args in native_facet_requests(f):
            data = self._table(table, args)[1]
            if facet.startswith("date_"):
                rows = data["rows"]
                column = data["columns"].index("held_on")
                dates[facet] = rows[0][column] if rows else None
                continue
            (facet_result,) = data["facet_results"].values()
            result[facet] = {row["value"]: row["count"] for row in facet_result["results"]}
        result["dates"] = (dates["date_min"], dates["date_max"])
        return result

    def _search_args(self, text: str, f: Filter | None, limit: int) -> Query:
        g = Filter() if f is None else f
        narrowed = Filter(text=text, issues=g.issues, people=g.people, countries=g.countries,
                          kinds=g.kinds, date_from=g.date_from, date_to=g.date_to)
        return [*_statements_args(narrowed), ("_size", str(int(limit)))]

    def _search(self, text: str, f: Filter | None, limit: int) -> tuple[float, dict[str, Any]]:
        seconds, data = self._table("statements", self._search_args(text, f, limit))
        # An _search Datasette cannot apply is ignored, not refused: make sure it was applied.
        if "search matches" not in (data.get("human_description_en") or ""):
            raise PeerError(f"Datasette did not apply the search for {text!r}: "
                            f"{data.get('human_description_en')!r}")
        return seconds, data

    def time_native_search(self, text: str, f: Filter | None = None, limit: int = 50) -> float:
        """Wall seconds of ``_search=`` on the statements table with ``f``'s other terms
        (``f.text`` is replaced by ``text``)."""
        return self._search(text, f, limit)[0]

    def native_search(self, text: str, f: Filter | None = None, limit: int = 50) -> list[int]:
        """The statement ids the native search returns (in Datasette's order: by id)."""
        data = self._search(text, f, limit)[1]
        column = data["columns"].index("id")
        return [row[column] for row in data["rows"]]


# -- a look at the figures -------------------------------------------------------------------

def _median_ms(measure: Callable[[], float], repeat: int) -> float:
    measure()  # warm the caches, SQLite's and Datasette's
    return 1000 * statistics.median(measure() for _ in range(repeat))


def _case(peer: DatasettePeer, conn: sqlite3.Connection, f: Filter, kind: str,
          repeat: int) -> tuple[float, float, float]:
    """Median ms of (the app's query in process, the same SQL through Datasette, Datasette's
    native requests) for ``kind`` "facets" or "search" under ``f``."""
    from archive_viewer.store import queries

    def run() -> object:
        return queries.facets(conn, f) if kind == "facets" else queries.search(conn, f)

    def app() -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    # The app's statements, expanded; FTS5's own (on its shadow tables, or nested and marked
    # "--") are left out: Datasette's SQLite runs them too.
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    statements = [sql for sql in seen
                  if not sql.startswith(("--", "PRAGMA")) and "'main'." not in sql]
    if kind == "facets":
        def native() -> float:
            return peer.time_native_facets(f)
    else:
        def native() -> float:
            return peer.time_native_search(f.text)
    return (_median_ms(app, repeat),
            _median_ms(lambda: peer.time_statements(statements), repeat),
            _median_ms(native, repeat))


def main(argv: list[str] | None = None) -> int:
    """Print the peer's times for facets and searches on an archive, beside the app's."""
    parser = argparse.ArgumentParser(prog="python -m bench.datasette_peer", description=main.__doc__)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--issue", type=int, help="issue id to filter by (default: the second most used)")
    parser.add_argument("--common", default="minister", help="a common search word")
    parser.add_argument("--rare", default="seamless", help="a rare search word")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is shown)")
    args = parser.parse_args(argv)

    conn = sqlite3.connect(f"file:{args.archive}?mode=ro", uri=True)
    issue = args.issue or conn.execute(
        "SELECT issue_id FROM statement_issue_closure GROUP BY issue_id "
        "ORDER BY count(*) DESC LIMIT 1 OFFSET 1").fetchone()[0]
    cases = [
        ("facets, no filter", Filter(), "facets"),
        (f"facets, issue {issue}", Filter(issues=frozenset({issue})), "facets"),
        (f"search {args.common!r}", Filter(text=args.common), "search"),
        (f"search {args.rare!r}", Filter(text=args.rare), "search"),
    ]
    meetings, statements = conn.execute(
        "SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM statements)").fetchone()
    print(f"{args.archive.name}: {meetings} meetings, {statements} statements; "
          f"median of {args.repeat} runs, ms")
    print(f"{'':28}{'app (in process)':>18}{'same SQL via Datasette':>24}{'Datasette native':>18}")
    with DatasettePeer(args.archive) as peer:
        for label, f, kind in cases:
            app, via_sql, native = _case(peer, conn, f, kind, args.repeat)
            print(f"{label:28}{app:18.1f}{via_sql:24.1f}{native:18.1f}")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
