"""The benchmark's Datasette peer answers what the app and sqlite3 answer (issue 5)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("datasette")

from archive_viewer.store import queries  # noqa: E402
from archive_viewer.store.filters import Filter  # noqa: E402
from bench.datasette_peer import DatasettePeer, PeerError, PeerUnavailable  # noqa: E402
from bench.generate import build_archive  # noqa: E402


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peer") / "peer.sqlite"
    build_archive(path, 50, progress=False)
    return path


@pytest.fixture(scope="module")
def conn(archive: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def peer(archive: Path) -> Iterator[DatasettePeer]:
    with DatasettePeer(archive) as running:
        yield running


def test_sql_rows_equal_sqlite3(peer: DatasettePeer, conn: sqlite3.Connection) -> None:
    # Duplicate column names (s.id, it.id) must survive: the reason for the arrays shape.
    sql = ("SELECT s.id, it.id, s.speaker_id, s.text FROM statements AS s "
           "JOIN items AS it ON it.id = s.item_id WHERE s.meeting_id <= :last ORDER BY s.id")
    expected = [list(row) for row in conn.execute(sql, {"last": 5})]
    assert expected
    assert peer.rows_sql(sql, {"last": 5}) == expected
    assert peer.time_sql(sql, {"last": 5}) > 0
    assert peer.time_statements([sql.replace(":last", "5"), "SELECT count(*) FROM meetings"]) > 0


def test_errors_raise_with_the_response(peer: DatasettePeer) -> None:
    with pytest.raises(PeerError, match="no such column"):
        peer.time_sql("SELECT no_such_column FROM statements")
    # More rows than max_returned_rows: truncated, so not the same request.
    with pytest.raises(PeerError, match="truncated"):
        peer.time_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i <= 100000) SELECT i FROM n")


def test_native_search_finds_what_fts_finds(peer: DatasettePeer, conn: sqlite3.Connection) -> None:
    expected = [rowid for rowid, in conn.execute(
        "SELECT rowid FROM statements_fts WHERE statements_fts MATCH '\"japan\"' ORDER BY rowid")]
    assert 0 < len(expected) < 1000
    # Datasette orders table search results by primary key, not by relevance.
    assert peer.native_search("japan", limit=1000) == expected
    assert peer.native_search("japan") == expected[:50]
    # With a filter's other terms: the app's search finds the same statements.
    f = Filter(text="japan", kinds=frozenset({"foreign_ministers_meeting"}))
    app = sorted(hit.statement_id for hit in queries.search(conn, f, limit=1000))
    assert peer.native_search("japan", f, limit=1000) == app
    assert peer.time_native_search("japan", f) > 0


@pytest.mark.parametrize("f", [
    Filter(),
    Filter(issues=frozenset({1}), countries=frozenset({"China", "Russia"})),
    Filter(text="cooperation", kinds=frozenset({"summit_meeting", "telephone_talk"})),
], ids=["none", "issue-countries", "text-kinds"])
def test_native_facets_count_what_the_app_counts(peer: DatasettePeer, conn: sqlite3.Connection,
                                                 f: Filter) -> None:
    app = queries.facets(conn, f)
    native = peer.native_facets(f)
    for facet in ("issues", "countries", "kinds"):
        assert native[facet] == {v.key: v.count for v in getattr(app, facet) if v.count}, facet
    assert native["dates"] == (app.date_min, app.date_max)
    # People: Datasette counts spoken statements only, the app adds principals' joint ones.
    spoken = {v.key: v.count for v in app.people}
    assert all(spoken.get(person, 0) >= n for person, n in native["people"].items())
    assert peer.time_native_facets(f) > 0


def test_missing_datasette_says_how_to_install(monkeypatch: pytest.MonkeyPatch, archive: Path) -> None:
    import bench.datasette_peer as module

    monkeypatch.setattr(module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(PeerUnavailable, match=r"pip install -e '\.\[bench\]'"):
        DatasettePeer(archive)


def test_refuses_an_archive_with_a_pending_wal(tmp_path: Path, archive: Path) -> None:
    # Served immutable, Datasette would not see what the write-ahead log still holds.
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(archive.read_bytes())
    (tmp_path / "copy.sqlite-wal").write_bytes(b"pending")
    with pytest.raises(PeerError, match="checkpoint"):
        DatasettePeer(copy)
