"""Untrusted documents: a hostile saved web page is shown as text, in the window and in the PDF.

A page full of live markup (scripts, images, style sheets, frames, refreshes, event handlers,
javascript:/file:/data: links) and of markup written as text (``&lt;img src=…&gt;``) is imported
through the real parser into a temporary archive, then shown in the detail pane, the tree's and
the panes' tooltips, the search results and an exported PDF. Nothing may be fetched (no resource
asked of any QTextDocument that paints it), no link followed without a click, and the markup
written as text must read as those characters.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QEvent, QPoint, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QHelpEvent, QImage, QTextDocument, Qt
from PySide6.QtWidgets import QApplication, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from archive_viewer.export.pdf import write_pdf
from archive_viewer.export.content import load_node_parts
from archive_viewer.ingest.model import Item, Meeting, Person, Section, Statement
from archive_viewer.store import Archive
from archive_viewer.ui.main_window import MainWindow
from archive_viewer.ui.search_results import SearchResultsModel

#: The pane's own links: a person's page, an issue's timeline (its name, percent-encoded).
OWN_LINK = re.compile(r"person:\d+|issue:[A-Za-z0-9%._~-]+")

TIMEOUT = 10_000
LOCAL_IMAGE = "LOCAL_IMAGE"  # replaced by the file: URL of a real PNG in the test's folder

HOSTILE_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=http://example.invalid/refresh">
<title>Hostile page</title>
<base href="http://example.invalid/">
<link rel="stylesheet" href="http://example.invalid/evil.css">
<link rel="stylesheet" href="LOCAL_IMAGE">
<style>body { background: url(http://example.invalid/bg.png); }</style>
<script>fetch("http://example.invalid/beacon");</script>
<script src="http://example.invalid/tracker.js"></script>
</head>
<body onload="fetch('http://example.invalid/onload')" background="LOCAL_IMAGE">
<div id="maincontents">
<h1>Japan-China Foreign Ministers' Meeting &lt;img src="LOCAL_IMAGE"&gt;</h1>
<p class="rightalign">October 26, 2018</p>
<p>On October 26, Mr. Taro Kono, Minister for Foreign Affairs, held a Japan-China Foreign
Ministers' Meeting in Beijing with H.E. Mr. Wang Yi, State Councilor and Foreign Minister of the
People's Republic of China. An overview follows.<img src="http://example.invalid/pixel.gif"
onerror="alert(1)"><img src="LOCAL_IMAGE"></p>
<h2>1 Opening &lt;b&gt;Remarks&lt;/b&gt; &lt;img src="LOCAL_IMAGE"&gt;</h2>
<ol>
<li>Minister Wang said &lt;img src=http://example.invalid/esc.png&gt; and
&lt;script&gt;alert("x")&lt;/script&gt; were &lt;a href="javascript:alert(1)"&gt;words&lt;/a&gt;
in his notes.<script>document.write("<img src=http://example.invalid/dw.png>")</script><iframe
src="http://example.invalid/frame.html"></iframe><iframe srcdoc="<script>alert(7)</script>"></iframe></li>
<li style="background-image: url(LOCAL_IMAGE)" onclick="alert(2)">Minister Kono thanked the
Chinese side, see <a href="javascript:alert(3)">this</a>, <a href="file:///etc/passwd">that</a>,
<a href="data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;">data</a>,
<a href="mailto:x@example.invalid">mail</a> and <a href="http://example.invalid/page">the
ministry</a>. He quoted &lt;link rel=stylesheet href=file:///etc/passwd&gt; and
&lt;iframe src=file:///etc/hosts&gt; and
&lt;meta http-equiv=refresh content="0;url=http://example.invalid/"&gt; and
&amp;lt;escaped twice&amp;gt; and
&lt;span style="background:url(LOCAL_IMAGE)" onmouseover="alert(5)"&gt;x&lt;/span&gt;.<object
data="http://example.invalid/o.swf"></object><embed src="http://example.invalid/e.swf"><svg
onload="alert(6)"><image href="LOCAL_IMAGE"/></svg><video src="http://example.invalid/v.mp4"
poster="LOCAL_IMAGE"></video></li>
</ol>
<h2>2 Japan-China Relations</h2>
<p>The two ministers then exchanged views &lt;img src="LOCAL_IMAGE"&gt; on a range of issues
<a href="custom-scheme://open">here</a> &lt;table background="LOCAL_IMAGE"&gt;&lt;tr&gt;&lt;td&gt;cell.</p>
<form action="http://example.invalid/post"><input name="q" value="typed"></form>
<noscript><img src="http://example.invalid/noscript.png"></noscript>
<!-- <img src="http://example.invalid/comment.png"> -->
</div>
</body></html>
"""

#: (statement text as the archive must hold it, with LOCAL_IMAGE as above): the markup that was
#: written as text in the page, read back as those characters.
LITERAL_STATEMENTS = [
    'Minister Wang said <img src=http://example.invalid/esc.png> and <script>alert("x")</script> '
    'were <a href="javascript:alert(1)">words</a> in his notes.',
    'He quoted <link rel=stylesheet href=file:///etc/passwd> and <iframe src=file:///etc/hosts> '
    'and <meta http-equiv=refresh content="0;url=http://example.invalid/"> and '
    '&lt;escaped twice&gt; and <span style="background:url(LOCAL_IMAGE)" '
    'onmouseover="alert(5)">x</span>.',
    'The two ministers then exchanged views <img src="LOCAL_IMAGE"> on a range of issues here '
    '<table background="LOCAL_IMAGE"><tr><td>cell.',
]
LITERAL_TITLE = 'Japan-China Foreign Ministers\' Meeting <img src="LOCAL_IMAGE">'
LITERAL_SECTION = 'Opening <b>Remarks</b> <img src="LOCAL_IMAGE">'
#: What the page did as live markup: none of it may reach the archive, the screen or the PDF.
LIVE_ONLY = ["evil.css", "bg.png", "beacon", "tracker.js", "onload", "pixel.gif", "onerror",
             "dw.png", "frame.html", "alert(7)", "alert(2)", "alert(3)", "alert(4)", "etc/passwd\"",
             "x@example.invalid", "example.invalid/page", "o.swf", "e.swf", "alert(6)", "v.mp4",
             "custom-scheme", "example.invalid/post", "typed", "noscript.png", "comment.png",
             "example.invalid/refresh"]


def _local(text: str, image_url: str) -> str:
    return text.replace(LOCAL_IMAGE, image_url)


def _hostile_parser(image_url: str):
    """A parser whose meeting holds markup in every field the pane, tree and facets show."""
    def parse(data: bytes, name: str) -> Meeting:
        img = f'<img src="{image_url}">'
        evil = Person(f"{img}Evil Minister", f"<i>Title</i>{img}", "Japan", "principal")
        other = Person("Plain Person", None, "China", "principal")
        return Meeting(
            title=f"{img} Injected &lt;Meeting&gt;", kind="other", published_on=None,
            held_on=date(2013, 1, 2), location=f"<u>Nowhere</u>{img}", occasion=img,
            countries=["Japan", "China"], principals=[evil, other], attendees=[],
            summary=f"<style>p {{ background: url({image_url}) }}</style>",
            sections=[Section("1", f"{img}<h1>Section</h1>", [
                Item("(1)", f"{img} item", f"{img} abduction",
                     [Statement(f"{img} The abduction was raised.", evil.name),
                      Statement("<b>Plain</b> reply on the abduction.", other.name)])])])
    return parse


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """An archive of the hostile web page and of a meeting with markup in every field."""
    folder = tmp_path_factory.mktemp("hostile")
    image = folder / "local.png"
    picture = QImage(300, 200, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    assert picture.save(str(image))  # a real local image: loading it would show
    image_url = QUrl.fromLocalFile(str(image)).toString()
    page = folder / "hostile.html"
    page.write_text(_local(HOSTILE_PAGE, image_url), encoding="utf-8")
    other = folder / "names.txt"
    other.write_text("parsed by the hostile parser")
    db = folder / "hostile.sqlite"
    with Archive.open(db, create=True) as archive:
        result = archive.import_document(page)
        assert result.status == "imported", result
    with Archive.open(db, create=False, parser=_hostile_parser(image_url)) as archive:
        assert archive.import_document(other).status == "imported"
    with sqlite3.connect(db) as conn:
        page_meeting, names_meeting = (r[0] for r in conn.execute("SELECT id FROM meetings ORDER BY id"))
    conn.close()
    return {"db": db, "image_url": image_url, "page_meeting": page_meeting,
            "names_meeting": names_meeting}


@pytest.fixture
def db(hostile: dict[str, object], tmp_path: Path) -> Path:
    path = tmp_path / "hostile.sqlite"
    shutil.copy(hostile["db"], path)  # type: ignore[arg-type]
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL handed to the system browser."""
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: urls.append(QUrl(url).toString()) or True)
    return urls


@pytest.fixture
def window(qtbot: QtBot, db: Path, opened: list[str]) -> Iterator[MainWindow]:
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.tasks.is_busy(), timeout=TIMEOUT)
    yield w


def _ids(db: Path, sql: str, *args: object) -> list[int]:
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute(sql, args)]
    conn.close()
    return ids


def _show(qtbot: QtBot, window: MainWindow, kind: str, key: int) -> None:
    index = window.model.index_for(kind, key)
    assert index.isValid(), (kind, key)
    if window.current_node() != (kind, key):
        with qtbot.waitSignal(window.detail.loaded, timeout=TIMEOUT):
            window.tree.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)


class RecordingDocument(QTextDocument):
    """A QTextDocument that notes every resource its HTML asks for (and gets none)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def loadResource(self, kind: int, url: QUrl) -> object:  # noqa: N802 (Qt override)
        self.requests.append(url.toString())
        return None


def has_images(doc: QTextDocument) -> bool:
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                return True
            it += 1
        block = block.next()
    return False


def as_qt_shows_a_tooltip(text: str) -> tuple[str, list[str], bool]:
    """What a tooltip ``text`` reads as, the resources it asks for, and whether it holds an
    image: Qt shows a tooltip as rich text when Qt::mightBeRichText says so, else as text."""
    doc = RecordingDocument()
    if Qt.mightBeRichText(text):
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    doc.pageCount()  # lay it out: images are looked up then
    return doc.toPlainText(), doc.requests, has_images(doc)


def flat(text: str) -> str:
    return " ".join(text.split())


def squeeze(text: str) -> str:
    return "".join(text.split())


# -- the archive -----------------------------------------------------------------------------

def test_the_importer_keeps_markup_written_as_text_and_drops_the_live_markup(
        hostile: dict[str, object]) -> None:
    url = str(hostile["image_url"])
    with sqlite3.connect(hostile["db"]) as conn:  # type: ignore[arg-type]
        meeting = conn.execute("SELECT title, summary FROM meetings WHERE id = ?",
                               (hostile["page_meeting"],)).fetchone()
        sections = [r[0] for r in conn.execute(
            "SELECT title FROM sections WHERE meeting_id = ?", (hostile["page_meeting"],))]
        texts = [r[0] for r in conn.execute(
            "SELECT s.text FROM statements s JOIN sections c ON c.id = s.section_id "
            "WHERE c.meeting_id = ? ORDER BY s.id", (hostile["page_meeting"],))]
        everything = "\n".join(str(v) for row in conn.execute(
            "SELECT * FROM statements") for v in row)
    conn.close()
    assert meeting[0] == _local(LITERAL_TITLE, url)
    assert _local(LITERAL_SECTION, url) in sections
    for literal in LITERAL_STATEMENTS:
        assert any(_local(literal, url) in flat(text) for text in texts), literal
    for live in LIVE_ONLY:
        assert live not in everything and live not in meeting[1], live


# -- the detail pane -------------------------------------------------------------------------

def test_the_detail_pane_shows_markup_as_text_and_loads_nothing(
        qtbot: QtBot, window: MainWindow, hostile: dict[str, object], db: Path,
        opened: list[str]) -> None:
    url = str(hostile["image_url"])
    browser = window.detail.browser
    browser.resource_requests.clear()
    pages = []
    nodes = [("meeting", hostile["page_meeting"]), ("meeting", hostile["names_meeting"])]
    nodes += [("section", i) for i in _ids(db, "SELECT id FROM sections")]
    nodes += [("item", i) for i in _ids(db, "SELECT id FROM items")]
    for grouping in ("speaker", "document"):
        window.set_grouping(grouping)
        for kind, key in nodes:
            _show(qtbot, window, kind, key)  # type: ignore[arg-type]
            browser.viewport().grab()  # painted, as on screen
            pages.append((browser.toPlainText(), browser.toHtml(), browser.document()))
            assert not has_images(browser.document()), (kind, key)
            # nothing but our own anchors and links (a person's page) and an http(s) source
            # could be a link
            hrefs = re.findall(r'href="([^"]*)"', browser.toHtml())
            assert all(h.startswith(("http://", "https://", "#")) or OWN_LINK.fullmatch(h)
                       for h in hrefs), hrefs
            assert window.detail.title.textFormat() == Qt.TextFormat.PlainText
    text = "\n".join(flat(p[0]) for p in pages)
    for literal in [*LITERAL_STATEMENTS, LITERAL_TITLE, LITERAL_SECTION,
                    f'<img src="{LOCAL_IMAGE}">Evil Minister', "<i>Title</i>", "<u>Nowhere</u>",
                    f'<img src="{LOCAL_IMAGE}"><h1>Section</h1>', "<b>Plain</b> reply",
                    "Injected &lt;Meeting&gt;"]:
        assert _local(literal, url) in text, literal
    for live in LIVE_ONLY:
        assert live not in text, live
    assert browser.resource_requests == []
    assert opened == []  # no refresh, no handler, no link followed by showing a page
    assert window.detail.title.full_text()  # the title line shows the document's title...
    assert window.detail.title.text() != ""  # ...as text (PlainText checked above)


def test_markup_that_slipped_through_would_still_load_nothing(qtbot: QtBot,
                                                               window: MainWindow,
                                                               hostile: dict[str, object]) -> None:
    """Defence in depth: should a renderer ever forget to escape, the pane still fetches nothing."""
    url = str(hostile["image_url"])
    browser = window.detail.browser
    browser.resource_requests.clear()
    browser.setHtml(f'<link rel="stylesheet" href="{url}"><p style="background-image:url({url})">'
                    f'x<img src="{url}"><img src="http://example.invalid/a.png"></p>'
                    f'<table background="{url}"><tr><td>y</td></tr></table>')
    browser.viewport().grab()
    assert browser.resource_requests, "the pane's loadResource was bypassed"
    for u in (url, "http://example.invalid/a.png"):
        image = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(u))
        assert image is None or (image.width(), image.height()) == (1, 1), u  # a blank pixel
    assert browser.document().size().height() < 100  # no 200-pixel picture laid out


LINKS = [
    ("https://example.invalid/secure", True),
    ("http://example.invalid/plain", True),
    ("javascript:alert(1)", False),
    ("file:///etc/passwd", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("custom-scheme://open", False),
    ("mailto:someone@example.invalid", False),
    ("ftp://example.invalid/x", False),
    ("relative/page.html", False),
    ("//example.invalid/scheme-relative", False),
    ("http:no-host", False),
]


def test_only_a_click_on_an_http_link_opens_the_browser(qtbot: QtBot, window: MainWindow,
                                                        opened: list[str]) -> None:
    """Every kind of link, clicked with the mouse in the real pane: only http(s) goes out."""
    from html import escape

    browser = window.detail.browser
    rows = "".join(f'<p><a href="{escape(href)}">link{n}</a> and some text</p>'
                   for n, (href, _) in enumerate(LINKS))
    browser.setHtml(f'<p><a href="#bottom">to the bottom</a></p>{rows}'
                    + "<p>filler</p>" * 80 + '<p><a name="bottom">bottom</a></p>')
    qtbot.wait(10)
    for n in range(len(LINKS)):
        qtbot.mouseMove(browser.viewport(), _link_position(browser, f"link{n}"))
    assert opened == []  # hovering follows nothing
    for n in range(len(LINKS)):
        browser.verticalScrollBar().setValue(0)
        qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                         pos=_link_position(browser, f"link{n}"))
    assert opened == [href for href, goes_out in LINKS if goes_out]
    browser.verticalScrollBar().setValue(0)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=_link_position(browser, "to the bottom"))
    assert browser.verticalScrollBar().value() > 0  # an internal anchor scrolls
    assert len(opened) == 2
    assert browser.resource_requests == []


def _link_position(browser, text: str) -> QPoint:
    cursor = browser.document().find(text)
    assert not cursor.isNull(), text
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    rect = browser.cursorRect(cursor)
    return QPoint(rect.left() - 12, rect.center().y())  # inside the link's last letters


# -- tooltips --------------------------------------------------------------------------------

def test_tooltips_show_document_text_as_text(qtbot: QtBot, window: MainWindow, db: Path,
                                             hostile: dict[str, object]) -> None:
    url = str(hostile["image_url"])
    tips: list[tuple[str, str]] = []  # (where, tooltip)
    model = window.model
    for kind, sql in (("meeting", "SELECT id FROM meetings"), ("section", "SELECT id FROM sections"),
                      ("item", "SELECT id FROM items")):
        for key in _ids(db, sql):
            index = model.index_for(kind, key)
            if index.isValid():
                tips.append((f"tree {kind} {key}", index.data(Qt.ItemDataRole.ToolTipRole) or ""))
    _show(qtbot, window, "meeting", hostile["names_meeting"])  # type: ignore[arg-type]
    tips.append(("detail title", window.detail.title.toolTip()))

    people = window.sidebar.facet_view("people").model()
    for row in range(people.rowCount()):
        tips.append(("people facet", people.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) or ""))
    results = _search(qtbot, window, "abduction")
    assert results.rowCount() >= 2
    for row in range(results.rowCount()):
        tips.append(("search result", results.index(row).data(Qt.ItemDataRole.ToolTipRole)))

    evil = _ids(db, "SELECT id FROM people WHERE name LIKE '%Evil Minister'")[0]
    window.filter_state.toggle("people", evil)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    for widget in window.sidebar.chips.findChildren(QWidget):
        if widget.toolTip():
            tips.append((f"chip {type(widget).__name__}", widget.toolTip()))

    hostile_tips = [(where, tip) for where, tip in tips if url in tip or "<" in tip or "&" in tip]
    assert {where.split()[0] for where, _ in hostile_tips} >= {
        "tree", "detail", "people", "chip", "search"}, hostile_tips
    for where, tip in tips:
        shown, requests, images = as_qt_shows_a_tooltip(tip)
        assert requests == [] and not images, (where, tip)
        assert flat(shown) == flat(_plain_tip(tip)), (where, tip)
        if url in _plain_tip(tip):
            assert f'<img src="{url}">' in shown, (where, shown)  # the markup reads as text


def _plain_tip(tip: str) -> str:
    """The text a tooltip stands for (a rich tooltip is escaped text in a paragraph)."""
    if not Qt.mightBeRichText(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def test_a_real_tooltip_over_the_tree_shows_the_title_as_text(
        qtbot: QtBot, window: MainWindow, hostile: dict[str, object]) -> None:
    url = str(hostile["image_url"])
    index = window.model.index_for("meeting", hostile["names_meeting"])
    window.tree.scrollTo(index)
    viewport = window.tree.viewport()
    pos = window.tree.visualRect(index).center()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos)))
    tips = [w for w in QApplication.topLevelWidgets()
            if w.metaObject().className() == "QTipLabel" and w.isVisible()]
    assert len(tips) == 1
    shown, requests, images = as_qt_shows_a_tooltip(tips[0].text())
    assert f'<img src="{url}"> Injected &lt;Meeting&gt;' in shown
    assert requests == [] and not images
    assert "&lt;img" in tips[0].text()  # escaped: Qt's rich tooltip reads it as text
    QToolTip.hideText()


# -- search results --------------------------------------------------------------------------

def _search(qtbot: QtBot, window: MainWindow, text: str) -> SearchResultsModel:
    sidebar = window.sidebar
    with qtbot.waitSignal(sidebar.results_updated, timeout=TIMEOUT):
        qtbot.keyClicks(sidebar.search_box, text)
    qtbot.waitUntil(lambda: not window.tasks.is_busy(), timeout=TIMEOUT)
    return sidebar.results.model


def test_search_results_show_markup_as_text_and_load_nothing(
        qtbot: QtBot, window: MainWindow) -> None:
    results = _search(qtbot, window, "abduction")
    view = window.sidebar.results.list
    delegate = view.itemDelegate()
    texts = []
    for row in range(results.rowCount()):
        markup = str(results.index(row).data(SearchResultsModel.HTML_ROLE))
        doc = RecordingDocument()
        doc.setHtml(markup)
        doc.pageCount()
        assert doc.requests == [] and not has_images(doc), markup
        texts.append(doc.toPlainText())
    # the snippet may start inside the image's path ("…hostile0/local.png\">")
    assert any('local.png"> The abduction was raised.' in t for t in texts), texts
    view.viewport().grab()  # paints every row through the delegate
    assert delegate.resource_requests == []


def test_search_results_would_load_nothing_even_from_unescaped_markup(
        qtbot: QtBot, window: MainWindow, hostile: dict[str, object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: a row whose snippet escaped nothing still fetches nothing."""
    from archive_viewer.ui import search_results

    url = str(hostile["image_url"])
    results = _search(qtbot, window, "abduction")
    hits = results.hits()
    monkeypatch.setattr(search_results, "snippet_html", lambda snippet: snippet)
    results.set_hits([replace(hits[0], snippet=f'<img src="{url}"> unescaped')])
    window.sidebar.results.list.viewport().grab()
    delegate = window.sidebar.results.list.itemDelegate()
    assert {u.toString() for u in delegate.resource_requests} == {url}  # asked, and refused


# -- the PDF ---------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is missing")
def test_the_pdf_prints_markup_as_text_and_holds_no_image_link_or_script(
        qapp, db: Path, hostile: dict[str, object], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from archive_viewer.export import pdf

    url = str(hostile["image_url"])
    documents: list[QTextDocument] = []
    make = pdf.Pages.document

    def recorded(self, html: str) -> QTextDocument:
        doc = make(self, html)
        documents.append(doc)
        return doc

    monkeypatch.setattr(pdf.Pages, "document", recorded)
    conn = sqlite3.connect(db)
    try:
        for grouping in ("speaker", "document"):
            out = tmp_path / f"hostile-{grouping}.pdf"
            parts = [part for meeting in (hostile["page_meeting"], hostile["names_meeting"])
                     for part in load_node_parts(conn, "meeting", meeting)]  # type: ignore[arg-type]
            write_pdf(parts, out, grouping=grouping, exported_on=date(2024, 1, 1),
                      contents=("Hostile", "two meetings"))
            # lines of the PDF break anywhere ("</" and "script>"): compare without spaces
            text = squeeze(subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"],
                                          check=True, capture_output=True, text=True).stdout)
            for literal in [*LITERAL_STATEMENTS, LITERAL_SECTION, "<b>Plain</b> reply",
                            f'<img src="{LOCAL_IMAGE}">Evil Minister', "<u>Nowhere</u>"]:
                assert squeeze(_local(literal, url)) in text, literal
            for live in LIVE_ONLY:
                assert live not in text, live
            _assert_inert_pdf(out)
    finally:
        conn.close()
    assert documents and all(not has_images(doc) for doc in documents)
    assert all(doc.resource_requests == [] for doc in documents)  # type: ignore[attr-defined]

    # Should markup slip through, the export's documents still fetch nothing.
    writer = pdf.QPdfWriter(str(tmp_path / "probe.pdf"))
    writer.setResolution(pdf.DPI)
    pages = pdf.Pages(writer)
    doc = make(pages, f'<p style="background-image:url({url})">x<img src="{url}"></p>')
    assert {u.toString() for u in doc.resource_requests} == {url}  # type: ignore[attr-defined]
    block = doc.documentLayout().blockBoundingRect(doc.begin())
    assert block.height() < 100  # a blank pixel, not the 200-pixel picture


def _assert_inert_pdf(path: Path) -> None:
    """No image, no action but an http(s) link, no script, nothing run on opening."""
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        assert key not in root, key
    names = root.get("/Names")
    assert names is None or set(names.get_object()) <= {"/Dests"}  # anchors; no script, no file
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for name in xobjects:
            assert xobjects[name].get_object().get("/Subtype") != "/Image", name
        assert "/AA" not in page
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if action:
                assert action.get("/S") in ("/URI", "/GoTo"), action
                if action.get("/S") == "/URI":
                    assert str(action["/URI"]).startswith(("http://", "https://")), action
