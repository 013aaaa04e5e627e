"""The detail pane: grouping by speaker, document order, escaping, highlighting, citations."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_viewer import citation, paths, store
from archive_viewer.store.filters import Filter
from archive_viewer.store.queries import MeetingDetail, Participant, StatementView
from archive_viewer.statement_html import (
    JOINT_LABEL,
    NO_SPEAKER_LABEL,
    Colours,
    DetailContent,
    group_by_speaker,
    render,
    speaker_colours,
    term_pattern,
)

REFERENCE = paths.SAMPLES_DIR / "000_19a025d9c24d22f3.txt"
HOSTILE = 'He said <script>alert("x")</script> and <img src=http://example.invalid/track.png> & more'


# -- plain data -------------------------------------------------------------------------------

GEMBA = Participant(1, "Koichiro Gemba", "Minister for Foreign Affairs", "Japan", "principal")
KIM = Participant(2, "Kim Sung-hwan", "Minister of Foreign Affairs and Trade", "Republic of Korea",
                  "principal")
SUGIYAMA = Participant(3, "Shinsuke Sugiyama", "Director-General", "Japan", "attendee")


def _meeting(**changes: object) -> MeetingDetail:
    values: dict[str, object] = dict(
        id=7, title="Japan-ROK Foreign Ministers' Meeting (Overview)",
        kind="foreign_ministers_meeting", held_on="2012-04-07", published_on="2012-04-25",
        location="Ningbo, China", occasion="the Japan-China-ROK Foreign Ministers' Meeting",
        summary="Both sides spent a great deal of time on North Korean issues.",
        countries=["Japan", "Republic of Korea"], participants=[GEMBA, KIM, SUGIYAMA],
        source_path="/data/000_19a025d9c24d22f3.txt", file_name="000_19a025d9c24d22f3.txt")
    values.update(changes)
    return MeetingDetail(**values)  # type: ignore[arg-type]


def _statement(sid: int, speaker: Participant | None, text: str, *, joint: bool = False,
               item: int = 1, section: int = 1, issues: tuple[str, ...] = (),
               matches: bool = True) -> StatementView:
    return StatementView(
        id=sid, meeting_id=7, section_id=section, section_number=str(section),
        section_title="North Korean Issues" if section == 1 else "Japan-ROK Relations",
        item_id=item, item_label=f"({item})", item_heading=None, ordinal=sid,
        speaker_id=speaker.person_id if speaker else None,
        speaker_name=speaker.name if speaker else None,
        speaker_country=speaker.country if speaker else None,
        is_joint=joint, text=text, issues=issues, matches=matches)


STATEMENTS = [
    _statement(1, None, "It was decided to meet again.", item=1),
    _statement(2, KIM, "Minister Kim expressed hope for a good exchange.", item=1,
               issues=("North Korea",)),
    _statement(3, None, "The two ministers shared the view.", joint=True, item=2),
    _statement(4, GEMBA, "Minister Gemba congratulated the ROK on the launch.", item=2),
    _statement(5, SUGIYAMA, "Director-General Sugiyama added a remark.", item=3),
    _statement(6, GEMBA, "Minister Gemba said the launch would be a violation.", item=3),
]


def _text(page: str) -> str:
    """The page's text without markup, as a reader sees it."""
    from html import unescape
    return unescape(re.sub(r"<[^>]+>", " ", page))


def _order(text: str, *names: str) -> list[int]:
    return [text.index(name) for name in names]


def test_groups_each_principal_then_others_then_joint_then_no_speaker() -> None:
    groups = group_by_speaker(STATEMENTS, principals=[GEMBA.person_id, KIM.person_id])
    assert [g.key for g in groups] == [("person", 2), ("person", 1), ("person", 3), ("joint", 0),
                                       ("none", 0)]
    assert [s.id for s in groups[1].statements] == [4, 6]


def test_rendered_groups_name_the_speakers_in_order() -> None:
    page = render(DetailContent("section", _meeting(), STATEMENTS, section=None),
                  grouping="speaker", colours=Colours())
    body = _text(page).split("Source")[1]  # after the header, which names the principals too
    positions = _order(body, "Kim Sung-hwan", "Koichiro Gemba", "Shinsuke Sugiyama",
                       JOINT_LABEL, NO_SPEAKER_LABEL)
    assert positions == sorted(positions)
    assert "2 statements" in body  # Gemba's group


def test_document_order_puts_the_speaker_on_each_statement() -> None:
    page = render(DetailContent("section", _meeting(), STATEMENTS), grouping="document",
                  colours=Colours())
    body = _text(page).split("Source")[1]
    expected = [f"{NO_SPEAKER_LABEL}:", "Kim Sung-hwan:", f"{JOINT_LABEL}:", "Koichiro Gemba:",
                "Shinsuke Sugiyama:", "Koichiro Gemba:"]
    found = re.findall(r"(No speaker:|Kim Sung-hwan:|Joint:|Koichiro Gemba:|Shinsuke Sugiyama:)",
                       body)
    assert found == expected


def test_a_speaker_keeps_one_colour_in_both_groupings_and_all_colours_differ() -> None:
    colours = speaker_colours(_meeting(), STATEMENTS, dark=False)
    people = [colours[("person", p)] for p in (1, 2, 3)]
    assert len(set(people + [colours[("joint", 0)], colours[("none", 0)]])) == 5
    for grouping in ("speaker", "document"):
        page = render(DetailContent("section", _meeting(), STATEMENTS), grouping=grouping,
                      colours=Colours())
        gemba_colour = colours[("person", 1)]
        assert f'<td width="4" bgcolor="{gemba_colour}">' in page


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_speaker_colours_are_readable_on_their_background(dark: bool) -> None:
    base = Colours.dark_default().base if dark else Colours().base
    many = _meeting(participants=[Participant(i, f"P{i}", None, None, "principal")
                                  for i in range(1, 11)])
    for colour in speaker_colours(many, [], dark=dark).values():
        assert _contrast(colour, base) >= 4.5, (colour, base)


def test_document_text_is_escaped_everywhere() -> None:
    hostile_meeting = _meeting(title="<b>Bold</b> meeting", location="<i>x</i>",
                               participants=[Participant(1, "<a href='http://x'>Evil</a>", None,
                                                         None, "principal")])
    statements = [_statement(1, None, HOSTILE, issues=("<u>tag</u>",))]
    page = render(DetailContent("meeting", hostile_meeting, statements), grouping="document",
                  colours=Colours())
    for markup in ("<script", "<img", "<b>Bold", "<i>x", "<a href='http", "<u>tag"):
        assert markup not in page
    assert "&lt;script&gt;" in page and "&lt;img src=http://example.invalid/track.png&gt;" in page


def test_search_terms_are_highlighted_after_escaping() -> None:
    pattern = term_pattern(["launch", "north korea"])
    assert pattern is not None
    text = "The launches by North-Korea <launch> went on; relaunch is not a word start."
    found = [m.group() for m in pattern.finditer(text)]
    assert found == ["launches", "North-Korea", "launch"]
    page = render(DetailContent("section", _meeting(), [_statement(1, GEMBA, text)],
                                terms=["launch"]), grouping="speaker", colours=Colours())
    assert f'background-color:{Colours().mark_bg}; color:{Colours().mark_fg};">launches</span>' in page
    assert "&lt;<span" in page  # "<launch>" escaped around the mark


def test_statements_matching_the_filter_are_marked_and_the_rest_greyed() -> None:
    statements = [_statement(1, GEMBA, "On the launch.", matches=True),
                  _statement(2, KIM, "On the weather.", matches=False)]
    colours = Colours()
    page = render(DetailContent("section", _meeting(), statements, filtered=True),
                  grouping="document", colours=colours)
    assert "1 of 2 statements" in _text(page)
    assert page.count(f'bgcolor="{colours.match_bg}"') == 1
    assert f'<span style="color:{colours.muted};">On the weather.' in page


def test_meeting_view_shows_every_section_in_order() -> None:
    statements = [_statement(1, KIM, "First.", section=1),
                  _statement(2, GEMBA, "Second.", section=2, item=4)]
    text = _text(render(DetailContent("meeting", _meeting(), statements), grouping="speaker",
                        colours=Colours()))
    assert _order(text, "1. North Korean Issues", "First.", "2. Japan-ROK Relations", "Second.") \
        == sorted(_order(text, "1. North Korean Issues", "First.", "2. Japan-ROK Relations",
                         "Second."))
    assert "Both sides spent a great deal of time" in text  # the summary, for a whole meeting


def test_header_lists_the_facts_and_participants() -> None:
    text = _text(render(DetailContent("section", _meeting(), []), grouping="speaker",
                        colours=Colours()))
    for fact in ("held 7 April 2012", "published 25 April 2012", "Ningbo, China",
                 "On the sidelines of the Japan-China-ROK Foreign Ministers' Meeting",
                 "Koichiro Gemba", "Minister for Foreign Affairs, Japan", "Also attending",
                 "Shinsuke Sugiyama", "000_19a025d9c24d22f3.txt"):
        assert fact in text, fact


def test_citation_format() -> None:
    assert citation.cite("They agreed.\u2029More.", title="A Meeting", held_on="2012-04-07",
                         section_number="1", section_title="North Korean Issues",
                         source="doc.txt") == \
        "They agreed.\nMore.\n— A Meeting, 2012-04-07, section 1 North Korean Issues, doc.txt"
    assert citation.reference(title="Talk", held_on=None, source="t.txt") == "Talk, undated, t.txt"
    assert citation.source_label("p.html", "https://www.mofa.go.jp/p.html") == \
        "https://www.mofa.go.jp/p.html"


# -- the widget over a real archive ------------------------------------------------------------

@pytest.fixture
def reference_archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    with store.Archive.open(path, create=True) as archive:
        assert not archive.import_document(REFERENCE).failed
    return path


@pytest.fixture
def pane(qtbot, reference_archive: Path) -> Iterator[object]:
    from archive_viewer.ui.detail_pane import DetailPane
    from archive_viewer.ui.tasks import TaskRunner

    tasks = TaskRunner(reference_archive)
    widget = DetailPane(tasks)
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    yield widget
    tasks.shutdown()


def _section_ids(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM sections ORDER BY ordinal")]


def _show(qtbot, pane, kind: str, node_id: int) -> None:
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.show_node(kind, node_id)


def test_pane_shows_section_one_by_speaker(qtbot, pane, reference_archive: Path) -> None:
    _show(qtbot, pane, "section", _section_ids(reference_archive)[0])
    body = pane.plain_text().split("1. North Korean Issues", 1)[1]
    positions = _order(body, "Kim Sung-hwan", "Koichiro Gemba", "Joint")
    assert positions == sorted(positions)
    assert "2. Japan-ROK Relations" not in body

    # Statements carry named anchors (for citations); they must not look like links.
    cursor = pane.browser.document().find("Minister Kim expressed hope")
    link = pane.browser.palette().link().color().name()
    assert cursor.charFormat().foreground().color().name() != link
    assert not cursor.charFormat().fontUnderline()

    pane.set_grouping("document")
    body = pane.plain_text().split("1. North Korean Issues", 1)[1]
    assert "Kim Sung-hwan: Minister Kim expressed hope" in body
    assert body.index("(2)") < body.index("(3)") < body.index("(5)")


def test_pane_drops_results_of_a_selection_already_left(qtbot, pane,
                                                        reference_archive: Path) -> None:
    first, second = _section_ids(reference_archive)
    seen: list[object] = []
    pane.loaded.connect(lambda: seen.append(pane.content.section.id))
    pane.show_node("section", first)
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.show_node("section", second)
    qtbot.wait(200)  # the first answer may still be on its way: it must not be shown
    assert pane.content.section.id == second
    assert seen == [second]
    assert "2. Japan-ROK Relations" in pane.plain_text()


def test_pane_marks_matches_of_the_filter(qtbot, pane, reference_archive: Path) -> None:
    pane.set_filter(Filter(text="launch"))
    _show(qtbot, pane, "section", _section_ids(reference_archive)[0])
    matching = [s.id for s in pane.content.statements if s.matches]
    assert matching == [2, 3, 4, 5]  # the statements of (2), (3) and (4) name the launch
    assert pane.content.terms == ["launch"]
    assert "Matching the filter: 4 of 7 statements" in pane.plain_text()


def test_hostile_document_text_is_shown_literally_and_fetches_nothing(qtbot, pane) -> None:
    from archive_viewer.ui.detail_pane import colours_for

    content = DetailContent("section", _meeting(title="<h1>Big</h1>"),
                            [_statement(1, GEMBA, HOSTILE)])
    pane._content = content  # as a load would deliver it
    pane._render(keep_scroll=False)
    text = pane.plain_text()
    assert 'He said <script>alert("x")</script> and <img src=http://example.invalid/track.png> & more' in text
    assert "<h1>Big</h1>" in text
    assert pane.browser.resource_requests == []
    html_out = pane.browser.toHtml()
    assert "<img" not in html_out and "<script" not in html_out
    assert colours_for(pane.browser.palette()).text  # the palette was read


def test_links_open_only_http_in_the_browser(qtbot, pane, monkeypatch) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    for url in ("https://www.mofa.go.jp/a.html", "file:///etc/passwd", "javascript:alert(1)",
                "#section-1"):
        pane.browser.anchorClicked.emit(QUrl(url))
    assert opened == ["https://www.mofa.go.jp/a.html"]


def test_citation_of_a_selection(qtbot, pane, reference_archive: Path) -> None:
    _show(qtbot, pane, "section", _section_ids(reference_archive)[0])
    assert pane.citation_text() is None  # nothing selected yet
    _select(pane.browser, "Minister Gemba expressed gratitude to Minister Kim")
    assert pane.citation_text() == (
        "Minister Gemba expressed gratitude to Minister Kim\n"
        "— Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, "
        "section 1 North Korean Issues, 000_19a025d9c24d22f3.txt")


def test_citation_in_a_whole_meeting_names_the_section_of_the_selection(
        qtbot, pane, reference_archive: Path) -> None:
    with sqlite3.connect(reference_archive) as conn:
        meeting_id = conn.execute("SELECT id FROM meetings").fetchone()[0]
    _show(qtbot, pane, "meeting", meeting_id)
    _select(pane.browser, "step up bilateral cooperation")
    assert pane.citation_text().endswith("section 2 Japan-ROK Relations, 000_19a025d9c24d22f3.txt")


def test_text_size_steps(qtbot, pane) -> None:
    base = pane.browser.font().pointSizeF()
    pane.set_text_size(3)
    assert pane.browser.font().pointSizeF() == pytest.approx(base + 3)
    pane.set_text_size(0)
    assert pane.browser.font().pointSizeF() == pytest.approx(base)


def _select(browser, text: str) -> None:
    cursor = browser.document().find(text)
    assert not cursor.isNull(), text
    browser.setTextCursor(cursor)


def _contrast(foreground: str, background: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
