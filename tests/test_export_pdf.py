"""PDF export: what the PDF says (pdftotext), its pages and metadata (pdfinfo), and writing it
safely. The PDFs are read back the way a reader's viewer would: as text, page by page."""
from __future__ import annotations

import errno
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from archive_viewer import __version__
from archive_viewer.export import ExportError, load_filter_parts, load_node_parts, pdf
from archive_viewer.export.pdf import default_paper, write_pdf
from archive_viewer.ingest.model import JOINT, Item, Meeting, Person, Section, Statement
from archive_viewer.store import Archive, DocumentRecord, queries, write_meeting
from archive_viewer.store.connection import connect
from archive_viewer.store.filters import Filter
from archive_viewer.statement_html import group_by_speaker, speaker_label

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT / "resources" / "samples"
REFERENCE = "000_19a025d9c24d22f3.txt"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is missing (scripts/run-tests installs it)")


# -- reading a PDF back --------------------------------------------------------------------------

def pdf_pages(path: Path) -> list[str]:
    """The text of each page, whitespace collapsed (lines of a paragraph joined).

    NFKC, as PDF viewers' search does: Noto CJK maps some ideographs' glyphs to the Kangxi
    radicals too (日 U+65E5 and ⽇ U+2F47 share a glyph), and Qt's ToUnicode map names the
    lower code point, so "日" comes out of the PDF as "⽇".
    """
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [" ".join(unicodedata.normalize("NFKC", page).split())
            for page in out.split("\f")[:-1]]


def pdf_body(path: Path) -> str:
    """The text of all pages without running headers and footers, so that a statement running
    over a page break reads as one: the words inside the body's frame (pdf.TOP_MARGIN and
    pdf.BOTTOM_MARGIN from the edges).

    For a paragraph split by a page break, Qt also draws the line before the break at the top
    of the next page, above the body and clipped (invisible); the frame leaves it out.
    """
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    top = pdf.TOP_MARGIN * 72 / pdf.DPI - 0.5
    words = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.DOTALL):
        bottom = float(page.group(2)) - pdf.BOTTOM_MARGIN * 72 / pdf.DPI + 0.5
        for y_min, y_max, word in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
                page.group(3)):
            if float(y_min) >= top and float(y_max) <= bottom:
                words.append(html.unescape(word))
    return unicodedata.normalize("NFKC", " ".join(words))


def pdf_info(path: Path, *, meta: bool = False) -> str:
    args = ["pdfinfo", *(["-meta"] if meta else []), str(path)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def info_field(info: str, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.*)$", info, re.MULTILINE)
    assert match, f"pdfinfo shows no {name}"
    return match.group(1).strip()


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_in_order(text: str, needles: list[str]) -> None:
    at = 0
    for needle in needles:
        found = text.find(flat(needle), at)
        assert found >= 0, f"{needle[:60]!r} is missing after position {at}"
        at = found + len(flat(needle))


# -- archives ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_db(samples_archive: Path) -> Path:
    return samples_archive


def reference_section(db: Path, ordinal: int = 1) -> int:
    conn = connect(db, readonly=True)
    try:
        row = conn.execute("""
            SELECT sections.id FROM sections
            JOIN meetings ON meetings.id = sections.meeting_id
            JOIN documents ON documents.id = meetings.document_id
            WHERE documents.file_name = ? AND sections.ordinal = ?""", (REFERENCE, ordinal)).fetchone()
    finally:
        conn.close()
    return int(row[0])


KIM_KO = "김성환"
GEMBA_JA = "玄葉光一郎"


def long_meeting(statements: int = 60) -> Meeting:
    """One section of many long statements, with names in Hangul, kanji and macrons."""
    gemba = Person(f"Kōichirō Gemba ({GEMBA_JA})", "Minister for Foreign Affairs", "Japan",
                   "principal")
    kim = Person(f"Kim Sung-hwan ({KIM_KO})", "Minister of Foreign Affairs and Trade",
                 "Republic of Korea", "principal")
    said = []
    for n in range(statements):
        speaker = (gemba, kim, None)[n % 3]
        text = (f"Statement {n + 1}: the minister spoke at length about regional cooperation, "
                "the six-party talks, trade, tourism and the exchange of students between "
                "the two countries, and said that both sides should keep talking in good faith "
                "so that the next meeting could build on what had been agreed today. "
                f"日本と韓国 {n + 1} 한일 관계. ")
        said.append(Statement(text * 2, speaker.name if speaker else JOINT))
    return Meeting(
        title="Japan-ROK Foreign Ministers' Meeting on Everything (日韓外相会談)",
        kind="foreign_ministers_meeting", published_on=date(2012, 5, 2), held_on=date(2012, 5, 1),
        location="Tōkyō, Japan", occasion=None, countries=["Japan", "Republic of Korea"],
        principals=[gemba, kim], attendees=[], summary="A long meeting.",
        sections=[Section("1", "Everything (全般)", [Item("(1)", None, "…", said)])],
    )


@pytest.fixture(scope="module")
def long_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export-long") / "long.sqlite"
    with Archive.open(path, create=True) as archive, archive.transaction() as conn:
        write_meeting(conn, long_meeting(), DocumentRecord(
            "https://example.org/long.html", "long.html", hashlib.sha256(b"long").hexdigest(),
            "html", 0, "", "2024-01-01T00:00:00"))
    return path


def export(db: Path, kind: str, node: int, out: Path, **options) -> tuple[int, list]:
    conn = connect(db, readonly=True)
    try:
        parts = load_node_parts(conn, kind, node)
    finally:
        conn.close()
    result = write_pdf(parts, out, archive_name=db.name, **options)
    return result.pages, parts


# -- the reference section -----------------------------------------------------------------------

def test_section_pdf_holds_the_meeting_heading_and_statements_in_document_order(
        qapp, sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "section.pdf"
    _, parts = export(sample_db, "section", reference_section(sample_db), out,
                      grouping="document", paper="a4")
    part = parts[0]
    text = pdf_body(out)
    assert len(part.statements) == 7
    assert_in_order(text, [
        "Japan-ROK Foreign Ministers' Meeting (Overview)",
        "held 7 April 2012", "published 25 April 2012", "Ningbo, China",
        "Koichiro Gemba — Minister for Foreign Affairs, Japan",
        "Kim Sung-hwan — Minister of Foreign Affairs and Trade, Republic of Korea",
        "Shinsuke Sugiyama", "Cho Sei-young",
        REFERENCE,
        "1. North Korean Issues",
        *[s.text for s in part.statements],
        "Cite as", ("Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, "
                    f"section 1 North Korean Issues, {REFERENCE}"),
        "Exported",
    ])
    # every statement with its speaker before it, in document order
    assert_in_order(text, [f"{speaker_label(s)}: {s.text}" for s in part.statements])
    # the section's issues
    for issue in ("North Korea", "Missile launch", "Abduction issue"):
        assert issue in text


def test_section_pdf_by_speaker_follows_the_detail_panes_groups(
        qapp, sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "by-speaker.pdf"
    _, parts = export(sample_db, "section", reference_section(sample_db), out, grouping="speaker")
    part = parts[0]
    principals = [p.person_id for p in part.meeting.participants if p.role == "principal"]
    groups = group_by_speaker(part.statements, principals)
    assert [speaker_label(g.statements[0]) for g in groups] == [
        "Kim Sung-hwan", "Koichiro Gemba", "Joint"]
    text = pdf_body(out)
    expected = []
    for group in groups:
        expected.append(speaker_label(group.statements[0]))
        expected += [s.text for s in group.statements]
    assert_in_order(text, ["1. North Korean Issues", *expected])


def test_pdf_pages_and_metadata(qapp, sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "letter.pdf"
    pages, _ = export(sample_db, "section", reference_section(sample_db), out, paper="letter")
    info = pdf_info(out)
    assert info_field(info, "Pages") == str(pages)
    assert pages == 2  # the header and five statements fill the first page
    assert info_field(info, "Title") == "Japan-ROK Foreign Ministers' Meeting (Overview)"
    assert info_field(info, "Creator") == f"Archive Viewer {__version__}"
    assert info_field(info, "Author") == f"Archive Viewer {__version__}"
    assert "1. North Korean Issues" in info_field(info, "Subject")
    assert info_field(info, "Page size").endswith("(letter)")
    meta = pdf_info(out, meta=True)
    assert "<dc:description>" in meta and "1. North Korean Issues" in meta
    texts = pdf_pages(out)
    assert len(texts) == pages
    for number, page in enumerate(texts, start=1):
        assert page.startswith("Japan-ROK Foreign Ministers' Meeting (Overview)")  # header
        assert f"page {number} of {pages}" in page

    a4 = tmp_path / "a4.pdf"
    export(sample_db, "section", reference_section(sample_db), a4, paper="a4")
    assert info_field(pdf_info(a4), "Page size").endswith("(A4)")


def test_whole_meeting_holds_every_section(qapp, sample_db: Path, tmp_path: Path) -> None:
    conn = connect(sample_db, readonly=True)
    meeting_id = queries.section_of(conn, reference_section(sample_db)).meeting_id
    conn.close()
    out = tmp_path / "meeting.pdf"
    export(sample_db, "meeting", meeting_id, out)
    text = pdf_body(out)
    # the lead (only a whole meeting shows it), then every section
    assert_in_order(text, ["Both sides spent a great deal of time", "1. North Korean Issues",
                           "2. Japan-ROK Relations", "Cite as"])


def test_default_paper_follows_the_locale() -> None:
    from PySide6.QtCore import QLocale

    assert default_paper(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "letter"
    assert default_paper(QLocale(QLocale.Language.French, QLocale.Country.Canada)) == "letter"
    assert default_paper(QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "a4"
    assert default_paper(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan)) == "a4"


# -- long sections and other scripts -------------------------------------------------------------

def test_a_long_section_spans_pages_numbered_n_of_total(qapp, long_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "long.pdf"
    pages, parts = export(long_db, "section", 1, out, grouping="document")
    assert pages >= 4
    texts = pdf_pages(out)
    assert len(texts) == pages == int(info_field(pdf_info(out), "Pages"))
    for number, page in enumerate(texts, start=1):
        assert page.startswith("Japan-ROK Foreign Ministers' Meeting on Everything (日韓外相会談)")
        assert page.endswith(f"page {number} of {pages}")
    text = pdf_body(out)
    assert_in_order(text, [s.text for s in parts[0].statements])  # nothing lost between pages
    # pdftotext may put spaces between ideographs and brackets: compare without spaces.
    packed = "".join(text.split())
    for needle in (KIM_KO, GEMBA_JA, "Kōichirō Gemba", "Tōkyō", "1. Everything (全般)",
                   "日本と韓国 60 한일 관계", "https://example.org/long.html"):
        assert "".join(needle.split()) in packed


def test_the_text_layer_holds_each_line_once(qapp, long_db: Path, tmp_path: Path) -> None:
    """No paragraph runs over a page break half hidden: search finds every phrase once."""
    out = tmp_path / "long.pdf"
    pages, _ = export(long_db, "section", 1, out, grouping="document")
    full = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    header = "Japan-ROK Foreign Ministers' Meeting on Everything (日韓外相会談)"

    def chars(text: str) -> int:  # characters without spaces (pdftotext spaces CJK freely)
        return len("".join(unicodedata.normalize("NFKC", text).split()))

    furniture = sum(chars(header) + chars(f"page {n} of {pages}") for n in range(1, pages + 1))
    assert chars(full) == chars(pdf_body(out)) + furniture


def test_kanji_and_hangul_are_searchable_as_written(qapp, long_db: Path, tmp_path: Path) -> None:
    """Not as look-alike Kangxi radicals (⽇ for 日), which a viewer's search would miss."""
    out = tmp_path / "long.pdf"
    export(long_db, "section", 1, out, grouping="document")
    raw = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert GEMBA_JA in raw and KIM_KO in raw and "日本と韓国" in raw


def test_a_heading_is_never_the_last_line_of_a_page(qapp, long_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "long-by-speaker.pdf"
    export(long_db, "section", 1, out, grouping="speaker")
    raw = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                         capture_output=True, text=True).stdout
    for page in raw.split("\f")[:-1]:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = lines[1:-1]  # without the running header and the footer
        assert body, "an empty page"
        assert "statements" not in body[-1], f"a speaker heading ends a page: {body[-1]!r}"


# -- side by side -------------------------------------------------------------------------------

def word_boxes(path: Path) -> list[tuple[int, float, str]]:
    """(page, left edge, word) of every word of the PDF, in pdftotext's reading order."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    words = []
    for number, page in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", out, re.DOTALL)):
        for x_min, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" '
                                      r'yMax="[\d.]+">(.*?)</word>', page):
            words.append((number, float(x_min), html.unescape(word)))
    return words


def left_edges(words: list[tuple[int, float, str]], phrase: str) -> list[float]:
    """Where each word of the first occurrence of ``phrase`` starts (points from the left)."""
    wanted = phrase.split()
    texts = [w for _, _, w in words]
    for at in range(len(texts)):
        if texts[at:at + len(wanted)] == wanted:
            return [x for _, x, _ in words[at:at + len(wanted)]]
    raise AssertionError(f"{phrase!r} is not in the PDF")


def left_edge(words: list[tuple[int, float, str]], phrase: str) -> float:
    return left_edges(words, phrase)[0]


def test_side_by_side_pdf_from_the_cli_puts_each_side_in_its_column(
        sample_db: Path, tmp_path: Path) -> None:
    import pypdf

    done = run_cli("export-pdf", "--db", str(sample_db), "--section",
                   str(reference_section(sample_db)), "-o", "sides.pdf", "--order", "sides",
                   "--paper", "a4", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "sides.pdf"
    reader = pypdf.PdfReader(out)

    def packed(text: str) -> str:  # pypdf spaces kerned letters apart ("M inister")
        return "".join(text.split())

    assert_in_order(packed(reader.pages[0].extract_text()), [
        packed(s) for s in ("1. North Korean Issues", "Japan", "Koichiro Gemba",
                            "Republic of Korea", "Kim Sung-hwan", "Minister Kim expressed")])
    assert_in_order(pdf_body(out), ["Minister Kim expressed hope", "Minister Gemba congratulated",
                                    "Joint: The two ministers shared the view",
                                    "Joint: The two ministers shared the recognition",
                                    "Minister Gemba said that if", "Minister Gemba expressed gratitude",
                                    "Joint: The two sides agreed", "Cite as"])
    for page in reader.pages[1:]:  # the column headings again on every page the table runs to
        assert_in_order(packed(page.extract_text()), ["Japan", "KoichiroGemba", "RepublicofKorea"])

    words = word_boxes(out)
    middle = float(reader.pages[0].mediabox.width) / 2
    japan, korea, *_ = left_edges(words, "Japan Republic of Korea")  # the column headings
    assert japan < middle < korea
    assert left_edge(words, "Minister Kim expressed hope") == pytest.approx(korea, abs=1)
    for phrase in ("Minister Gemba congratulated", "Minister Gemba said that if",
                   "Joint: The two ministers shared the view"):
        assert left_edge(words, phrase) == pytest.approx(japan, abs=1)
    # a joint statement runs across both columns
    joint = words.index(next(w for w in words if w[2] == "announcement"))
    assert max(x for _, x, _ in words[joint - 12:joint + 12]) > korea


def test_side_by_side_rows_stay_whole_on_a_page(qapp, long_db: Path, tmp_path: Path) -> None:
    """A row of the two sides' statements is never split by a page break (each is shorter
    than a third of a page), the headers repeat, and the text layer holds every line once."""
    out = tmp_path / "long-sides.pdf"
    pages, _ = export(long_db, "section", 1, out, grouping="sides", paper="a4")
    texts = pdf_pages(out)
    assert pages == len(texts) > 3
    for n in range(1, 61):  # each statement is its text twice, both halves on one page
        found = [page.count(f"Statement {n}: ") for page in texts]
        assert sorted(found)[-1] == 2, (n, found)
        if n % 3 == 1:  # Gemba's and Kim's side by side: on the same page
            assert found.index(2) == [page.count(f"Statement {n + 1}: ") for page in texts].index(2)
    for text in texts[1:]:
        body = text.split(")", 1)[1]  # after the running header, which ends in "(日韓外相会談)"
        assert body.lstrip().startswith("Japan Republic of Korea Kōichirō Gemba")
    full = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    header = "Japan-ROK Foreign Ministers' Meeting on Everything (日韓外相会談)"

    def chars(text: str) -> int:  # without hyphens: pdftotext joins "six-" + "party" at a line's end
        return len("".join(unicodedata.normalize("NFKC", text).replace("-", "").split()))

    furniture = sum(chars(header) + chars(f"page {n} of {pages}") for n in range(1, pages + 1))
    assert chars(full) == chars(pdf_body(out)) + furniture


# -- the filter export ---------------------------------------------------------------------------

def test_filter_export_has_a_contents_page_with_the_right_pages(
        qapp, sample_db: Path, tmp_path: Path) -> None:
    from archive_viewer.export.run import export_filter

    out = tmp_path / "north-korea.pdf"
    result = export_filter(sample_db, out, issue="North Korea", grouping="document")
    conn = connect(sample_db, readonly=True)
    try:
        nk = conn.execute("SELECT id FROM issues WHERE name = 'North Korea'").fetchone()[0]
        parts = load_filter_parts(conn, Filter(issues=frozenset({nk})))
    finally:
        conn.close()
    assert len(parts) >= 3
    texts = pdf_pages(out)
    assert len(texts) == result.pages
    contents = texts[0]
    assert contents.startswith("Sections of meeting records Sections of meeting records")
    assert f"{len(parts)} sections" in contents
    for part in parts:
        entry = re.search(re.escape(flat(part.heading)) + r" (\d+)", contents[contents.find(
            flat(part.meeting.title)):])
        assert entry, f"{part.heading!r} of {part.meeting.title!r} is not in the contents"
        page = texts[int(entry.group(1)) - 1]
        assert page.startswith(flat(part.meeting.title))  # the running header
        assert flat(part.heading) in page


# -- writing the file safely ---------------------------------------------------------------------

def test_a_missing_folder_is_a_clear_error_and_writes_nothing(
        qapp, sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "no such folder" / "x.pdf"
    with pytest.raises(ExportError, match="does not exist; choose another place"):
        export(sample_db, "section", reference_section(sample_db), out)
    assert not out.parent.exists()
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(ExportError, match="does not exist"):
        export(sample_db, "section", reference_section(sample_db), not_a_folder / "x.pdf")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_clear_error(qapp, sample_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(ExportError, match="is not writable"):
        export(sample_db, "section", reference_section(sample_db), folder / "x.pdf")
    assert list(folder.iterdir()) == []


def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(
        qapp, sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "section.pdf"
    out.write_bytes(b"the earlier export")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("archive_viewer.export.pdf.os.fsync", disk_full)
    with pytest.raises(ExportError, match="the disk is full. Nothing was saved"):
        export(sample_db, "section", reference_section(sample_db), out)
    assert out.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["section.pdf"]


# -- the command line ----------------------------------------------------------------------------

def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                            "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "archive_viewer", *args], check=False,
                          cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)


def test_cli_exports_a_section_without_a_display(sample_db: Path, tmp_path: Path) -> None:
    section = reference_section(sample_db)
    done = run_cli("export-pdf", "--db", str(sample_db), "--section", str(section), "-o",
                   "out.pdf", "--order", "document", "--paper", "letter", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Wrote out.pdf (2 pages)\n"
    assert info_field(pdf_info(tmp_path / "out.pdf"), "Page size").endswith("(letter)")
    assert "1. North Korean Issues" in " ".join(pdf_pages(tmp_path / "out.pdf"))


def test_cli_export_errors_are_one_line(sample_db: Path, tmp_path: Path) -> None:
    done = run_cli("export-pdf", "--db", str(sample_db), "--section", "99999", "-o", "x.pdf",
                   tmp_path=tmp_path)
    assert (done.returncode, done.stderr) == (
        2, "archive-viewer: There is no section 99999 in this archive.\n")
    done = run_cli("export-pdf", "--db", str(sample_db), "--issue", "Atlantis", "-o", "x.pdf",
                   tmp_path=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("archive-viewer: No issue called 'Atlantis'")
    done = run_cli("export-pdf", "--db", str(sample_db), "--meeting", "1", "-o",
                   str(tmp_path / "missing" / "x.pdf"), tmp_path=tmp_path)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()
