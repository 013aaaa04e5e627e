"""Numbering styles of the genre, each turned into the right sections and items."""
from __future__ import annotations

from archive_viewer.ingest import JOINT, parse_text

LEAD = (
    "On March 3, Mr. Taro Yamada, Minister for Foreign Affairs of Japan, held a meeting in Seoul "
    "with Mr. Lee Min-ho, Minister of Foreign Affairs of the Republic of Korea. An overview follows."
)


def doc(body: str, title: str = "Japan-ROK Foreign Ministers' Meeting", date: str = "March 4, 2019") -> str:
    return f"{title}\n\n{date}\n\n{LEAD}\n\n{body}\n\nBack to Index\n"


def shape(text: str, html: bool = False) -> list[tuple[str | None, str | None, list[str | None]]]:
    meeting = parse_text(text, html=html)
    return [(s.number, s.title, [i.label for i in s.items]) for s in meeting.sections]


def test_numbered_headings_with_paren_items() -> None:
    body = (
        "1. Bilateral Relations\n(1) Minister Yamada said relations mattered.\n"
        "(2) Minister Lee agreed.\n2. Regional Affairs\n(1) The two ministers discussed North Korea."
    )
    assert shape(doc(body)) == [("1", "Bilateral Relations", ["(1)", "(2)"]), ("2", "Regional Affairs", ["(1)"])]


def test_doubled_web_list_numbering() -> None:
    body = "1. Bilateral Relations\n  1. (1) Minister Yamada said relations mattered.\n  2. (2) Minister Lee agreed."
    assert shape(doc(body)) == [("1", "Bilateral Relations", ["(1)", "(2)"])]


def test_number_space_heading_and_no_space_items() -> None:
    body = "1 Bilateral Relations\n(1)Minister Yamada said relations mattered.\n(2)Minister Lee agreed."
    assert shape(doc(body)) == [("1", "Bilateral Relations", ["(1)", "(2)"])]


def test_number_dot_heading_without_space() -> None:
    body = "1.Bilateral Relations\nMinister Yamada said relations mattered.\n2.Regional Affairs\nMinister Lee agreed."
    assert shape(doc(body)) == [("1", "Bilateral Relations", [None]), ("2", "Regional Affairs", [None])]


def test_flat_numbered_paragraphs_without_headings() -> None:
    body = "1. Minister Yamada said relations mattered a great deal.\n\n2. Minister Lee agreed with him on that."
    assert shape(doc(body)) == [(None, None, ["1", "2"])]


def test_bullets_and_bulleted_numbers() -> None:
    body = (
        "1. Bilateral Relations\n- Minister Yamada said relations mattered.\n- \n"
        "• Minister Lee agreed.\n2. Regional Affairs\n- (1) The two ministers discussed North Korea."
    )
    assert shape(doc(body)) == [("1", "Bilateral Relations", [None, None]), ("2", "Regional Affairs", ["(1)"])]


def test_sub_headings_hold_their_paragraphs() -> None:
    body = (
        "1. Bilateral Relations\n(1) Security\nMinister Yamada said security mattered.\n"
        "Minister Lee agreed.\n(2) Economy\nThe two ministers discussed trade."
    )
    meeting = parse_text(doc(body))
    items = meeting.sections[0].items
    assert [(i.label, i.heading) for i in items] == [("(1)", "Security"), ("(2)", "Economy")]
    assert [st.text for st in items[0].statements] == [
        "Minister Yamada said security mattered.",
        "Minister Lee agreed.",
    ]


def test_third_level_markers_stay_in_their_item() -> None:
    body = "1. Bilateral Relations\n(1) Minister Yamada raised two points.\n(a) trade;\n(b) tourism.\n(2) Minister Lee agreed."
    meeting = parse_text(doc(body))
    assert [i.label for i in meeting.sections[0].items] == ["(1)", "(2)"]
    assert "(b) tourism." in meeting.sections[0].items[0].text


def test_roman_sections_with_arabic_items() -> None:
    body = "I. Bilateral Relations\n1. Minister Yamada said relations mattered.\nII. Regional Affairs\n1. Minister Lee agreed."
    assert shape(doc(body)) == [("I", "Bilateral Relations", ["1"]), ("II", "Regional Affairs", ["1"])]


def test_unnumbered_headings() -> None:
    body = "Overview\nMinister Yamada said relations mattered.\nRegional Situation\nMinister Lee agreed."
    assert shape(doc(body)) == [(None, "Overview", [None]), (None, "Regional Situation", [None])]


def test_telephone_talk_without_sections() -> None:
    text = (
        "Japan-ROK Foreign Ministers' Telephone Talk\n\nMarch 4, 2019\n\n"
        "On March 4, Mr. Taro Yamada, Minister for Foreign Affairs, held a telephone talk with "
        "Mr. Lee Min-ho, Minister of Foreign Affairs of the Republic of Korea. The main points are as follows.\n\n"
        "Minister Yamada said the two countries should work together.\n\n"
        "The two ministers agreed to stay in close contact.\n\nBack to Index"
    )
    meeting = parse_text(text)
    assert meeting.kind == "telephone_talk"
    assert meeting.location is None
    assert shape(text) == [(None, None, [None, None])]
    assert [st.speaker for st in meeting.statements()] == ["Taro Yamada", JOINT]


def test_trailers_are_not_items() -> None:
    body = "1. Bilateral Relations\n(1) Minister Yamada said relations mattered.\n(END)\nPage Top\nRelated Link"
    meeting = parse_text(doc(body))
    assert [i.text for i in meeting.sections[0].items] == ["Minister Yamada said relations mattered."]


def test_html_headings_lists_and_strong_paragraphs() -> None:
    html = f"""<html><body><div id="header"><ul><li>Home</li><li>Policy</li></ul></div>
    <div id="breadcrumb"><a href="/">Home</a> &gt; Korea</div>
    <div id="main"><p class="category">Japan-ROK Relations</p><h1>Japan-ROK Foreign Ministers' Meeting</h1>
    <p>March 4, 2019</p><p>{LEAD}</p>
    <p><strong>1. Bilateral Relations</strong></p>
    <ol><li>Minister Yamada said relations mattered.<p>He added that trade was growing.</p></li>
    <li>Minister Lee agreed.</li></ol>
    <h3>2. Regional Affairs</h3><p>(1) The two ministers discussed North Korea.</p>
    <p><a href="index.html">Back to Japan-ROK Relations</a></p></div>
    <div id="footer"><p>Page Top</p></div><script>var x = "Minister said";</script></body></html>"""
    meeting = parse_text(html, html=True)
    assert meeting.title == "Japan-ROK Foreign Ministers' Meeting"
    assert [(s.number, s.title, [i.label for i in s.items]) for s in meeting.sections] == [
        ("1", "Bilateral Relations", ["1", "2"]),
        ("2", "Regional Affairs", ["(1)"]),
    ]
    first = meeting.sections[0].items[0]
    assert [st.text for st in first.statements] == [
        "Minister Yamada said relations mattered. He added that trade was growing."
    ]


def test_old_table_layout_with_bold_list_headings() -> None:
    html = """<html><body><table width="100%"><tr><td class="nav"><a href="/">Home</a> | <a href="/p">Policy</a></td></tr>
    <tr><td><h1>Japan-Viet Nam Summit Meeting</h1><p>(March 3, 2014)</p>
    <p>On March 2, Mr. Ichiro Mori, Prime Minister of Japan, held a summit meeting with H.E. Mr. Nguyen Van An,
    Prime Minister of the Socialist Republic of Viet Nam, in Hanoi. The overview is as follows.</p>
    <ol><li><strong>Bilateral Relations</strong><ul><li>(1) Prime Minister Mori welcomed the visit.</li>
    <li>(2) Prime Minister An thanked Japan for its support.</li></ul></li>
    <li><strong>Regional Affairs</strong><p>The two leaders discussed the South China Sea.</p></li></ol>
    <p>&nbsp;</p><p><a href="#top">Page Top</a></p></td></tr></table></body></html>"""
    meeting = parse_text(html, html=True)
    assert (meeting.title, meeting.location) == ("Japan-Viet Nam Summit Meeting", "Hanoi, Viet Nam")
    assert [p.name for p in meeting.principals] == ["Ichiro Mori", "Nguyen Van An"]
    assert [(s.number, s.title, [(i.label, [st.speaker for st in i.statements]) for i in s.items])
            for s in meeting.sections] == [
        ("1", "Bilateral Relations", [("(1)", ["Ichiro Mori"]), ("(2)", ["Nguyen Van An"])]),
        ("2", "Regional Affairs", [(None, [JOINT])]),
    ]
