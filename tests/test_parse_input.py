"""Encodings, line endings, saved web pages, and input that is not a meeting document."""
from __future__ import annotations

import pytest

from archive_viewer.ingest import NotAMeetingDocument, parse_document
from archive_viewer.ingest.decode import decode_bytes
from archive_viewer.paths import SAMPLES_DIR

REFERENCE = (SAMPLES_DIR / "000_19a025d9c24d22f3.txt").read_text(encoding="utf-8")


def summary(data: bytes, name: str = "doc.txt") -> tuple:
    m = parse_document(data, name)
    return (m.title, m.held_on, [p.name for p in m.principals], len(m.statements()))


EXPECTED = summary(REFERENCE.encode("utf-8"))


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("cp1252"),
    ],
    ids=["utf8-bom", "crlf", "cr", "utf16", "cp1252"],
)
def test_reference_document_in_any_encoding(encode) -> None:
    assert summary(encode(REFERENCE)) == EXPECTED


def test_cp1252_curly_quotes_survive() -> None:
    meeting = parse_document(REFERENCE.encode("cp1252"), "doc.txt")
    assert "North Korea\u2019s launch" in meeting.statements()[1].text


def test_shift_jis_page_with_japanese_text() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body>'
        "<h1>Japan-ROK Foreign Ministers' Meeting</h1><p>April 25, 2012</p>"
        "<p>Minister for Foreign Affairs Koichiro Gemba (\u7384\u8449\u5149\u4e00\u90ce) held talks with "
        "Mr. Kim Sung-hwan, Minister of Foreign Affairs and Trade of the Republic of Korea, in Ningbo, China, on April 7.</p>"
        "<h2>1. North Korean Issues</h2><p>(1) Minister Kim expressed hope for a good exchange of views.</p></body></html>"
    )
    meeting = parse_document(html.encode("shift_jis"), "page.html")
    assert "\u7384\u8449\u5149\u4e00\u90ce" in meeting.summary
    assert meeting.statements()[0].speaker == "Kim Sung-hwan"


def test_html_entities_and_chrome() -> None:
    html = (SAMPLES_DIR / "107_862972576e0ef86c.html").read_bytes()
    meeting = parse_document(html, "page.html")
    text = " ".join(st.text for st in meeting.statements())
    assert "Page Top" not in text and "gtag" not in text and "Back to" not in text
    assert meeting.title == "Japan-China Foreign Ministers' Meeting"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"   \n\n  ", "is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "is a PDF"),
        (bytes(range(256)) * 40, "is a binary file"),
        (b"<html><body><h1>Welcome</h1><p>Our opening hours are 9 to 5.</p></body></html>", "does not look like a meeting overview"),
        (b"Shopping list\n\neggs\nmilk\n", "does not look like a meeting overview"),
    ],
    ids=["empty", "blank", "pdf", "binary", "html-no-meeting", "text-no-meeting"],
)
def test_not_a_meeting_document(data: bytes, reason: str) -> None:
    with pytest.raises(NotAMeetingDocument, match=reason):
        parse_document(data, "file.txt" if b"<html" not in data else "file.html")


@pytest.mark.parametrize("charset", ["undefined", "idna", "punycode", "rot13", "bogus", "utf-32"])
def test_a_page_declaring_a_strange_charset_is_still_read(charset: str) -> None:
    # <meta charset="undefined"> made decoding raise UnicodeError, which is no refusal.
    page = (f"<html><head><meta charset=\"{charset}\"></head><body><p>caf\xe9 au lait "
            "\xff\xfe</p></body></html>").encode("latin-1")
    assert "caf" in decode_bytes(page)


@pytest.mark.parametrize(("extra", "reason"), [
    ("<span>" * 300 + "</span>" * 300, "nested more than 255 levels deep"),
    ("<!--" + "c" * 11_000_000 + "-->", "over 10 MB"),
])
def test_a_page_the_html_reader_would_cut_short_is_refused_not_imported_in_part(
        extra: str, reason: str) -> None:
    # Past its limits libxml2 drops the rest of the page without a word: the meeting would
    # have come out with its later sections missing.
    page = (SAMPLES_DIR / "107_862972576e0ef86c.html").read_text(encoding="utf-8")
    assert parse_document(page.encode(), "page.html").sections
    cut = page.index("</h1>") + len("</h1>")
    with pytest.raises(NotAMeetingDocument, match=reason):
        parse_document((page[:cut] + extra + page[cut:]).encode(), "page.html")
