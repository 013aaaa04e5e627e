"""The Issue Timeline in the window, on an archive built from the sample documents: reaching it
(sidebar, tree, issue tags, View menu), its lanes against a direct SQL query, the speaker lanes,
the other filters, hovering and clicking marks, the list grouped by meeting, zooming, both
palettes, and the PDF export."""
from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QKeySequence, QPalette

from archive_viewer.export.pdf import ExportResult
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.timeline_view import TimelineView

TIMEOUT = 20_000

# The oracle: statements tagged with the issue or a narrower one (walking the thesaurus here,
# not through the closure table), with their lane, in date order.
ORACLE = """
    WITH RECURSIVE under(id) AS (
        SELECT :issue UNION SELECT issues.id FROM issues JOIN under ON issues.parent_id = under.id)
    SELECT s.id,
           CASE WHEN s.is_joint THEN 'Joint' WHEN s.speaker_id IS NULL THEN 'No speaker'
                WHEN :by = 'speaker' THEN p.name || ' (' || p.country || ')'
                ELSE coalesce(pt.side, p.country) END
    FROM statements AS s
    JOIN meetings AS m ON m.id = (SELECT sec.meeting_id FROM items JOIN sections AS sec
                                  ON sec.id = items.section_id WHERE items.id = s.item_id)
    LEFT JOIN people AS p ON p.id = s.speaker_id
    LEFT JOIN participants AS pt ON pt.meeting_id = m.id AND pt.person_id = s.speaker_id
    WHERE s.id IN (SELECT statement_id FROM statement_issues WHERE issue_id IN (SELECT id FROM under))
      {extra}
    ORDER BY m.held_on, s.id"""


def oracle(db: Path, issue_id: int, by: str = "country", extra: str = "") -> dict[str, list[int]]:
    with sqlite3.connect(db) as conn:
        lanes: dict[str, list[int]] = {}
        for statement_id, lane in conn.execute(ORACLE.format(extra=extra), {"issue": issue_id, "by": by}):
            lanes.setdefault(lane, []).append(statement_id)
    return lanes


def shown(view: TimelineView) -> dict[str, list[int]]:
    """What the chart shows: each lane's statements, in its order (from its marks)."""
    timeline = view.chart.timeline
    assert timeline is not None
    out: dict[str, list[int]] = {}
    for number, lane in enumerate(timeline.lanes):
        marks = view.chart.lane_marks[number]
        out[lane.label] = [timeline.statement_ids[p] for p in marks.positions]
    return out


def issue_id(db: Path, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT id FROM issues WHERE name = ?", (name,)).fetchone()[0])


@pytest.fixture
def window(qtbot, samples_archive: Path) -> MainWindow:
    window = MainWindow(samples_archive)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    return window


def show_issue(qtbot, window: MainWindow, name: str) -> TimelineView:
    view = window.timeline.view
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.timeline.show_issue(issue_id(window.db_path, name), name)
    qtbot.waitUntil(lambda: bool(view.listed), timeout=TIMEOUT)
    return view


def mark_point(view: TimelineView, lane_label: str, day: int = 0) -> QPoint:
    timeline = view.chart.timeline
    lane = [lane.label for lane in timeline.lanes].index(lane_label)
    centre = view.chart.mark_centre(view.chart.mark_of_day(lane, day))
    return centre.toPoint()


def test_the_sidebars_issue_menu_opens_the_timeline_of_exactly_the_issues_statements(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    north_korea = issue_id(samples_archive, "North Korea")
    sidebar = window.sidebar
    facet = sidebar.sections["issues"]
    index = facet.proxy.mapFromSource(sidebar.models["issues"].index_of(north_korea))
    menu = sidebar.issue_menu(index)
    assert menu is not None
    show = menu.actions()[0]
    assert show.text() == "Show &Timeline of “North Korea”"
    view = window.timeline.view
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        show.trigger()
    menu.deleteLater()
    assert window.timeline.dock.isVisible()
    assert view.issue.name == "North Korea" and view.issue_box.currentText() == "North Korea"
    assert shown(view) == oracle(samples_archive, north_korea)
    assert list(shown(view)) == ["Japan", "Republic of Korea", "Joint"]
    assert "North Korea (and narrower issues): 14 statements" in view.caption.full_text()
    assert sidebar.issue_menu(facet.proxy.index(0, 0).parent()) is None  # off the values


def test_lanes_by_speaker_and_back(qtbot, window: MainWindow, samples_archive: Path) -> None:
    view = show_issue(qtbot, window, "North Korea")
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.by_speaker.click()
    assert view.by == "speaker"
    expected = oracle(samples_archive, issue_id(samples_archive, "North Korea"), "speaker")
    assert shown(view) == expected
    assert list(shown(view))[-1] == "Joint" and len(shown(view)["Joint"]) == 8
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.by_country.click()
    assert list(shown(view)) == ["Japan", "Republic of Korea", "Joint"]


def test_the_other_filters_apply_and_changes_are_followed(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    view = show_issue(qtbot, window, "North Korea")
    north_korea = issue_id(samples_archive, "North Korea")
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.update(countries={"United States"})
    only_us = "AND m.id IN (SELECT meeting_id FROM meeting_countries WHERE country = 'United States')"
    assert shown(view) == oracle(samples_archive, north_korea, extra=only_us)
    assert "Filtered: Meetings with United States" in view.caption.full_text()
    # The sidebar's own issue filter does not narrow the timeline: its issue replaces it.
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.update(issues={issue_id(samples_archive, "Economy and trade")})
    assert shown(view) == oracle(samples_archive, north_korea, extra=only_us)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.update(text="zebra")
    assert view.chart.timeline is None
    title, lines = view.chart.message()
    assert title == "No statements on North Korea match the other filters"
    assert any("Remove a filter" in line for line in lines)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.clear()
    assert sum(map(len, shown(view).values())) == 14


def test_hovering_a_mark_shows_its_statement(qtbot, window: MainWindow) -> None:
    view = show_issue(qtbot, window, "North Korea")
    viewport = view.chart.viewport()
    with qtbot.waitSignal(view.hover_shown, timeout=TIMEOUT) as signal:
        qtbot.mouseMove(viewport, mark_point(view, "Republic of Korea"))
    text = signal.args[0]
    assert text.splitlines()[0] == "7 April 2012 · Japan-ROK Foreign Ministers' Meeting (Overview)"
    assert text.splitlines()[1].startswith("Kim Sung-hwan (Republic of Korea): Minister Kim expressed hope")
    # Two statements of one day on one lane: both listed under one date.
    with qtbot.waitSignal(view.hover_shown, timeout=TIMEOUT) as signal:
        qtbot.mouseMove(viewport, mark_point(view, "Japan"))
    lines = signal.args[0].splitlines()
    assert lines[0].startswith("7 April 2012") and len(lines) == 3
    assert all(line.startswith("Koichiro Gemba (Japan): Minister Gemba") for line in lines[1:])


def test_clicking_a_mark_selects_its_section_and_shows_the_statement(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    view = show_issue(qtbot, window, "North Korea")
    timeline = view.chart.timeline
    lane = [lane.label for lane in timeline.lanes].index("Joint")
    position = view.chart.lane_marks[lane].positions_on(1)[0]  # 28 September 2012
    statement = timeline.statement_ids[position]
    with sqlite3.connect(samples_archive) as conn:
        section, text = conn.execute("SELECT section_id, text FROM statements WHERE id = ?",
                                     (statement,)).fetchone()
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(view.chart.viewport(), Qt.MouseButton.LeftButton,
                         pos=mark_point(view, "Joint", 1))
    assert window.current_node() == ("section", section)
    assert window.detail.node == ("section", section)
    selected = window.detail.browser.textCursor().selectedText()
    assert selected == text  # the statement is selected, so it stands out where it is scrolled to
    assert view.chart._chosen == position  # noqa: SLF001 (ringed)


def test_a_statement_the_trees_filter_hides_still_opens_in_the_detail_pane(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    view = show_issue(qtbot, window, "North Korea")
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.update(issues={issue_id(samples_archive, "Energy")})
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    timeline = view.chart.timeline
    statement, section = timeline.statement_ids[0], timeline.section_ids[0]
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        view.statement_activated.emit(statement, section)
    assert window.detail.node == ("section", section)
    assert window.current_node() is None
    assert "hides this statement's section" in window.statusBar().currentMessage()


def test_the_list_groups_the_statements_by_meeting_oldest_first(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    view = show_issue(qtbot, window, "North Korea")
    with sqlite3.connect(samples_archive) as conn:
        expected = conn.execute(f"""
            SELECT s.id, m.held_on, m.title FROM statements AS s JOIN meetings AS m ON m.id = s.meeting_id
            WHERE s.id IN ({','.join(str(i) for i in view.chart.timeline.statement_ids)})
            ORDER BY m.held_on, s.id""").fetchall()
    assert [s.id for s in view.listed] == [row[0] for row in expected]
    text = view.list.toPlainText()
    headings = [line for line in text.splitlines() if re.match(r"\d{1,2} [A-Z][a-z]+ \d{4} · ", line)]
    titles = list(dict.fromkeys(f"{row[1]}|{row[2]}" for row in expected))
    assert len(headings) == len(titles) == 4
    assert headings[0] == "7 April 2012 · Japan-ROK Foreign Ministers' Meeting (Overview)"
    assert headings[3] == "9 May 2018 · Japan-ROK Summit Meeting"
    assert text.index("Kim Sung-hwan (Republic of Korea): Minister Kim expressed hope") < \
        text.index(headings[1])
    assert "14 statements in view" in text
    assert not view.list.resource_requests  # nothing is ever loaded
    # "Open in context" links open the statement like a click on its mark.
    first = view.listed[0]
    with qtbot.waitSignal(view.statement_activated, timeout=TIMEOUT) as signal:
        view.list.anchorClicked.emit(QUrl(f"statement:{first.id}"))
    assert signal.args == [first.id, first.section_id]


def test_zooming_narrows_the_days_and_the_list_and_fit_shows_all(qtbot, window: MainWindow) -> None:
    view = show_issue(qtbot, window, "North Korea")
    chart = view.chart
    whole = chart.visible_days()
    assert not view.zoom_out_button.isEnabled() and view.zoom_in_button.isEnabled()
    first = chart.timeline.first_day
    with qtbot.waitSignal(view.list_loaded, timeout=TIMEOUT):
        chart.show_days(first - 20, first + 40)  # April and May 2012
    assert chart.scale.pixels_per_day > 5
    assert [s.held_on for s in view.listed] == ["2012-04-07"] * 6
    zoomed = chart.scale.pixels_per_day
    for _ in range(3):
        view.zoom_out_button.click()
    assert chart.scale.pixels_per_day == pytest.approx(zoomed / 1.5 ** 3)
    # A filter change keeps the zoom and the days in view.
    days, ppd = chart.visible_days(), chart.scale.pixels_per_day
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.update(countries={"Republic of Korea"})  # the same first and last day
    assert chart.scale.pixels_per_day == pytest.approx(ppd)
    assert abs(chart.visible_days()[0] - days[0]) <= 1
    chart.grab()  # paints at that zoom
    qtbot.keyClick(chart, Qt.Key.Key_0)
    assert not view.zoom_out_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.filter_state.clear()
    assert chart.visible_days() == whole
    ppd = chart.scale.pixels_per_day
    qtbot.keyClick(chart, Qt.Key.Key_Plus)
    assert chart.scale.pixels_per_day == pytest.approx(ppd * 1.5)


def test_reached_from_the_view_menu_the_tree_and_issue_tags(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    action = window.actions.issue_timeline
    assert action.shortcut() == QKeySequence("Ctrl+Shift+T")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.actions.export_timeline_pdf in file_menu.actions()
    action.trigger()
    assert window.timeline.dock.isVisible()
    assert window.timeline.view.issue_box.lineEdit().hasFocus() or not window.isActiveWindow()
    from archive_viewer.ui.actions import shortcut_rows
    assert ("View", "Issue Timeline…", "Ctrl+Shift+T") in shortcut_rows()

    view = window.timeline.view
    with sqlite3.connect(samples_archive) as conn:
        section = conn.execute("SELECT id FROM sections WHERE title = 'North Korean Issues'").fetchone()[0]
    menu = window.tree_context_menu(window.model.index_for("section", section))
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None
               and a.menu().title() == "Issue &Timeline")
    assert sub.title() == "Issue &Timeline"
    names = [a.text() for a in sub.actions()]
    assert names[0] == "North Korea" and "Abduction issue" in names
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        sub.actions()[names.index("Abduction issue")].trigger()
    assert view.issue.name == "Abduction issue"
    menu.deleteLater()

    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        window.select_node("section", section)
    assert 'href="issue:North%20Korea"' in window.detail.browser.toHtml()  # tags are links
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        window.detail.browser.anchorClicked.emit(QUrl("issue:Missile%20launch"))
    assert view.issue.name == "Missile launch"


def test_readable_in_light_and_dark_palettes(qtbot, window: MainWindow) -> None:
    view = show_issue(qtbot, window, "North Korea")
    from archive_viewer.export.timeline_chart import _contrast

    for base, text, highlight in (("#ffffff", "#1b1b1b", "#308cc6"), ("#1e1f22", "#e8e8e8", "#2a82da")):
        palette = QPalette(view.palette())
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Base, QColor(base))
            palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor(base))
            palette.setColor(group, QPalette.ColorRole.Text, QColor(text))
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(highlight))
        view.chart.setPalette(palette)
        colours = view.chart.colours
        assert colours.base == QColor(base)
        for colour in (colours.mark, colours.joint, colours.other):
            assert _contrast(colour, colours.base) >= 3.0, (base, colour.name())
        assert _contrast(colours.text, colours.base) >= 7.0
        image = view.chart.grab().toImage()
        pixels = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
                  for y in range(0, image.height(), 2)}
        assert colours.mark.name() in pixels and colours.joint.name() in pixels
        assert QColor(base).name() in pixels


def test_the_pdf_export_holds_the_chart_and_the_statements(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = show_issue(qtbot, window, "North Korea")
    out = tmp_path / "timeline.pdf"
    monkeypatch.setattr(window.exporter, "_ask_path", lambda name: out)  # the save dialog
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT) as signal:
        view.export_button.click()
    result = signal.args[0]
    assert isinstance(result, ExportResult) and result.pages >= 2
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))

    def text(page: pypdf.PageObject) -> str:  # by position, as a reader copies it
        return " ".join(page.extract_text(extraction_mode="layout").split())

    first = text(reader.pages[0])
    # The running header, then the title.
    assert first.startswith("Issue timeline: North Korea Issue timeline: North Korea 14 statements about")
    for lane in ("Japan 5", "Republic of Korea 1", "Joint 8", "2014", "2016"):
        assert lane in first
    assert "page 1 of" in first
    rest = " ".join(text(page) for page in reader.pages[1:])
    assert "7 April 2012 · Japan-ROK Foreign Ministers' Meeting (Overview)" in rest
    assert "Kim Sung-hwan (Republic of Korea): Minister Kim expressed hope" in rest
    assert "Open in context" not in rest  # no links on paper
    assert reader.metadata.title == "Issue timeline: North Korea"
    # The chart is vector graphics: no image on the chart's page.
    assert not reader.pages[0].images


def test_the_view_is_built_when_first_shown_and_the_dock_comes_back_where_it_was(
        qtbot, window: MainWindow, samples_archive: Path) -> None:
    assert window.timeline._view is None  # noqa: SLF001 (nothing of it loads at start-up)
    assert not window.timeline.dock.isVisible()
    window.actions.issue_timeline.trigger()
    assert window.timeline._view is not None  # noqa: SLF001
    window.close()  # saves the window's state
    again = MainWindow(samples_archive)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.timeline.dock.isVisible()
    title, _lines = again.timeline.view.chart.message()
    assert title == "Choose an issue"
    qtbot.waitUntil(lambda: not again.tasks.is_busy(), timeout=TIMEOUT)


def test_the_issue_box_takes_a_name_or_a_synonym_typed(qtbot, window: MainWindow) -> None:
    window.actions.issue_timeline.trigger()
    view = window.timeline.view
    box = view.issue_box
    qtbot.waitUntil(lambda: box.count() > 0, timeout=TIMEOUT)
    names = [box.itemText(n) for n in range(box.count())]
    assert "North Korea" in names and "    Abduction issue" in names  # narrower ones indented
    for typed, shown_as in (("abduction issue", "Abduction issue"), ("DPRK", "North Korea")):
        box.lineEdit().setText(typed)
        with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
            qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
        assert view.issue.name == shown_as == box.currentText()
    box.lineEdit().setText("no such issue")
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert view.chart.message()[0] == "No issue called “no such issue”"
