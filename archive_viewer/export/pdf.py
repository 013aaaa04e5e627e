"""Laying the export out on pages and writing the PDF (Qt: QTextDocument and QPdfWriter).

Nothing here touches a widget, so an export may run on a worker thread; it needs a
QGuiApplication to exist (for fonts), which the window has and the CLI creates.

Each part is laid out by a QTextDocument in pages of the body's size; each page is then painted
through a clip rectangle, with a running header (the meeting's title) and a footer "page n of N"
painted around it. Headings are kept with what follows them by page breaks inserted before any
heading that would end a page. The PDF is produced in memory and written to a temporary file
beside the target, then moved into place, so a failure never leaves half a PDF behind.
"""
from __future__ import annotations

import contextlib
import errno
import io
import math
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLocale,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextTable,
    QTextTableCell,
)

from archive_viewer import __version__
from archive_viewer.export.content import ExportError, ExportPart
from archive_viewer.export.html import contents_html, part_html
from archive_viewer.export.inert import InertTextDocument
from archive_viewer.statement_html import GROUPINGS

PAPERS = ("a4", "letter")
#: Territories whose paper is US Letter (the rest of the world uses A4).
LETTER_TERRITORIES = frozenset({
    QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
    QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia,
    QLocale.Country.CostaRica, QLocale.Country.Guatemala, QLocale.Country.Venezuela,
    QLocale.Country.PuertoRico, QLocale.Country.ElSalvador, QLocale.Country.Panama,
    QLocale.Country.DominicanRepublic, QLocale.Country.Nicaragua,
})
#: Font families tried per glyph, in order: Latin with macrons first, then CJK (kanji, kana,
#: Hangul). Those not installed are skipped; Qt's own fallback covers anything left.
# Droid Sans Fallback before Noto Sans CJK for kanji and Hangul: Noto CJK maps a kanji and its
# look-alike Kangxi radical to one glyph, and Qt's text layer then gives the radical (⽇ for 日),
# so the PDF would not be searchable for the name as written.
FONT_FAMILIES = ("Noto Sans", "DejaVu Sans", "Liberation Sans", "Droid Sans Fallback",
                 "Noto Sans CJK JP", "Noto Sans CJK KR", "Source Han Sans", "WenQuanYi Zen Hei")
BODY_POINT_SIZE = 10
#: Layout units are CSS pixels (1/96 inch), so the detail pane's HTML keeps its proportions.
DPI = 96
MM = DPI / 25.4
SIDE_MARGIN = 20 * MM
TOP_MARGIN = 24 * MM  # the body starts here; the header sits above it
BOTTOM_MARGIN = 22 * MM
HEADER_BASELINE = 13 * MM
FOOTER_BASELINE = 11 * MM  # from the bottom edge
#: A heading needs this many lines of what follows it on its page, or it moves to the next.
LINES_KEPT_WITH_HEADING = 3


@dataclass(frozen=True)
class ExportResult:
    path: Path
    pages: int


def default_paper(locale: QLocale | None = None) -> str:
    """'letter' where US Letter is the norm (the US, Canada, Mexico, the Philippines...), else 'a4'."""
    locale = locale or QLocale()
    return "letter" if locale.territory() in LETTER_TERRITORIES else "a4"


def font_families() -> list[str]:
    installed = set(QFontDatabase.families())
    return [family for family in FONT_FAMILIES if family in installed] or ["Sans Serif"]


def write_pdf(parts: Sequence[ExportPart], path: Path | str, *, grouping: str = "speaker",
              paper: str | None = None, title: str | None = None, subject: str | None = None,
              contents: tuple[str, str] | None = None, archive_name: str = "",
              exported_on: date | None = None,
              progress: Callable[[int, int], None] | None = None) -> ExportResult:
    """Write ``parts`` to the PDF at ``path``; each part starts on a new page.

    ``contents`` = (title, description) adds a contents page listing every part. Raises
    ExportError (with a message for the user) when nothing can be written there; the target
    is then left as it was.
    """
    if not parts:
        raise ExportError("Nothing to export: no section matches.")
    if grouping not in GROUPINGS:
        raise ExportError(f"Unknown statement order {grouping!r}: use speaker, document or sides.")
    exported_on = exported_on or date.today()
    title = title or (parts[0].meeting.title if len(parts) == 1 else contents[0] if contents
                      else "Archive Viewer export")
    documents = [
        PdfDocument(part_html(part, grouping=grouping, exported_on=exported_on,
                              archive_name=archive_name), part.meeting.title)
        for part in parts]
    front = None
    if contents is not None:
        front = PdfDocument("", contents[0])

        def contents_page(numbers: list[int]) -> str:
            return contents_html(*contents, parts, numbers)
    else:
        contents_page = None  # type: ignore[assignment]
    return write_documents(documents, path, paper=paper, title=title,
                           subject=subject or _subject(parts), front=front,
                           front_html=contents_page, progress=progress)


@dataclass(frozen=True)
class PdfDocument:
    """One document of a PDF: its HTML (starting on a new page) and its running header."""

    html: str
    header: str


def write_documents(documents: Sequence[PdfDocument], path: Path | str, *,
                    paper: str | None = None, title: str, subject: str,
                    front: PdfDocument | None = None,
                    front_html: Callable[[list[int]], str] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ExportResult:
    """Lay ``documents`` out on pages (each starting a page) and write them to ``path``, all or
    nothing. ``front_html(first pages)`` makes a front page (the contents) from the page
    numbers the documents start on, headed by ``front.header``."""
    if not documents:
        raise ExportError("Nothing to export.")
    paper = paper or default_paper()
    if paper not in PAPERS:
        raise ExportError(f"Unknown paper size {paper!r}: use a4 or letter.")
    path = Path(path)
    check_target(path)

    buffer = QBuffer()
    writer = new_writer(buffer, paper=paper, title=title, subject=subject)
    pages = Pages(writer)

    # One QTextDocument per document: each starts on a new page anyway, and re-laying out a
    # small document after a page break is inserted stays cheap (linear in their number).
    bodies: list[QTextDocument] = []
    first_pages: list[int] = []  # the first page of each, counted from the first body page
    body_pages = 0
    for done, document in enumerate(documents):
        doc = pages.paginated(document.html)
        bodies.append(doc)
        first_pages.append(body_pages)
        body_pages += doc.pageCount()
        if progress is not None:
            progress(done + 1, len(documents) + 1)

    front_doc = None
    front_pages = 0
    if front is not None and front_html is not None:
        for _attempt in range(3):  # the front's length decides the numbers it shows
            numbers = [front_pages + page + 1 for page in first_pages]
            front_doc = pages.document(front_html(numbers))
            if front_doc.pageCount() == front_pages:
                break
            front_pages = front_doc.pageCount()
    total = front_pages + body_pages

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("The PDF could not be started (Qt refused to paint into it).")
    try:
        page_number = 0
        if front_doc is not None and front is not None:
            for page in range(front_pages):
                pages.paint(painter, front_doc, page, page_number, total, front.header)
                page_number += 1
        for document, doc in zip(documents, bodies, strict=True):
            for page in range(doc.pageCount()):
                pages.paint(painter, doc, page, page_number, total, document.header)
                page_number += 1
    finally:
        painter.end()
    save(buffer, path, title=title, subject=subject)
    if progress is not None:
        progress(len(documents) + 1, len(documents) + 1)
    return ExportResult(path, total)


def new_writer(buffer: QBuffer, *, paper: str, title: str, subject: str) -> QPdfWriter:
    """A PDF writer into ``buffer`` (opened here): the paper, no margins (the pages paint
    their own), CSS-pixel units, the title and the XMP metadata."""
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter if paper == "letter"
                                 else QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(title)
    writer.setCreator(f"Archive Viewer {__version__}")
    writer.setAuthor(f"Archive Viewer {__version__}")
    writer.setDocumentXmpMetadata(_xmp(title, subject))
    return writer


def save(buffer: QBuffer, path: Path, *, title: str, subject: str) -> None:
    """The PDF painted into ``buffer``, its document information filled in, written to
    ``path`` whole or not at all."""
    buffer.close()
    data = _with_info(bytes(buffer.data().data()), title=title, subject=subject,
                      creator=f"Archive Viewer {__version__}")
    _write_atomically(path, data)


class Pages:
    """The page geometry of one PDF, and painting one page of a laid-out document."""

    def __init__(self, writer: QPdfWriter) -> None:
        self.writer = writer
        self.width = writer.width()
        self.height = writer.height()
        self.body_width = self.width - 2 * SIDE_MARGIN
        self.body_height = self.height - TOP_MARGIN - BOTTOM_MARGIN
        self.font = QFont()
        self.font.setFamilies(font_families())
        self.font.setPointSizeF(BODY_POINT_SIZE)
        # No ligatures: "ﬀ" in "Affairs" would make the text unsearchable as typed.
        for tag in ("liga", "clig"):
            self.font.setFeature(QFont.Tag(tag), 0)
        self.line_height = QFontMetricsF(self.font, writer).height()
        self.small_font = QFont(self.font)
        self.small_font.setPointSizeF(8)

    @property
    def body_left(self) -> float:
        return SIDE_MARGIN

    @property
    def body_top(self) -> float:
        return TOP_MARGIN

    def document(self, html: str) -> QTextDocument:
        doc = InertTextDocument()  # a plain QTextDocument would read a local <img> from disk
        doc.documentLayout().setPaintDevice(self.writer)
        doc.setDefaultFont(self.font)
        doc.setDocumentMargin(0)
        doc.setPageSize(QSizeF(self.body_width, self.body_height))
        doc.setHtml(html)
        doc.pageCount()  # lays out the whole document now (Qt's layout is otherwise lazy)
        return doc

    def paginated(self, html: str) -> QTextDocument:
        """A document of running text laid out in pages: short table rows (side by side) and
        short paragraphs kept whole, headings kept with what follows them."""
        doc = self.document(html)
        _keep_short_rows_whole(doc, self.body_height)
        _keep_short_paragraphs_whole(doc, self.body_height)
        _keep_headings_with_text(doc, self.body_height)
        return doc

    def paint(self, painter: QPainter, doc: QTextDocument, page: int, number: int, total: int,
              header: str) -> None:
        if number:
            self.writer.newPage()
        painter.save()
        painter.translate(SIDE_MARGIN, TOP_MARGIN - page * self.body_height)
        clip = QRectF(0, page * self.body_height, self.body_width, self.body_height)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        # QTextLayout draws every line that touches the clip, so a paragraph running over a page
        # break would also draw the line ending exactly at this page's top (hidden by the
        # painter's clip, yet in the PDF's text layer). Lines are paginated whole, so a clip
        # half a line inside still meets every line of this page and none of its neighbours'.
        # Statements are paragraphs on paper (no table cells, which repeat lines the same way),
        # and short ones never straddle a break (_keep_short_paragraphs_whole).
        inset = self.line_height / 2
        context.clip = clip.adjusted(0, inset, 0, -inset)
        context.palette.setColor(QPalette.ColorRole.Text, QColor("#1b1b1b"))
        doc.documentLayout().draw(painter, context)
        painter.restore()
        self.paint_frame(painter, number, total, header)

    def paint_frame(self, painter: QPainter, number: int, total: int, header: str) -> None:
        """The running header (``header`` and a rule) and the footer "page n of N"."""
        muted = QColor("#5f6368")
        painter.save()
        painter.setFont(self.small_font)
        painter.setPen(muted)
        metrics = QFontMetricsF(self.small_font, self.writer)
        text = metrics.elidedText(header, Qt.TextElideMode.ElideRight, self.body_width)
        painter.drawText(QRectF(SIDE_MARGIN, HEADER_BASELINE - metrics.ascent(), self.body_width,
                                metrics.height()), Qt.AlignmentFlag.AlignLeft, text)
        rule_y = HEADER_BASELINE + metrics.descent() + 2
        painter.setPen(QColor("#d0d4d9"))
        painter.drawLine(round(SIDE_MARGIN), round(rule_y), round(self.width - SIDE_MARGIN),
                         round(rule_y))
        painter.setPen(muted)
        footer_top = self.height - FOOTER_BASELINE - metrics.ascent()
        painter.drawText(QRectF(SIDE_MARGIN, footer_top, self.body_width, metrics.height()),
                         Qt.AlignmentFlag.AlignHCenter, f"page {number + 1} of {total}")
        painter.restore()


def _blocks(doc: QTextDocument):
    block = doc.begin()
    while block.isValid():
        yield block
        block = block.next()


def _set_page_break(block) -> None:
    fmt = block.blockFormat()
    fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    QTextCursor(block).setBlockFormat(fmt)
    # The layout is lazy: without this, blocks after the change keep stale (empty) geometry
    # and are neither measured nor painted.
    block.document().pageCount()


def _tables(doc: QTextDocument) -> list[QTextTable]:
    found: list[QTextTable] = []

    def walk(frame: QTextFrame) -> None:
        for child in frame.childFrames():
            if isinstance(child, QTextTable):
                found.append(child)
            walk(child)

    walk(doc.rootFrame())
    return found


def _row_cells(table: QTextTable, row: int) -> list[QTextTableCell]:
    """The cells that start in ``row``, a cell spanning several columns once."""
    cells = [table.cellAt(row, column) for column in range(table.columns())]
    return [cell for n, cell in enumerate(cells) if cell.row() == row and cell.column() == n]


def _keep_short_rows_whole(doc: QTextDocument, page_height: float) -> None:
    """A row of a side-by-side table (a table with a header) shorter than a third of a page
    that would run over a page break starts the next page instead, below the header Qt
    repeats there.

    Such a row holds what each side said on one point; split, its columns would go on at
    different heights on the next page, and an item's label could end a page without its
    statements. Qt splits a row line by line and moves it whole only when none of its cells'
    first lines fits; a page break inside a cell would move it twice (once by the break, once
    more when Qt then moves the row). So the row above grows by the space left on the page,
    which pushes this one past the page's foot; Qt then starts it on the next page. The first
    row goes with the whole table instead (and the heading above it).
    """
    layout = doc.documentLayout()
    for table in _tables(doc):
        header_rows = table.format().headerRowCount()
        if header_rows == 0:
            continue  # a table of facts, not of sides
        for row in range(header_rows, table.rows()):
            if _row_height(table, row) >= page_height / 3:
                continue  # a long row may split, as a long paragraph does
            for _attempt in range(2):  # once more if the padding fell a little short
                top, bottom = _row_extent(layout, table, row)
                first_page = math.floor(top / page_height)
                page_end = (first_page + 1) * page_height
                if not (bottom > page_end and top - first_page * page_height > 1):
                    break
                if row == header_rows:
                    _break_before_table(doc, table)
                    break
                _grow_row(table, row - 1, page_end - top + 2)
                doc.pageCount()  # lays the rest out again


def _row_extent(layout: QAbstractTextDocumentLayout, table: QTextTable,
                row: int) -> tuple[float, float]:
    """The top of the row's first lines and the bottom of its last, in document coordinates."""
    cells = _row_cells(table, row)
    top = min(layout.blockBoundingRect(cell.firstCursorPosition().block()).top() for cell in cells)
    bottom = max(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom()
                 for cell in cells)
    return top, bottom


def _row_height(table: QTextTable, row: int) -> float:
    """The height of the row's text laid out in one piece: a row already split by a page break
    measures taller on the page than it is."""
    tallest = 0.0
    for cell in _row_cells(table, row):
        height = 0.0
        block = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().block()
        while block.isValid():
            fmt = block.blockFormat()
            layout = block.layout()
            height += fmt.topMargin() + fmt.bottomMargin() + sum(
                layout.lineAt(n).height() for n in range(layout.lineCount()))
            if block == last:
                break
            block = block.next()
        tallest = max(tallest, height)
    return tallest


def _grow_row(table: QTextTable, row: int, extra: float) -> None:
    for cell in _row_cells(table, row):
        fmt = cell.format().toTableCellFormat()
        fmt.setBottomPadding(fmt.bottomPadding() + extra)
        cell.setFormat(fmt)


def _break_before_table(doc: QTextDocument, table: QTextTable) -> None:
    """Start the table on a new page, with the headings right above it."""
    block = doc.findBlock(table.firstPosition() - 1)
    target = None
    while block.isValid() and (block.blockFormat().headingLevel() or not block.text().strip()):
        if block.blockFormat().headingLevel():
            target = block
        block = block.previous()
    if target is not None:
        _set_page_break(target)
    else:
        fmt = table.format()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        table.setFormat(fmt)
        doc.pageCount()


def _keep_short_paragraphs_whole(doc: QTextDocument, page_height: float) -> None:
    """A paragraph shorter than a third of a page that would run over a page break starts the
    next page instead.

    Easier to read, and it keeps the PDF's text layer clean: Qt draws a block that runs over a
    page break whole on both pages, clipped, so its hidden lines would be found twice by search.
    """
    layout = doc.documentLayout()
    for block in _blocks(doc):
        rect = layout.blockBoundingRect(block)
        if rect.height() >= page_height / 3 or rect.height() <= 0 or _first_in_cell(block):
            continue
        first_page = math.floor(rect.top() / page_height)
        last_page = math.floor((rect.bottom() - 1) / page_height)
        if last_page > first_page and rect.top() - first_page * page_height > 1:
            # The headings just above go along, so that none ends a page.
            target = block
            while target.previous().isValid() and target.previous().blockFormat().headingLevel():
                target = target.previous()
            _set_page_break(target)  # lays the rest out again


def _first_in_cell(block: QTextBlock) -> bool:
    """Whether ``block`` starts a table cell. A page break there would make Qt move the row
    to the next page and then apply the break once more (see _keep_short_rows_whole)."""
    table = QTextCursor(block).currentTable()
    if table is None:
        return False
    return table.cellAt(block.position()).firstCursorPosition().block() == block


def _keep_headings_with_text(doc: QTextDocument, page_height: float) -> None:
    """Move to the next page every heading (or run of headings) that would end a page."""
    layout = doc.documentLayout()
    line = QFontMetricsF(doc.defaultFont(), layout.paintDevice()).lineSpacing()
    blocks = list(_blocks(doc))
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.blockFormat().headingLevel() == 0:
            index += 1
            continue
        # The run of headings starting here and the text right after it.
        end = index
        while end + 1 < len(blocks) and blocks[end + 1].blockFormat().headingLevel():
            end += 1
        top = layout.blockBoundingRect(block).top()
        page_top = math.floor(top / page_height) * page_height
        following = blocks[end + 1] if end + 1 < len(blocks) else blocks[end]
        follow_rect = layout.blockBoundingRect(following)
        needed_bottom = follow_rect.top() + min(follow_rect.height(), LINES_KEPT_WITH_HEADING * line)
        if top - page_top > line and needed_bottom > page_top + page_height:
            _set_page_break(block)
        index = end + 1


def _subject(parts: Sequence[ExportPart]) -> str:
    if len(parts) == 1:
        part = parts[0]
        held = part.meeting.held_on or "undated"
        if part.section is not None:
            return f"{part.heading} — {part.meeting.title}, {held}"
        return f"Record of the meeting held {held}"
    return f"{len(parts)} sections of meeting records"


def _with_info(data: bytes, *, title: str, subject: str, creator: str) -> bytes:
    """The PDF with its document information filled in: QPdfWriter cannot set the Subject."""
    import pypdf  # at the first export, not at start-up (it takes a fifth of a second)

    source = pypdf.PdfReader(io.BytesIO(data))
    out = pypdf.PdfWriter(clone_from=source)
    out.add_metadata({"/Title": title, "/Subject": subject, "/Author": creator, "/Creator": creator,
                      "/Producer": creator})
    stream = io.BytesIO()
    out.write(stream)
    return stream.getvalue()


def _xmp(title: str, subject: str) -> QByteArray:
    creator = xml_escape(f"Archive Viewer {__version__}")
    return QByteArray(f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
      xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{xml_escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{xml_escape(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <pdf:Producer>{creator}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode())


# -- writing the file --------------------------------------------------------------------------

def check_target(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name for the PDF.")
    if not folder.is_dir():
        raise ExportError(f"{path} could not be saved: the folder {folder} does not exist; "
                          "choose another place for the PDF.")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"{path} could not be saved: the folder {folder} is not writable; "
                          "choose another place for the PDF.")


def _write_atomically(path: Path, data: bytes) -> None:
    """``data`` to a temporary file beside ``path``, then renamed over it: all or nothing.

    Whatever stops the write (a full disk, an error, Ctrl+C) removes the temporary file, and a
    file already at ``path`` stays as it was until the rename replaces it whole.
    """
    folder = path.parent if str(path.parent) else Path(".")
    existed = path.exists()
    try:
        # Replacing a file keeps who may read it (a private 0600 file stays private).
        mode = stat.S_IMODE(path.stat().st_mode) if existed else None
        handle, temp_name = _create_temporary(folder, path.name)
    except OSError as exc:
        raise ExportError(_not_written(path, exc, existed)) from exc
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException as exc:  # a bug or Ctrl+C too: never leave half a PDF behind
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise ExportError(_not_written(path, exc, existed)) from exc
        raise


def _create_temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new, empty ".<name>.<random>.part" in ``folder``: open descriptor and path.

    Created with mode 0666 less the user's umask, as the PDF itself should be (mkstemp's 0600
    would hide a new PDF from the other readers the user allows).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        temp_name = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(temp_name, flags, 0o666), temp_name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(folder))


def _not_written(path: Path, exc: OSError, existed: bool) -> str:
    full = exc.errno == errno.ENOSPC
    reason = "the disk is full" if full else (exc.strerror or str(exc)).rstrip(".")
    kept = "; the file already there is unchanged" if existed else ""
    advice = "Free some space or choose another place." if full else "Choose another place."
    return f"The PDF could not be written to {path}: {reason}. Nothing was saved{kept}. {advice}"
