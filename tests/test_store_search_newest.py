"""search(order="newest"): the quick first answer for a common word — the most recently stored
matches, with the same conditions and snippets as the ranked search."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_viewer.store import queries as q
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter


@pytest.fixture(scope="module")
def conn(samples_archive: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(samples_archive, readonly=True)
    yield connection
    connection.close()


def test_newest_lists_the_highest_statement_ids_of_the_ranked_matches(conn) -> None:
    f = Filter(text="minister*")
    ranked = q.search(conn, f, limit=1000)
    assert len(ranked) > 10
    newest = q.search(conn, f, limit=10, order="newest")
    ids = [h.statement_id for h in newest]
    assert ids == sorted((h.statement_id for h in ranked), reverse=True)[:10]
    by_id = {h.statement_id: h for h in ranked}
    for hit in newest:  # the same rows: places, speakers, snippets with their marks
        same = by_id[hit.statement_id]
        assert (hit.meeting_title, hit.held_on, hit.speaker_name, hit.item_id, hit.is_joint) == (
            same.meeting_title, same.held_on, same.speaker_name, same.item_id, same.is_joint)
        assert hit.snippet == same.snippet and "\x02" in hit.snippet


def test_newest_stays_within_the_rest_of_the_filter(conn) -> None:
    gemba = int(conn.execute("SELECT id FROM people WHERE name = 'Koichiro Gemba'").fetchone()[0])
    f = Filter(text="minister*", people=frozenset({gemba}))
    ranked = {h.statement_id for h in q.search(conn, f, limit=1000)}
    newest = q.search(conn, f, limit=1000, order="newest")
    assert {h.statement_id for h in newest} == ranked != set()
    assert q.search(conn, Filter(text="zyzzyva"), order="newest") == []
    assert q.search(conn, Filter(), order="newest") == []


def test_an_unknown_order_is_refused(conn) -> None:
    with pytest.raises(ValueError, match="order"):
        q.search(conn, Filter(text="minister"), order="oldest")
