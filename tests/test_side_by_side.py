"""Positions side by side: the rows of columns (Qt-free), their HTML, and the detail pane."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from archive_viewer.ingest.model import JOINT, Item, Meeting, Person, Section, Statement
from archive_viewer.side_by_side import Side, SideRow, side_by_side_rows, sides_of
from archive_viewer.statement_html import Colours, DetailContent, render
from archive_viewer.store import Archive, DocumentRecord, queries, write_meeting
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter
from archive_viewer.store.queries import MeetingDetail, Participant, StatementView

REFERENCE = "000_19a025d9c24d22f3.txt"
TRILATERAL = "105_2c1682b6b6d28d5a.txt"
JAPAN, ROK, US, CHINA = "Japan", "Republic of Korea", "United States", "China"


# -- reading the sample archive ------------------------------------------------------------------

def _meeting_id(db: Path, file_name: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT m.id FROM meetings m JOIN documents d ON d.id = m.document_id "
                            "WHERE d.file_name = ?", (file_name,)).fetchone()[0]


def _section_ids(db: Path, meeting_id: int) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute(
            "SELECT id FROM sections WHERE meeting_id = ? ORDER BY ordinal", (meeting_id,))]


def _load(db: Path, meeting_id: int, **node: int) -> tuple[MeetingDetail, list[StatementView]]:
    conn = connect(db, readonly=True)
    try:
        meeting = queries.meeting_detail(conn, meeting_id)
        assert meeting is not None
        return meeting, queries.statements(conn, Filter(), **(node or {"meeting_id": meeting_id}))
    finally:
        conn.close()


def _starts(row: SideRow) -> object:
    """A row as the first words of its statements: a str across, else a tuple per column."""
    if row.across is not None:
        return " ".join(row.across.text.split()[:4])
    return tuple(tuple(" ".join(s.text.split()[:4]) for s in column) for column in row.columns)


# -- the rows (no Qt) ----------------------------------------------------------------------------

def test_reference_section_one_puts_each_statement_in_its_sides_column(samples_archive: Path) -> None:
    meeting_id = _meeting_id(samples_archive, REFERENCE)
    meeting, statements = _load(samples_archive, meeting_id,
                                section_id=_section_ids(samples_archive, meeting_id)[0])
    sides = sides_of(meeting, statements)
    assert [s.country for s in sides] == [JAPAN, ROK]
    assert [p.name for p in sides[0].principals] == ["Koichiro Gemba"]
    assert [p.name for p in sides[1].principals] == ["Kim Sung-hwan"]
    assert [p.name for p in sides[0].attendees] == ["Shinsuke Sugiyama"]

    rows = side_by_side_rows(statements, sides)
    labels = [(r.across or next(s for c in r.columns for s in c)).item_label for r in rows]
    assert labels == ["(1)", "(2)", "(3)", "(4)", "(4)", "(5)", "(5)"]
    assert [r.first_in_item for r in rows] == [True, True, True, True, False, True, False]
    assert [r.kind for r in rows] == ["sides", "sides", "joint", "joint", "sides", "sides", "joint"]
    assert [_starts(r) for r in rows] == [
        ((), ("Minister Kim expressed hope",)),  # (1): the Republic of Korea's column
        (("Minister Gemba congratulated the",), ()),  # (2): Japan's
        "The two ministers shared",  # (3): across both
        "The two ministers shared",  # (4): joint first, then Japan's, in document order
        (("Minister Gemba said that",), ()),
        (("Minister Gemba expressed gratitude",), ()),  # (5): Japan's, then joint
        "The two sides agreed",
    ]
    # every statement once, in document order row by row
    flat = [s.id for r in rows for s in ([r.across] if r.across else [x for c in r.columns for x in c])]
    assert flat == [s.id for s in statements]


def test_a_statement_with_no_speaker_gets_a_row_of_its_own(samples_archive: Path) -> None:
    meeting_id = _meeting_id(samples_archive, REFERENCE)
    meeting, statements = _load(samples_archive, meeting_id,
                                section_id=_section_ids(samples_archive, meeting_id)[1])
    rows = side_by_side_rows(statements, sides_of(meeting, statements))
    assert [r.kind for r in rows] == ["sides", "joint", "sides", "none"]
    assert rows[-1].across is not None and rows[-1].across.text.startswith("In addition to")


def test_a_trilateral_meeting_has_three_columns_in_the_documents_order(samples_archive: Path) -> None:
    meeting_id = _meeting_id(samples_archive, TRILATERAL)
    meeting, statements = _load(samples_archive, meeting_id)
    sides = sides_of(meeting, statements)
    assert [s.country for s in sides] == [JAPAN, US, ROK]  # "Japan-U.S.-ROK", not alphabetical
    assert [[p.name for p in s.principals] for s in sides] == [
        ["Koichiro Gemba"], ["Hillary Rodham Clinton"], ["Kim Sung-hwan"]]
    rows = side_by_side_rows(statements, sides)
    by_section: dict[int, list[object]] = {}
    for row in rows:
        by_section.setdefault(row.section_id, []).append(_starts(row))
    assert list(by_section.values()) == [
        ["At the start, the"],
        ["The three ministers reaffirmed",
         (("Minister Gemba briefed his",), (), ()),
         "The three ministers further"],
        [((), ("Secretary Clinton observed that",), ())],  # the United States' column
    ]


# Synthetic records: who is who does not depend on the parser.
GEMBA = Participant(1, "Koichiro Gemba", "Minister for Foreign Affairs", JAPAN, "principal")
YANG = Participant(2, "Yang Jiechi", "Minister of Foreign Affairs", CHINA, "principal")
SUGIYAMA = Participant(3, "Shinsuke Sugiyama", "Director-General", JAPAN, "attendee")
LUO = Participant(4, "Luo Zhaohui", "Director-General", CHINA, "attendee")
STRANGER = Participant(5, "Somebody Else", None, None, "attendee")


def _meeting(**changes: object) -> MeetingDetail:
    values: dict[str, object] = dict(
        id=1, title="Japan-China Foreign Ministers' Meeting", kind="foreign_ministers_meeting",
        held_on="2012-04-07", published_on=None, location="Ningbo, China", occasion=None,
        summary="", countries=[JAPAN, CHINA], participants=[GEMBA, YANG, SUGIYAMA, LUO],
        source_path="/data/jc.txt", file_name="jc.txt")
    values.update(changes)
    return MeetingDetail(**values)  # type: ignore[arg-type]


def _said(sid: int, who: Participant | None, text: str, *, item: int = 1, joint: bool = False,
          matches: bool = True, country: str | None = None) -> StatementView:
    return StatementView(
        id=sid, meeting_id=1, section_id=1, section_number="1", section_title="Relations",
        item_id=item, item_label=f"({item})", item_heading=None, ordinal=sid,
        speaker_id=who.person_id if who else None, speaker_name=who.name if who else None,
        speaker_country=country or (who.country if who else None), is_joint=joint, text=text,
        issues=(), matches=matches)


def test_within_an_item_each_side_stacks_its_statements_in_document_order() -> None:
    said = [_said(1, GEMBA, "G1."), _said(2, YANG, "Y1."), _said(3, SUGIYAMA, "S1."),
            _said(4, YANG, "Y2."), _said(5, None, "Both.", joint=True), _said(6, LUO, "L1."),
            _said(7, STRANGER, "X1."), _said(8, GEMBA, "G2.", item=2)]
    rows = side_by_side_rows(said, sides_of(_meeting(), said))
    assert [(r.kind, r.first_in_item, _starts(r)) for r in rows] == [
        ("sides", True, (("G1.", "S1."), ("Y1.", "Y2."))),
        ("joint", False, "Both."),
        ("sides", False, ((), ("L1.",))),
        ("unplaced", False, "X1."),  # a speaker of no known side: across, labelled
        ("sides", True, (("G2.",), ())),
    ]


def test_sides_come_from_countries_then_participants_then_speakers() -> None:
    said = [_said(1, STRANGER, "From afar.", country="Mongolia")]
    sides = sides_of(_meeting(countries=[CHINA], participants=[GEMBA, YANG, LUO]), said)
    assert sides == [Side(CHINA, (YANG,), (LUO,)), Side(JAPAN, (GEMBA,), ()), Side("Mongolia")]
    # a silent side keeps its column
    assert [s.country for s in sides_of(_meeting(), [])] == [JAPAN, CHINA]


# -- the HTML (no Qt) ----------------------------------------------------------------------------

def _page(statements: list[StatementView], **content: object) -> str:
    return render(DetailContent("section", _meeting(), statements, **content),  # type: ignore[arg-type]
                  grouping="sides", colours=Colours())


def test_column_headers_name_the_country_and_its_principal() -> None:
    page = _page([_said(1, GEMBA, "G1.")])
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert head.index(JAPAN) < head.index("Koichiro Gemba") < head.index(CHINA) \
        < head.index("Yang Jiechi")
    assert head.count('width="50%"') == 2  # equal, fixed shares of the width
    assert "Shinsuke Sugiyama" not in head  # attendees are named where they speak


def test_attendees_and_unplaced_speakers_are_labelled_principals_are_not() -> None:
    page = _page([_said(1, GEMBA, "G1."), _said(2, SUGIYAMA, "S1."), _said(3, STRANGER, "X1."),
                  _said(4, None, "Nobody.")])
    body = page[page.index("</thead>"):]
    assert "Koichiro Gemba" not in body  # his column's header says it is him
    assert "Shinsuke Sugiyama</span>" in body and "(Director-General)" in body
    assert "Somebody Else</span>: " in body
    assert "No speaker:</span>" in body


def test_highlighting_shading_and_escaping_work_side_by_side() -> None:
    colours = Colours()
    hostile = _meeting(countries=["<b>Atlantis</b>"],
                       participants=[Participant(9, "<i>Evil</i>", "<u>t</u>", "<b>Atlantis</b>",
                                                 "principal")])
    statements = [StatementView(
        id=1, meeting_id=1, section_id=1, section_number="1", section_title="x", item_id=1,
        item_label="<s>(1)</s>", item_heading="<h1>h</h1>", ordinal=1, speaker_id=9,
        speaker_name="<i>Evil</i>", speaker_country="<b>Atlantis</b>", is_joint=False,
        text="A launch <script>x</script>", issues=("<u>i</u>",), matches=True),
        _said(2, None, "On the weather.", joint=True, matches=False)]
    page = render(DetailContent("section", hostile, statements, terms=["launch"], filtered=True),
                  grouping="sides", colours=colours)
    for markup in ("<b>Atlantis", "<i>Evil", "<u>t", "<s>(1)", "<h1>h", "<script", "<u>i"):
        assert markup not in page
    assert f'color:{colours.mark_fg};">launch</span>' in page
    assert page.count(f"background-color:{colours.match_bg};") == 2  # the statement and the key
    assert f'<span style="color:{colours.muted};">On the weather.' in page


# -- the detail pane -----------------------------------------------------------------------------

@pytest.fixture
def pane(qtbot, samples_archive: Path) -> Iterator[object]:
    from archive_viewer.ui.detail_pane import DetailPane
    from archive_viewer.ui.tasks import TaskRunner

    tasks = TaskRunner(samples_archive)
    widget = DetailPane(tasks)
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    widget.show()
    widget.set_grouping("sides")
    yield widget
    tasks.shutdown()


def _show(qtbot, pane, kind: str, node_id: int) -> None:
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.show_node(kind, node_id)


def side_tables(doc) -> list[list[list[str]]]:
    """The side-by-side tables of a QTextDocument, as rows of cell texts (a cell spanning
    several columns is given once, as the row's only entry)."""
    from PySide6.QtGui import QTextCursor, QTextTable

    def frames(frame):
        for child in frame.childFrames():
            yield child
            yield from frames(child)

    tables = []
    for table in (f for f in frames(doc.rootFrame()) if isinstance(f, QTextTable)):
        if table.format().headerRowCount() == 0:
            continue  # the meeting's facts, not a side-by-side table
        rows = []
        for r in range(table.rows()):
            cells = []
            for c in range(table.columns()):
                cell = table.cellAt(r, c)
                if cell.column() != c:
                    continue  # the rest of a spanning cell
                cursor = cell.firstCursorPosition()
                cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
                cells.append(" ".join(cursor.selectedText().split()))
            rows.append(cells)
        tables.append(rows)
    return tables


def test_pane_shows_the_reference_section_in_two_columns(qtbot, pane, samples_archive: Path) -> None:
    meeting_id = _meeting_id(samples_archive, REFERENCE)
    _show(qtbot, pane, "section", _section_ids(samples_archive, meeting_id)[0])
    [table] = side_tables(pane.browser.document())
    header, bars, *body = table
    assert header[0].startswith("Japan Koichiro Gemba")
    assert header[1].startswith("Republic of Korea Kim Sung-hwan")
    assert len(bars) == 2

    def starts(cells: list[str]) -> list[str]:
        return [" ".join(c.split()[:3]) for c in cells]

    # an item's label heads its first row (in the first cell, or across)
    assert [starts(row) for row in body] == [
        ["(1)", "Minister Kim expressed"],
        ["(2) Minister Gemba", ""],
        ["(3) Joint: The"],
        ["(4) Joint: The"], ["Minister Gemba said", ""],
        ["(5) Minister Gemba", ""], ["Joint: The two"],
    ]
    columns = pane.browser.document().rootFrame().childFrames()
    widths = [t.format().columnWidthConstraints() for t in columns if t.format().headerRowCount()]
    assert [w.rawValue() for w in widths[0]] == [50, 50]


def test_pane_shows_a_trilateral_meeting_in_three_columns(qtbot, pane, samples_archive: Path) -> None:
    meeting_id = _meeting_id(samples_archive, TRILATERAL)
    _show(qtbot, pane, "meeting", meeting_id)
    tables = side_tables(pane.browser.document())
    assert len(tables) == 3  # one per section, each under its heading
    for header, *_ in tables:
        assert [" ".join(cell.split()[:2]) for cell in header] == [
            "Japan Koichiro", "United States", "Republic of"]
    assert tables[2][2] == ["", "Secretary Clinton observed that this was the fourth meeting of "
                                "the three ministers in the past two years.", ""]
    text = pane.plain_text()
    assert text.index("1. General Issues") < text.index("2. North Korean Issues") \
        < text.index("3. Other")


def test_copy_with_citation_names_the_section_side_by_side(qtbot, pane, samples_archive: Path) -> None:
    meeting_id = _meeting_id(samples_archive, REFERENCE)
    _show(qtbot, pane, "meeting", meeting_id)
    cursor = pane.browser.document().find("step up bilateral cooperation")
    assert not cursor.isNull()
    pane.browser.setTextCursor(cursor)
    assert pane.citation_text() == (
        "step up bilateral cooperation\n— Japan-ROK Foreign Ministers' Meeting (Overview), "
        "2012-04-07, section 2 Japan-ROK Relations, 000_19a025d9c24d22f3.txt")


def test_pane_highlights_and_shades_side_by_side(qtbot, pane, samples_archive: Path) -> None:
    from archive_viewer.ui.detail_pane import colours_for

    meeting_id = _meeting_id(samples_archive, REFERENCE)
    pane.set_filter(Filter(text="launch"))
    _show(qtbot, pane, "section", _section_ids(samples_archive, meeting_id)[0])
    colours = colours_for(pane.browser.palette())
    doc = pane.browser.document()
    mark = doc.find("launch")
    assert mark.charFormat().background().color().name() == colours.mark_bg
    shaded = doc.find("Minister Gemba said that if")
    assert shaded.blockFormat().background().color().name() == colours.match_bg
    greyed = doc.find("Minister Kim expressed hope")
    assert greyed.charFormat().foreground().color().name() == colours.muted


# -- attendees speaking (a synthetic record written to an archive) -------------------------------

def _attendee_meeting() -> Meeting:
    gemba = Person("Koichiro Gemba", "Minister for Foreign Affairs", JAPAN, "principal")
    yang = Person("Yang Jiechi", "Minister of Foreign Affairs", CHINA, "principal")
    sugiyama = Person("Shinsuke Sugiyama", "Director-General, Asian and Oceanian Affairs Bureau",
                      JAPAN, "attendee")
    luo = Person("Luo Zhaohui", "Director-General, Department of Asian Affairs", CHINA, "attendee")
    items = [
        Item("(1)", None, "…", [Statement("Minister Gemba proposed a working group.", gemba.name),
                                Statement("Director-General Luo described the draft.", luo.name),
                                Statement("Minister Yang agreed to the working group.", yang.name)]),
        Item("(2)", "Consular matters", "…", [
            Statement("Director-General Sugiyama raised the case of detained nationals.",
                      sugiyama.name),
            Statement("The two sides agreed to stay in touch.", JOINT)]),
    ]
    return Meeting(
        title="Japan-China Foreign Ministers' Meeting", kind="foreign_ministers_meeting",
        published_on=None, held_on=date(2012, 4, 7), location="Ningbo, China", occasion=None,
        countries=[JAPAN, CHINA], principals=[gemba, yang], attendees=[sugiyama, luo], summary="",
        sections=[Section("1", "Bilateral Relations", items)])


@pytest.fixture(scope="module")
def attendee_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sides") / "attendees.sqlite"
    with Archive.open(path, create=True) as archive, archive.transaction() as conn:
        write_meeting(conn, _attendee_meeting(), DocumentRecord(
            "/data/jc.txt", "jc.txt", hashlib.sha256(b"jc").hexdigest(), "text", 0, "",
            "2024-01-01T00:00:00"))
    return path


def test_attendees_speak_in_their_sides_column_under_their_name(
        qtbot, attendee_archive: Path) -> None:
    from archive_viewer.ui.detail_pane import DetailPane
    from archive_viewer.ui.tasks import TaskRunner

    meeting, statements = _load(attendee_archive, 1)
    rows = side_by_side_rows(statements, sides_of(meeting, statements))
    assert [_starts(r) for r in rows] == [
        (("Minister Gemba proposed a",), ("Director-General Luo described the", "Minister Yang agreed to")),
        (("Director-General Sugiyama raised the",), ()),
        "The two sides agreed",
    ]

    tasks = TaskRunner(attendee_archive)
    pane = DetailPane(tasks)
    qtbot.addWidget(pane)
    pane.set_grouping("sides")
    try:
        _show(qtbot, pane, "meeting", 1)
        [table] = side_tables(pane.browser.document())
        assert table[2] == [
            "(1) Minister Gemba proposed a working group.",
            "Luo Zhaohui (Director-General, Department of Asian Affairs): Director-General "
            "Luo described the draft. Minister Yang agreed to the working group."]
        assert table[3][0].startswith("(2) Consular matters Shinsuke Sugiyama (Director-General, "
                                      "Asian and Oceanian Affairs Bureau): Director-General "
                                      "Sugiyama raised")
        assert table[4] == ["Joint: The two sides agreed to stay in touch."]
    finally:
        tasks.shutdown()
