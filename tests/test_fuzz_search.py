"""Whatever is typed into a search: the query functions the window calls, the real search box,
and `archive-viewer search`.

Any string (FTS5 operators, unbalanced quotes, column filters, brackets, SQL, combining marks,
right-to-left text, emoji, NUL, thousands of words) gives results or a gentle hint, never an
exception. And the text reaches SQLite only as a bound parameter: every statement is recorded
twice, as the app hands it over (SQL and parameters apart) and as SQLite runs it (the trace
callback), and

* no SQL text handed over holds the typed text (a canary word put into it, and each of its
  longer words that plain searches never use);
* every MATCH is followed by a parameter;
* every statement SQLite ran is one of those handed over, with its parameters bound (none
  slipped past the record).

Counts: fixtures/fuzz.py (ARCHIVE_VIEWER_FUZZ=N for a long run).
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.fuzz import SqlRecorder, fuzz_settings, is_parameter, match_arguments
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from archive_viewer import cli
from archive_viewer.store import queries as q
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter, SearchHint
from archive_viewer.ui.filter_state import FilterState
from archive_viewer.ui.sidebar import FilterSidebar
from archive_viewer.ui.tasks import TaskRunner

#: A word put into typed text: should the text ever be written into SQL, this shows it.
CANARY = "zqxcanary7"

TOKENS = [
    # FTS5 syntax
    "AND", "OR", "NOT", "NEAR", "NEAR(", "NEAR(a b, 2)", "NEAR/3", "(", ")", '"', '""', "'", "*",
    "-", "--", "+", "^", "^nuclear", ":", "col:", "text:", "{text}:", "-text:", "statements_fts:",
    "rank:", "rowid", "{", "}", "[", "]", ",", ";", "/*", "*/", "\\", "%", "_", "a*", "*a",
    "OR OR", "a OR", "- a", '-"a b"', '"unclosed', "x:y:z", "AND NOT", "NEAR(\"a\" ",
    # SQL
    "'; DROP TABLE statements; --", '" OR 1=1 --', "x') OR ('1'='1", "MATCH", "UNION SELECT",
    "%' --", "); ATTACH DATABASE 'x' AS y; --", "?", "?1", ":f_fts", "@x", "$x", "char(2)",
    # Unicode
    "e\u0301", "\u0301", "Z\u0334\u0321\u031b\u0349a\u0337l\u0338g\u0337o", "עברית", "العربية",
    "\u202e", "\u200f", "\u200b", "\ufeff", "👨\u200d👩\u200d👧", "🇯🇵", "👍🏽", "😀", "日本", "ミサイル",
    "北朝鮮", "ＡＮＤ", "ＯＲ", "＊", "＂", "ﬁ", "²", "Ⅳ", "ß", "İ", "ä", "Sebastián",
    # control characters
    "\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\u3000",
    # words the samples hold
    "missile", "abduction", "launch*", "North Korea", "-china", '"nuclear test"', "minister*",
    "Japan-ROK", "Gemba",
]
SEPARATORS = st.sampled_from([" ", "", "  ", "\t", " OR ", "-", '"'])
LONG = ["x" * 5000, "missile " * 1000, "a OR " * 500, "-x " * 500 + "missile", '"' * 999,
        "-" * 5000, "*" * 5000, "(" * 3000, "NEAR(" * 500, "😀" * 2000, "e\u0301" * 2000,
        " ".join(f"w{n}" for n in range(2000))]


@st.composite
def typed_text(draw: st.DrawFn) -> str:
    """What someone might type or paste: syntax, SQL, Unicode, control characters, words."""
    kind = draw(st.sampled_from(["tokens"] * 5 + ["text"] * 2 + ["long"]))
    if kind == "long":
        return draw(st.sampled_from(LONG))
    if kind == "text":
        return draw(st.text(max_size=300))
    parts = draw(st.lists(st.sampled_from(TOKENS) | st.text(max_size=10), max_size=12))
    out = ""
    for part in parts:
        out += draw(SEPARATORS) + part
    return out


@st.composite
def typed_with_canary(draw: st.DrawFn) -> str:
    """Typed text, most times with the canary word put in between two of its words."""
    text = draw(typed_text())
    if draw(st.integers(0, 3)) == 0:
        return text
    words = text.split(" ")
    words.insert(draw(st.integers(0, len(words))), CANARY)
    return " ".join(words)


# -- the checks ------------------------------------------------------------------------------

_SQL_WORD = re.compile(r"\w+")


def sql_vocabulary(recorder: SqlRecorder) -> set[str]:
    """Every word in the SQL of the statements recorded so far (lower-cased)."""
    return {w.lower() for sql in recorder.statements() for w in _SQL_WORD.findall(sql)}


def assert_parameterised(recorder: SqlRecorder, text: str, vocabulary: set[str]) -> None:
    """The typed ``text`` reached SQLite only as bound parameters (see the module docstring)."""
    distinctive = {w for w in _SQL_WORD.findall(text) if len(w) >= 4 and w.lower() not in vocabulary}
    for sql in recorder.statements():
        assert CANARY not in sql, f"typed text written into SQL: {sql[:300]}"
        written = distinctive & set(_SQL_WORD.findall(sql))  # whole words: "head" is in "heading"
        assert not written, f"typed word {sorted(written)[0]!r} written into SQL: {sql[:300]}"
        for argument in match_arguments(sql):
            assert is_parameter(argument), f"MATCH takes {argument!r}, not a parameter: {sql[:300]}"
    assert recorder.unaccounted() == [], "SQL reached SQLite past the record"


@pytest.fixture(scope="module")
def recorded(samples_archive: Path) -> Iterator[tuple[SqlRecorder, sqlite3.Connection, set[str]]]:
    """A read-only connection to the samples whose every statement is recorded, and the
    vocabulary of the SQL that plain searches use."""
    recorder = SqlRecorder()
    with pytest.MonkeyPatch.context() as patch:
        recorder.install(patch)
        conn = connect(samples_archive, readonly=True)
        for plain in ("missile", "missile OR abduction -china", "", "*"):
            window_calls(conn, Filter(text=plain))
        yield recorder, conn, sql_vocabulary(recorder)
        conn.close()


def window_calls(conn: sqlite3.Connection, f: Filter) -> list[str]:
    """Everything the window asks for a filter (the tree, the facets, the detail pane, the
    search results and their highlights), each answered or refused with a hint. Returns the
    hints."""
    hints: list[str] = []

    def ask(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except SearchHint as hint:
            assert str(hint), "a hint says what to change"
            hints.append(str(hint))
            return None

    ask(lambda: q.search(conn, f, order="newest"))
    ask(lambda: q.search(conn, f))
    ask(lambda: q.totals(conn, f))
    ask(lambda: q.facets(conn, f))
    years = ask(lambda: q.years(conn, f)) or []
    for year in [y.year for y in years][:1] or [2012]:
        ask(lambda year=year: q.meeting_count(conn, f, year))
        meetings = ask(lambda year=year: q.meetings(conn, f, year)) or []
        for meeting in meetings[:1]:
            ask(lambda meeting=meeting: q.statements(conn, f, meeting_id=meeting.id))
            for section in (ask(lambda meeting=meeting: q.sections(conn, f, meeting.id)) or [])[:1]:
                ask(lambda section=section: q.items(conn, f, section.id))
    ask(lambda: q.statements(conn, f, item_id=1))
    q.filter_description(conn, f)
    assert isinstance(q.highlight_terms(f.text), list)
    q.highlight_pattern(f.text)
    return hints


# -- the query functions ---------------------------------------------------------------------

OTHER_TERMS = [Filter(), Filter(kinds=frozenset({"summit_meeting"})),
               Filter(countries=frozenset({"China", "Japan"})), Filter(issues=frozenset({1, 2})),
               Filter(people=frozenset({1}))]


@fuzz_settings(150)
@given(text=typed_with_canary(), other=st.sampled_from(OTHER_TERMS))
def test_whatever_is_typed_the_queries_answer_or_hint_and_bind_it(
        recorded: tuple[SqlRecorder, sqlite3.Connection, set[str]], text: str,
        other: Filter) -> None:
    recorder, conn, vocabulary = recorded
    recorder.clear()
    window_calls(conn, Filter(text=text, issues=other.issues, people=other.people,
                              countries=other.countries, kinds=other.kinds))
    assert_parameterised(recorder, text, vocabulary)


def test_the_checks_catch_text_written_into_sql(
        recorded: tuple[SqlRecorder, sqlite3.Connection, set[str]]) -> None:
    # The proof above is only as good as its checks: text put into SQL, a MATCH on a literal,
    # and a statement run past the record must each fail them.
    recorder, conn, vocabulary = recorded
    recorder.clear()
    conn.execute(f"SELECT rowid FROM statements_fts WHERE statements_fts MATCH '{CANARY}'").fetchall()
    with pytest.raises(AssertionError, match="written into SQL"):
        assert_parameterised(recorder, CANARY, vocabulary)
    recorder.clear()
    conn.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'id'").fetchall()
    with pytest.raises(AssertionError, match="not a parameter"):
        assert_parameterised(recorder, "id", vocabulary)
    recorder.clear()
    conn.cursor().execute("SELECT ?", (CANARY,)).fetchall()  # a cursor's own execute: unrecorded
    with pytest.raises(AssertionError, match="past the record"):
        assert_parameterised(recorder, CANARY, vocabulary)
    recorder.clear()
    conn.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?", (CANARY,)).fetchall()
    assert_parameterised(recorder, CANARY, vocabulary)  # bound: fine


# -- the search box --------------------------------------------------------------------------

@pytest.fixture
def box_recorder(monkeypatch: pytest.MonkeyPatch) -> SqlRecorder:
    recorder = SqlRecorder()
    recorder.install(monkeypatch)  # before the sidebar's workers open their connections
    return recorder


@pytest.fixture
def sidebar(qtbot: QtBot, samples_archive: Path, box_recorder: SqlRecorder,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[FilterSidebar]:
    errors: list[BaseException] = []
    monkeypatch.setattr(TaskRunner, "show_error", lambda self, error: errors.append(error))
    tasks = TaskRunner(samples_archive)
    widget = FilterSidebar(FilterState(), tasks)
    widget.unhandled_errors = errors  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: not tasks.is_busy())
    yield widget
    tasks.shutdown()
    tasks.deleteLater()


def type_into(qtbot: QtBot, box: QLineEdit, text: str) -> None:
    """Type ``text``: ASCII key by key; anything else as an input method commits it (how CJK
    and emoji arrive; QTest can only press keys for ASCII and aborts on anything else)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if chunk.isascii() and chunk.isprintable():
            qtbot.keyClicks(box, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(box, event)


#: Hints that say a search failed rather than what to type instead.
FAILURE_HINTS = ("could not be run:", "could not be computed:")


@fuzz_settings(50)
@given(text=typed_with_canary())
def test_whatever_is_typed_into_the_search_box(
        qtbot: QtBot, sidebar: FilterSidebar, box_recorder: SqlRecorder,
        recorded: tuple[SqlRecorder, sqlite3.Connection, set[str]], text: str) -> None:
    box = sidebar.search_box
    box.clear()
    box_recorder.clear()
    if len(text) <= 40:
        type_into(qtbot, box, text)
    else:
        box.setText(text)  # pasted
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sidebar.tasks.is_busy(), timeout=20_000)
    assert sidebar.unhandled_errors == []  # type: ignore[attr-defined]
    if sidebar.search_hint.isVisible():
        hint = sidebar.search_hint.text()
        assert hint and not any(failure in hint for failure in FAILURE_HINTS), hint
    else:
        assert sidebar.filter_state.filter.text == box.text().strip()
    if sidebar.filter_state.filter.text and not sidebar.search_hint.isVisible():
        assert sidebar.results.isVisible()  # hits, or "No statement matches the search."
    assert_parameterised(box_recorder, text, recorded[2])


def test_the_box_fuzz_sees_the_workers_queries(
        qtbot: QtBot, sidebar: FilterSidebar, box_recorder: SqlRecorder,
        recorded: tuple[SqlRecorder, sqlite3.Connection, set[str]]) -> None:
    # The checks above hold for the statements the sidebar's workers run: they are recorded.
    box_recorder.clear()
    type_into(qtbot, sidebar.search_box, f"missile {CANARY[:4]}")
    qtbot.keyClick(sidebar.search_box, Qt.Key.Key_Backspace)  # and a key that is no letter
    type_into(qtbot, sidebar.search_box, f"{CANARY[3]} OR missile")
    qtbot.keyClick(sidebar.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sidebar.tasks.is_busy())
    assert sidebar.filter_state.filter.text == f"missile {CANARY[:3]}{CANARY[3]} OR missile"
    assert sidebar.results.hits()
    assert any("MATCH" in sql for sql in box_recorder.statements())
    assert any('"missile"' in sql for sql in box_recorder.traced)  # bound, then traced
    assert_parameterised(box_recorder, sidebar.filter_state.filter.text, recorded[2])


# -- the command line ------------------------------------------------------------------------

@fuzz_settings(80)
@given(text=typed_with_canary(), split=st.booleans())
def test_whatever_is_given_to_the_search_command(
        samples_archive: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        recorded: tuple[SqlRecorder, sqlite3.Connection, set[str]], text: str,
        split: bool) -> None:
    recorder = SqlRecorder()
    with monkeypatch.context() as patch:
        recorder.install(patch)
        # As one argument after "--", or split into words as a shell would (where a word may
        # look like an option: argparse's usage message is an answer too).
        words = text.split() if split else ["--", text]
        try:
            code = cli.main(["--db", str(samples_archive), "search", *words])
        except SystemExit as usage:
            code = usage.code
            assert code in (0, 2)
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in err and "unexpected error" not in err, err
    if code == 2:
        assert err.strip(), "a refusal says why"
    elif not err:
        assert out.strip()  # statements, or "No statement matches the search."
    assert_parameterised(recorder, text, recorded[2])
