"""Full-text search over statements: ranking, snippets, the filter around it, highlighting, and
whatever a user may type (a gentle SearchHint, never another exception)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_viewer import paths
from archive_viewer.store import Archive, filter_sql
from archive_viewer.store import queries as q
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter, SearchHint

SAMPLES = paths.RESOURCES_DIR / "samples"


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = tmp_path_factory.mktemp("search") / "samples.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([SAMPLES]).failures
    connection = connect(path, readonly=True)
    yield connection
    connection.close()


def person_id(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0])


def marked(snippet: str) -> list[str]:
    """The words a snippet marks between \\x02 and \\x03."""
    return [part.split("\x03")[0] for part in snippet.split("\x02")[1:]]


# -- ranking and snippets --------------------------------------------------------------------

def test_hits_are_ranked_and_snippets_mark_the_matched_words(conn) -> None:
    f = Filter(text="North Korea")
    hits = q.search(conn, f)
    assert len(hits) == 12
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)  # bm25: lower is better
    for hit in hits:
        assert "\x02" in hit.snippet and "\x03" in hit.snippet
        assert {w.lower() for w in marked(hit.snippet)} <= {"north", "korea"}
        assert len(hit.snippet.replace("\x02", "").replace("\x03", "").split()) <= 14
        text = conn.execute("SELECT text FROM statements WHERE id = ?",
                            (hit.statement_id,)).fetchone()[0].lower()
        assert "north" in text and "korea" in text
    first = hits[0]
    detail = q.meeting_detail(conn, first.meeting_id)
    assert detail is not None and first.meeting_title == detail.title
    assert first.held_on == detail.held_on
    # The hit leads to its statement in the tree and the detail pane, marked as matching.
    [view] = [v for v in q.statements(conn, f, item_id=first.item_id)
              if v.id == first.statement_id]
    assert view.matches and (view.section_id, view.meeting_id) == (
        first.section_id, first.meeting_id)
    assert view.speaker_name == first.speaker_name


def test_a_statement_rich_in_the_term_ranks_above_a_passing_mention(conn) -> None:
    hits = q.search(conn, Filter(text="abduction"))
    assert len(hits) == 2
    texts = [conn.execute("SELECT text FROM statements WHERE id = ?", (h.statement_id,))
             .fetchone()[0] for h in hits]
    # The short statement about the abduction issue outranks the long one that mentions it.
    assert len(texts[0]) < len(texts[1])
    assert hits[0].speaker_name == "Koichiro Gemba" and not hits[0].is_joint


def test_search_stays_within_the_rest_of_the_filter(conn) -> None:
    everywhere = q.search(conn, Filter(text="minister*"))
    gemba = person_id(conn, "Koichiro Gemba")
    his = q.search(conn, Filter(text="minister*", people=frozenset({gemba})))
    assert 0 < len(his) < len(everywhere)
    assert all(h.speaker_name in ("Koichiro Gemba", None) for h in his)
    assert all(h.is_joint for h in his if h.speaker_name is None)
    summits = q.search(conn, Filter(text="minister*", kinds=frozenset({"summit_meeting"})))
    assert summits and {q.meeting_detail(conn, h.meeting_id).kind for h in summits} == {
        "summit_meeting"}
    assert len(q.search(conn, Filter(text="minister*"), limit=3)) == 3
    assert q.totals(conn, Filter(text="minister*")).statements == len(
        q.search(conn, Filter(text="minister*"), limit=1000))


def test_nothing_to_search_gives_no_hits(conn) -> None:
    assert q.search(conn, Filter()) == []
    assert q.search(conn, Filter(text='  * ( " - ')) == []
    assert q.search(conn, Filter(text="zyzzyva")) == []


def test_phrases_prefixes_or_and_exclusion(conn) -> None:
    def ids(text: str) -> set[int]:
        return {h.statement_id for h in q.search(conn, Filter(text=text), limit=1000)}

    assert ids('"nuclear test"') < ids("nuclear")
    assert ids("missile OR abduction") == ids("missile") | ids("abduction")
    assert ids("nuclear -test") == ids("nuclear") - ids("test")
    assert ids("abduct*") == ids("abduction") | ids("abductions")
    assert ids("launch") == ids("launches") != set()  # stemming


def test_a_long_list_of_alternatives_or_exclusions_is_still_searched(conn) -> None:
    # Each OR and each -word used to add a level of parentheses: FTS5's parser gave up at
    # about a hundred, and the user got "could not be run as typed".
    def ids(text: str) -> set[int]:
        return {h.statement_id for h in q.search(conn, Filter(text=text), limit=1000)}

    alternatives = " OR ".join(["missile", "abduction", *(f"zz{n}" for n in range(300))])
    assert ids(alternatives) == ids("missile") | ids("abduction") != set()
    exclusions = " ".join(["minister*", *(f"-zz{n}" for n in range(300)), "-missile"])
    assert ids(exclusions) == ids("minister*") - ids("missile") != set()


# -- what a user may type --------------------------------------------------------------------

def test_an_exclusion_alone_is_a_hint_from_every_function(conn) -> None:
    f = Filter(text="-japan")
    for call in (lambda: q.search(conn, f), lambda: q.totals(conn, f),
                 lambda: q.years(conn, f), lambda: q.facets(conn, f),
                 lambda: q.meetings(conn, f, 2012), lambda: q.statements(conn, f, item_id=1)):
        with pytest.raises(SearchHint, match="excluded words only"):
            call()


def test_an_fts5_error_becomes_a_gentle_hint(conn, monkeypatch: pytest.MonkeyPatch) -> None:
    # Should the query builder ever let FTS5 syntax through, the user still gets a hint.
    monkeypatch.setattr(filter_sql, "fts_query", lambda text: 'NEAR("a" ')
    f = Filter(text="anything")
    for call in (lambda: q.search(conn, f), lambda: q.totals(conn, f),
                 lambda: q.meetings(conn, f, 2012), lambda: q.facets(conn, f),
                 lambda: q.statements(conn, f, meeting_id=1)):
        with pytest.raises(SearchHint) as caught:
            call()
        assert "could not be run as typed" in str(caught.value)
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)


def test_other_database_errors_are_not_disguised_as_hints(conn) -> None:
    conn.set_progress_handler(lambda: 1, 1)  # what a time limit does: interrupt the query
    try:
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            q.search(conn, Filter(text="minister"))
    finally:
        conn.set_progress_handler(None, 1)
    assert q.search(conn, Filter(text="minister"))


NASTY = ['"', '""', "'", "*", "-", "--", "AND", "OR", "NOT", "NEAR(", "NEAR(a b, 2)", ")", "(",
         "text:", "col:abc", "{text}:x", "^", "+", "[", "]", "{", "}", ":", "\\", "\x00",
         "OR OR", "a OR", "- a", "-\"a b\"", "a*", "*a", "ä", "日本", "ミサイル", "😀", "Sebastián",
         "ﬁ", "²", "\u0301", "\u200b", "missile", "abduction", "launch*", "x" * 300]


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=8)
       .map(" ".join) | st.text())
def test_whatever_is_typed_search_returns_hits_or_a_hint(conn, text: str) -> None:
    for call in (lambda: q.search(conn, Filter(text=text)),
                 lambda: q.totals(conn, Filter(text=text)),
                 lambda: q.statements(conn, Filter(text=text), meeting_id=1)):
        try:
            result = call()
        except SearchHint as hint:
            assert str(hint)
        else:
            assert isinstance(result, (list, q.Totals))
    assert isinstance(q.highlight_terms(text), list)
    q.highlight_pattern(text)


# -- highlighting ----------------------------------------------------------------------------

def test_highlight_terms_are_the_searched_words_and_phrases(conn) -> None:
    assert q.highlight_terms('"missile launch" OR nuclear* -china AND Japan-ROK') == [
        "missile launch", "nuclear", "Japan ROK"]
    assert q.highlight_terms("abduction Abduction  abduction") == ["abduction"]
    assert q.highlight_terms('NEAR( text: ) * - OR "') == ["text"]
    assert q.highlight_terms("") == [] and q.highlight_terms("-only") == []
    assert q.highlight_terms('"Sebastián Piñera"') == ["Sebastián Piñera"]


def test_the_highlight_pattern_finds_what_the_search_found(conn) -> None:
    pattern = q.highlight_pattern('launch* "North Korea" Japan-ROK -china')
    assert pattern is not None
    text = ("North Korea’s launches of a missile; the north  korea question; the Japan-ROK "
            "talks; China; relaunch")
    assert [m.group(0) for m in pattern.finditer(text)] == [
        "North Korea", "launches", "north  korea", "Japan-ROK"]
    assert q.highlight_pattern("- * OR") is None
    # Every statement a search found shows at least one highlight.
    for text_typed in ("missile launch", "abduct*", '"nuclear test"', "Senkaku OR Takeshima"):
        pattern = q.highlight_pattern(text_typed)
        for hit in q.search(conn, Filter(text=text_typed)):
            statement = conn.execute("SELECT text FROM statements WHERE id = ?",
                                     (hit.statement_id,)).fetchone()[0]
            assert pattern is not None and pattern.search(statement), (text_typed, statement)
