"""The person page in the window: reached from names, showing what the archive holds about a
person, leading to their meetings; merging and splitting people from the people facet."""
from __future__ import annotations

import shutil
import subprocess
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtWidgets import QMessageBox

from archive_viewer import paths, store
from archive_viewer.store.person_profile import ProfileMeeting
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.person_page import PersonMeetingsModel

TIMEOUT = 10_000


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("samples") / "samples.sqlite"
    with store.Archive.open(path, create=True) as archive:
        assert not archive.import_paths([paths.SAMPLES_DIR]).failures
    return path


@pytest.fixture
def db(master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(master, path)
    return path


def person(db: Path, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]


def open_window(qtbot, db: Path) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)


def show_person(qtbot, window: MainWindow, person_id: int) -> None:
    with qtbot.waitSignal(window.persons.page.details_loaded, timeout=TIMEOUT):
        window.persons.show_person(person_id)


def test_a_speakers_name_in_the_detail_pane_opens_their_page(qtbot, db: Path) -> None:
    window = open_window(qtbot, db)
    gemba = person(db, "Koichiro Gemba")
    with sqlite3.connect(db) as conn:
        meeting = conn.execute("SELECT meeting_id FROM participants WHERE person_id = ? "
                               "ORDER BY meeting_id LIMIT 1", (gemba,)).fetchone()[0]
        meetings = {r[0] for r in conn.execute(
            "SELECT meeting_id FROM participants WHERE person_id = ?", (gemba,))}
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        assert window.select_node("meeting", meeting)
    assert f'href="person:{gemba}"' in window.detail.browser.toHtml()
    with qtbot.waitSignal(window.persons.page.details_loaded, timeout=TIMEOUT):
        window.detail.browser.anchorClicked.emit(QUrl(f"person:{gemba}"))
    page = window.persons.page
    assert window.persons.showing_person
    assert page.name_label.full_text() == "Koichiro Gemba"
    assert "4 meetings (4 as principal)" in page.facts_label.text()
    model = page.meetings_model
    assert {model.meeting_at(r).meeting_id for r in range(model.rowCount())} == meetings
    assert page.strip.mark_count == len(meetings)
    assert page.issues_view.topLevelItemCount() > 0
    names = [page.counterparts_view.topLevelItem(i).text(0)
             for i in range(page.counterparts_view.topLevelItemCount())]
    assert "Kim Sung-hwan" in names and "Shinsuke Sugiyama" not in names
    assert page.titles_view.topLevelItem(0).text(0) == "Minister for Foreign Affairs"

    # Back, then another link; a node chosen in the tree also takes the page's place.
    page.back_action.trigger()
    assert not window.persons.showing_person
    window.persons.show_person(gemba)
    assert window.persons.showing_person
    window.tree.setCurrentIndex(window.model.index(0, 0))
    assert not window.persons.showing_person


def test_picking_a_person_in_the_people_facet_shows_their_page(qtbot, db: Path) -> None:
    window = open_window(qtbot, db)
    yang = person(db, "Yang Jiechi")
    facet = window.sidebar.models["people"]
    with qtbot.waitSignal(window.persons.page.loaded, timeout=TIMEOUT):
        facet.setData(facet.index_of(yang), True)
    assert window.filter_state.filter.people == {yang}
    assert window.persons.showing_person and window.persons.page.person_id == yang
    window.persons.show_detail()
    facet.setData(facet.index_of(yang), False)  # dropping the person does not show the page
    assert not window.filter_state.filter.people and not window.persons.showing_person
    settle(qtbot, window)


def test_a_meeting_on_the_person_page_opens_in_the_tree(qtbot, db: Path) -> None:
    window = open_window(qtbot, db)
    show_person(qtbot, window, person(db, "Koichiro Gemba"))
    page = window.persons.page
    chosen = page.meetings_model.meeting_at(2)
    with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
        page.meetings_view.activated.emit(page.meetings_model.index(2, 0))
    assert not window.persons.showing_person
    assert window.current_node() == ("meeting", chosen.meeting_id)
    # A mark on the time axis does the same.
    window.persons.show_person(person(db, "Koichiro Gemba"))
    qtbot.waitUntil(lambda: page.strip.mark_count > 0, timeout=TIMEOUT)
    x = page.strip.x_of(chosen.meeting_id)
    assert x is not None
    with qtbot.waitSignal(page.meeting_activated, timeout=TIMEOUT) as signal:
        qtbot.mouseClick(page.strip, Qt.MouseButton.LeftButton,
                         pos=QPoint(round(x), page.strip.height() - 25))
    assert signal.args[0] in {page.meetings_model.meeting_at(r).meeting_id
                              for r in range(page.meetings_model.rowCount())}


def test_issues_and_counterparts_lead_on(qtbot, db: Path) -> None:
    window = open_window(qtbot, db)
    gemba = person(db, "Koichiro Gemba")
    show_person(qtbot, window, gemba)
    page = window.persons.page
    north_korea = next(page.issues_view.topLevelItem(i) for i in range(page.issues_view.topLevelItemCount())
                       if page.issues_view.topLevelItem(i).text(0) == "North Korea")
    page.issues_view.itemActivated.emit(north_korea, 0)
    f = window.filter_state.filter
    assert f.people == {gemba} and len(f.issues) == 1
    settle(qtbot, window)
    kim = next(page.counterparts_view.topLevelItem(i) for i in range(page.counterparts_view.topLevelItemCount())
               if page.counterparts_view.topLevelItem(i).text(0) == "Kim Sung-hwan")
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.counterparts_view.itemActivated.emit(kim, 0)
    assert window.persons.showing_person and page.profile.name == "Kim Sung-hwan"


def test_merge_and_split_from_the_people_facet(qtbot, db: Path) -> None:
    window = open_window(qtbot, db)
    kono, maehara = person(db, "Taro Kono"), person(db, "Seiji Maehara")
    facet = window.sidebar.models["people"]
    before = facet.count_of(kono) + facet.count_of(maehara)
    menu = window.persons.people.menu(kono, "Taro Kono (Japan)", window)
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == ["Show Taro Kono (Japan)", "Filter by This Person",
                      "Merge With Another Entry…", "Split Spellings…"]
    menu.actions()[3].trigger()  # Merge With…
    dialog = window.persons.people.dialog
    qtbot.waitUntil(lambda: dialog.select(maehara), timeout=TIMEOUT)
    with qtbot.waitSignal(window.persons.people.changed, timeout=TIMEOUT):
        dialog.accept()
    menu.deleteLater()
    with qtbot.waitSignal(window.sidebar.facets_updated, timeout=TIMEOUT):
        pass
    settle(qtbot, window)
    assert facet.label_of(maehara) is None  # listed once ...
    assert facet.count_of(kono) == before  # ... with the counts of both

    show_person(qtbot, window, kono)
    assert window.persons.page.split_action.isEnabled()
    window.persons.page.split_action.trigger()
    dialog = window.persons.people.dialog
    qtbot.waitUntil(lambda: dialog._ok.isEnabled(), timeout=TIMEOUT)
    assert len(dialog.choice()) == 1
    with qtbot.waitSignal(window.persons.people.changed, timeout=TIMEOUT) as changed:
        dialog.accept()
    settle(qtbot, window)
    restored = changed.args[0].added
    assert len(restored) == 1
    assert facet.count_of(kono) + facet.count_of(restored[0]) == before


def test_a_merge_refused_says_why(qtbot, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, db)
    shown: list[str] = []
    monkeypatch.setattr("archive_viewer.ui.people_actions.show_error",
                        lambda _parent, _title, text, *rest: shown.append(text) or QMessageBox())
    with qtbot.waitSignal(window.persons.people.failed, timeout=TIMEOUT):
        window.persons.people.merge(person(db, "Koichiro Gemba"), person(db, "Kim Sung-hwan"))
    assert "both appear in one meeting" in shown[0]
    assert person(db, "Kim Sung-hwan")


def test_a_search_hit_shows_its_speaker(qtbot, db: Path) -> None:
    window = open_window(qtbot, db)
    with qtbot.waitSignal(window.sidebar.results_updated, timeout=TIMEOUT):
        window.filter_state.update(text="missile")
    results = window.sidebar.results
    index = next(results.model.index(r) for r in range(results.model.rowCount())
                 if results.model.hits()[r].speaker_id is not None)
    hit = results.model.hits()[index.row()]
    menu = results.context_menu(index)
    assert menu is not None
    show = next(a for a in menu.actions() if a.text().startswith("Show "))
    with qtbot.waitSignal(window.persons.page.loaded, timeout=TIMEOUT):
        show.trigger()
    assert window.persons.page.person_id == hit.speaker_id
    menu.deleteLater()


def test_the_meetings_model(qtmodeltester) -> None:
    model = PersonMeetingsModel()
    model.set_meetings([
        ProfileMeeting(3, "2012-04-07", "B meeting", "Ningbo", "other", "principal", "FM", "Japan", 5),
        ProfileMeeting(2, "2011-01-01", "A meeting", None, "other", "attendee", None, "Japan", 0),
        ProfileMeeting(1, None, "C meeting", None, "other", None, None, None, 1),
    ])
    qtmodeltester.check(model)
    model.sort(PersonMeetingsModel.STATEMENTS)
    assert [model.meeting_at(r).meeting_id for r in range(3)] == [2, 1, 3]
    model.sort(PersonMeetingsModel.TITLE)
    assert [model.meeting_at(r).meeting_id for r in range(3)] == [2, 3, 1]
    assert model.index(0, PersonMeetingsModel.ROLE).data() == "Attendee"
    assert model.index(2, PersonMeetingsModel.ROLE).data() == "Spoke"
    assert model.index(1, PersonMeetingsModel.ROLE).data(3) == "Principal: FM"  # ToolTipRole


def test_the_person_page_exports_to_pdf_from_its_button(
        qtbot, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, db)
    gemba = person(db, "Koichiro Gemba")
    show_person(qtbot, window, gemba)
    out = tmp_path / "gemba.pdf"
    monkeypatch.setattr(window.exporter, "_ask_path", lambda name: out)  # the save dialog
    with qtbot.waitSignal(window.exporter.finished, timeout=TIMEOUT):
        window.persons.page.export_action.trigger()
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Koichiro Gemba" in text and "Japan-ROK Foreign Ministers" in text
