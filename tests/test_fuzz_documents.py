"""Documents made to break the parser and the importer.

Each target turns the real sample documents (or nothing at all) into bad input: truncated,
shuffled, random bytes, megabyte lines, markup nested thousands deep or left open, NUL and
control bytes, every numbering style at once, odd encodings and byte-order marks. Whatever
comes in:

* the parser returns a meeting or raises NotAMeetingDocument, nothing else, and within a time
  bound that grows linearly with the size (a hang ends the run: fixtures/fuzz.py);
* the importer reports a result for the file; a document it refuses leaves the archive's
  content exactly as it was; one it takes is written in one transaction, and cutting that
  transaction short anywhere leaves nothing behind either.

Counts and sizes: fixtures/fuzz.py (ARCHIVE_VIEWER_FUZZ=N for a long run).
"""
from __future__ import annotations

import codecs
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from fixtures.archive_fakes import assert_fts_consistent
from fixtures.fuzz import (
    LONG_RUN,
    archive_content,
    changed_tables,
    cpu_timer,
    fuzz_settings,
    hang_guard,
    is_write,
    parse_budget,
    transactions,
)
from hypothesis import event, example, given
from hypothesis import strategies as st

from archive_viewer.ingest import Meeting, NotAMeetingDocument, meeting_to_json, parse_document
from archive_viewer.paths import SAMPLES_DIR
from archive_viewer.store import Archive
from archive_viewer.store.importer import ImportResult
from archive_viewer.store.transactions import write_transaction
from archive_viewer.store.writer import delete_document


class Doc(NamedTuple):
    name: str
    data: bytes

    def __repr__(self) -> str:  # a failing case prints readably, however big
        data = self.data if len(self.data) <= 600 else self.data[:300] + b" ... " + self.data[-300:]
        return f"Doc({self.name!r}, {len(self.data)} bytes: {data!r})"


SEEDS = [Doc(p.name, p.read_bytes()) for p in sorted(SAMPLES_DIR.iterdir())
         if p.suffix in (".txt", ".html")]
TEXT_SEEDS = [d for d in SEEDS if d.name.endswith(".txt")]
HTML_SEEDS = [d for d in SEEDS if d.name.endswith(".html")]
REFERENCE = TEXT_SEEDS[0]  # the genre's reference document

#: Names a document may come with: the suffix decides text or HTML (or leaves it to a sniff).
NAMES = ["doc.txt", "page.html", "page.htm", "doc", "doc.TXT", "page.XHTML", "doc.pdf", "doc.md"]

seeds = st.sampled_from(SEEDS)


def renamed(doc: Doc) -> st.SearchStrategy[Doc]:
    """The document under its own name or, now and then, another one."""
    return st.sampled_from([doc.name, *NAMES]).map(lambda name: Doc(name, doc.data))


def text_of(doc: Doc) -> str:
    return doc.data.decode("utf-8")


def insert_at(draw: st.DrawFn, text: str, pieces: list[str]) -> str:
    """``text`` with each piece put in at a drawn position."""
    for piece in pieces:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + piece + text[at:]
    return text


# -- the targets -----------------------------------------------------------------------------

@st.composite
def truncated(draw: st.DrawFn) -> Doc:
    """A real document cut anywhere (mid-character, mid-tag): its head, its tail or a slice."""
    doc = draw(seeds)
    start = draw(st.integers(0, len(doc.data)))
    end = draw(st.integers(start, len(doc.data)))
    cut = draw(st.sampled_from(["head", "tail", "slice"]))
    data = {"head": doc.data[:end], "tail": doc.data[start:], "slice": doc.data[start:end]}[cut]
    return draw(renamed(Doc(doc.name, data)))


@st.composite
def shuffled(draw: st.DrawFn) -> Doc:
    """A real document's lines in another order, some dropped, some repeated."""
    doc = draw(seeds)
    lines = doc.data.split(b"\n")
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    else:
        lines = draw(st.lists(st.sampled_from(lines), max_size=2 * len(lines)))
    return draw(renamed(Doc(doc.name, b"\n".join(lines))))


PREFIXES = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
            b"%PDF-1.4\n", b"<html><body>", b"<!DOCTYPE html>", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n",
            REFERENCE.data[:300]]


@st.composite
def random_bytes(draw: st.DrawFn) -> Doc:
    """Bytes of any value, after a prefix that may make them look like text or a page."""
    prefix = draw(st.sampled_from(PREFIXES))
    body = draw(st.binary(max_size=4000) | st.text(max_size=1500).map(lambda t: t.encode("utf-8", "surrogatepass")))
    return Doc(draw(st.sampled_from(NAMES)), prefix + body)


#: What a huge line is made of: words, list markers, names and abbreviations the sentence
#: splitter and speaker finder look at, brackets, markup, and whatever hypothesis makes up.
HUGE_UNITS = ["word ", "Mr. Kim ", "1. ", "(1) ", "(", ")", "<", "“", '"', "'", ". ", "-",
              "Japan-", "1 ", "①", "a-b-", "A. ", "U.S. ", "H.E. ", "I. ", "(a) ", "x\t", "日本",
              "Minister Kim said that ", "held talks with ", "the Japanese side ", "North Korea. The ",
              "Kim Sung-hwan, ", "on April 7, 2012 ", "a.", "　", "\u200b", "Back to Index ",
              "<b>", "<img>", "&amp;", "<!--x-->", "<li>", "<br>", "<p>", "<div class='menu'>x</div>"]
#: Sizes of a huge line: to a hundred kilobytes, to megabytes in a long run.
HUGE_SIZES = [1_000, 10_000, 50_000, 120_000] + ([500_000, 1_000_000, 2_000_000, 4_000_000] if LONG_RUN else [])


@st.composite
def huge_lines(draw: st.DrawFn, sizes: list[int] = HUGE_SIZES) -> Doc:
    """A line of up to a hundred kilobytes (megabytes in a long run), alone, as the title,
    inside a real document or a page's paragraph, or at the end of the lead paragraph (where
    the people are looked for)."""
    unit = draw(st.sampled_from(HUGE_UNITS) | st.text(min_size=1, max_size=8))
    size = draw(st.sampled_from(sizes)) + draw(st.integers(0, 999))
    line = unit * (size // len(unit) + 1)
    where = draw(st.sampled_from(["alone", "title", "text", "page", "lead"]))
    if where == "alone":
        return Doc(draw(st.sampled_from(NAMES)), line.encode("utf-8", "surrogatepass"))
    if where == "page":
        page = text_of(draw(st.sampled_from(HTML_SEEDS)))
        return Doc("page.html", insert_at(draw, page, [f"<p>{line}</p>"]).encode("utf-8", "surrogatepass"))
    lines = text_of(draw(st.sampled_from(TEXT_SEEDS))).split("\n")
    if where == "lead":
        lead = next(i for i, text in enumerate(lines) if len(text) > 80)
        lines[lead] += " " + line
        return Doc("doc.txt", "\n".join(lines).encode("utf-8", "surrogatepass"))
    at = 0 if where == "title" else draw(st.integers(0, len(lines)))
    return Doc("doc.txt", "\n".join([*lines[:at], line, *lines[at:]]).encode("utf-8", "surrogatepass"))


NEST_TAGS = ["div", "span", "b", "i", "p", "ol", "ul", "li", "table", "tr", "td", "blockquote",
             "section", "font", "a", "em", "strong", "h2", "dl", "dd", "center", "pre", "nav",
             "div class='menu'", "article", "main", "ol start='7'", "li value='x'"]
DEEP_MAX = 20_000 if LONG_RUN else 5_000


@st.composite
def deep_nesting(draw: st.DrawFn) -> Doc:
    """Markup nested hundreds to thousands of levels deep, closed or left open, around a page's
    content, inside it, or around a text document made into paragraphs."""
    depth = draw(st.integers(100, DEEP_MAX))
    tags = draw(st.lists(st.sampled_from(NEST_TAGS), min_size=1, max_size=4))
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)].split()[0]}>" for i in reversed(range(depth)))
    closing = draw(st.sampled_from([closing, "", closing[: len(closing) // 2]]))
    if draw(st.booleans()):
        page = text_of(draw(st.sampled_from(HTML_SEEDS)))
        where = draw(st.sampled_from(["around", "inside"]))
        if where == "around":
            body = page.find(">", page.find("<body")) + 1
            end = page.rfind("</body>")
            content = page[:body] + opening + page[body:end] + closing + page[end:]
        else:
            content = insert_at(draw, page, [opening + "<p>Deep text.</p>" + closing])
    else:
        lines = text_of(draw(st.sampled_from(TEXT_SEEDS))).split("\n")
        paragraphs = "".join(f"<p>{line}</p>" for line in lines if line.strip())
        content = f"<html><body>{opening}{paragraphs}{closing}</body></html>"
    return Doc(draw(st.sampled_from(["page.html", "page.txt", "page"])), content.encode("utf-8"))


BROKEN_MARKUP = ["<p", "<div>", "</div>", "</ol>", "</li>", "<ol start='x'>", "<ol start='-3'>",
                 "<li value='99999999999999999999999'>", f"<li value='{'9' * 5000}'>", "<li value=''>",
                 "<!--", "-->", "<![CDATA[", "]]>", "<script>", "</script>", "<style>", "<table>",
                 "<td>", "<h1>", "</h1>", "<h1></h1>", "<h2>", "<br/>", "&", "&#0;", "&#xD800;",
                 "&#99999999;", "&nbsp", "&bogus;", "<?xml version='1.0'?>", "<!DOCTYPE html>",
                 "<html>", "</body>", "<body>", "<head>", "</head>", "<meta charset='undefined'>",
                 "<meta charset=utf-16>", "<meta charset='idna'>", "<svg>", "<math>", "<template>",
                 "<frameset>", "<noscript>", "<a href='", '"', "<h2 class='menu'>",
                 "<div id='footer'>", "<li>", "<ul>", "<strong>", "<b>", "</b>", "<p><strong>",
                 "<textarea>", "<title>", "<select><option>", "<iframe>", "<object>", "<xmp>",
                 "<plaintext>", "<", ">", "</", "<>", "<p/>", "<br", "<ol><li><ol><li>"]


@st.composite
def broken_markup(draw: st.DrawFn) -> Doc:
    """A page (or a text document) with tags opened and never closed, closed and never opened,
    comments and CDATA left open, bad entities and bad list numbers put in anywhere."""
    doc = draw(st.sampled_from(HTML_SEEDS) | st.sampled_from(TEXT_SEEDS))
    pieces = draw(st.lists(st.sampled_from(BROKEN_MARKUP), min_size=1, max_size=12))
    return draw(renamed(Doc(doc.name, insert_at(draw, text_of(doc), pieces).encode("utf-8"))))


CONTROL_PIECES = [b"\x00", b"\x00" * 50, b"\x00" * 2000, b"\x01", b"\x1b[31m", b"\x7f", b"\x0b",
                  b"\x0c", b"\r", b"\r\r\n", b"\x1a", b"\x08", b"\xc0\x80", b"\xed\xa0\x80",
                  b"\xff\xfe", b"\xfe\xff", codecs.BOM_UTF8, b"\xff", b"\x80\x81",
                  "\u2028".encode(), "\u2029".encode(), "\u200b".encode(), "\u202e".encode(),
                  "\ufffd".encode(), "\U0001f600".encode(), "\u0301".encode()]


@st.composite
def control_bytes(draw: st.DrawFn) -> Doc:
    """A real document with NULs, control bytes, stray byte-order marks and invalid UTF-8."""
    doc = draw(seeds)
    data = doc.data
    for piece in draw(st.lists(st.sampled_from(CONTROL_PIECES), min_size=1, max_size=20)):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + piece + data[at:]
    return draw(renamed(Doc(doc.name, data)))


MARKERS = ["1.", "1)", "(1)", "（1）", "1 ", "１．", "１.", "(１)", "１）", "I.", "II.", "IV)", "XL.",
           "i.", "(i)", "(iv)", "(a)", "a.", "a)", "A.", "(A)", "①", "⑳", "Ⅰ.", "Ⅳ", "(ⅱ)", "•",
           "-", "–", "・", "●", "○", "■", "◆", "▪", "►", "»", "*", "o ", "1.1", "1-1", "[1]", "第1",
           "§1", "No. 1", "1.(1)", "1. (1)", "4. 4.", "(1)(a)", "99.", "100.", "0.", "(0)", "(99)",
           "１０．", "٣.", "(a)(i)", "1.", "2.", "3.", "(2)", "(3)", "II", "(b)", "(c)", ""]
HEADINGS = ["North Korean Issues", "Bilateral Relations", "Regional Affairs", "Opening Remarks",
            "Economy", "Overview", "Japan-China Relations: General", "Others", "The Senkaku Islands"]


@st.composite
def mixed_numbering(draw: st.DrawFn) -> Doc:
    """A real lead, then a body whose paragraphs carry every numbering style at once, as text
    lines (indented or not) or as page paragraphs, headings and list items."""
    doc = draw(st.sampled_from(TEXT_SEEDS))
    lines = [line for line in text_of(doc).split("\n") if line.strip()]
    head, body = lines[:3], lines[3:]
    sentences = [s for line in body for s in line.split(". ") if len(s) > 20] or body
    out: list[tuple[str, str]] = []  # (marker, text)
    for _ in range(draw(st.integers(1, 25))):
        marker = draw(st.sampled_from(MARKERS))
        text = draw(st.sampled_from(HEADINGS) | st.sampled_from(sentences))
        out.append((marker, text))
    if draw(st.booleans()):
        indent = st.sampled_from(["", "  ", "\t", "　", "    "])
        body_lines = [f"{draw(indent)}{marker}{draw(st.sampled_from([' ', '', '  ']))}{text}"
                      for marker, text in out]
        blank = draw(st.sampled_from(["\n", "\n\n"]))
        return Doc("doc.txt", blank.join([*head, *body_lines]).encode("utf-8"))
    parts = [f"<h1>{head[0]}</h1>", *(f"<p>{line}</p>" for line in head[1:])]
    for marker, text in out:
        shape = draw(st.sampled_from(["p", "h2", "h3", "li", "ol", "strong"]))
        if shape == "li":
            parts.append(f"<ul><li>{marker} {text}</li></ul>")
        elif shape == "ol":
            start = draw(st.sampled_from(["1", "0", "-2", "x", "", "3"]))
            parts.append(f"<ol start='{start}'><li>{marker} {text}<p>{text}</p></li></ol>")
        elif shape == "strong":
            parts.append(f"<p><strong>{marker} {text}</strong></p>")
        else:
            parts.append(f"<{shape}>{marker} {text}</{shape}>")
    return Doc("page.html", f"<html><body>{''.join(parts)}</body></html>".encode())


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
             "utf-32-be", "cp1252", "latin-1", "shift_jis", "euc_jp", "iso2022_jp", "gb18030",
             "big5", "euc_kr", "koi8_r", "cp437", "mac_roman", "utf-7", "cp1251", "iso8859_7",
             "cp932", "ascii"]
BOMS = [b"", b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8 * 2,
        codecs.BOM_UTF16_LE + codecs.BOM_UTF8]
DECLARED = ENCODINGS + ["undefined", "idna", "punycode", "rot13", "hex", "base64", "bogus",
                        "unicode_escape", "raw_unicode_escape", "uu", "zlib", "x-user-defined",
                        "utf-16", "mbcs", "cp65001"]
FOREIGN = ["日本国外務大臣 玄葉光一郎", "대한민국 외교통상부", "Sebastián Piñera", "Ελλάδα", "Россия",
           "“curly” ‘quotes’ — dash …", "😀 emoji", "e\u0301", "עברית", "العربية"]


@st.composite
def odd_encodings(draw: st.DrawFn) -> Doc:
    """A real document with foreign text added, in another encoding (unencodable characters
    replaced or dropped), after any byte-order mark, perhaps declaring a charset it is not in,
    perhaps in two encodings at once."""
    doc = draw(seeds)
    text = insert_at(draw, text_of(doc), draw(st.lists(st.sampled_from(FOREIGN), max_size=4)))
    if doc.name.endswith(".html") and draw(st.booleans()):
        text = text.replace("<head>", f"<head><meta charset=\"{draw(st.sampled_from(DECLARED))}\">", 1)
    errors = st.sampled_from(["replace", "ignore", "xmlcharrefreplace", "backslashreplace"])
    first = draw(st.sampled_from(ENCODINGS))
    if draw(st.booleans()):
        data = text.encode(first, draw(errors))
    else:  # two encodings, one after the other
        half = draw(st.integers(0, len(text)))
        second = draw(st.sampled_from(ENCODINGS))
        data = text[:half].encode(first, draw(errors)) + text[half:].encode(second, draw(errors))
    return draw(renamed(Doc(doc.name, draw(st.sampled_from(BOMS)) + data)))


TARGETS = {
    "truncated": truncated(), "shuffled": shuffled(), "random_bytes": random_bytes(),
    "huge_lines": huge_lines(), "deep_nesting": deep_nesting(), "broken_markup": broken_markup(),
    "control_bytes": control_bytes(), "mixed_numbering": mixed_numbering(),
    "odd_encodings": odd_encodings(),
}
#: For the importer, whose cases each cost an import and a dump of the archive: huge lines of
#: at most fifty kilobytes (the parser's own targets take them bigger).
any_bad_document = st.one_of(*(strategy for name, strategy in TARGETS.items() if name != "huge_lines"),
                             huge_lines([1_000, 10_000, 50_000]))


# -- the parser ------------------------------------------------------------------------------

def parse_within_bounds(doc: Doc) -> Meeting | None:
    """Parse ``doc``: a meeting, or None for a refusal; any other exception fails the case, and
    so does taking longer than the document's size allows."""
    with hang_guard(), cpu_timer() as elapsed:
        try:
            meeting: Meeting | None = parse_document(doc.data, doc.name)
        except NotAMeetingDocument as refusal:
            assert str(refusal), "a refusal says why"
            meeting = None
    budget = parse_budget(len(doc.data))
    assert elapsed() < budget, f"parsing {len(doc.data):,} bytes took {elapsed():.1f} s of CPU (allowed {budget:.1f} s)"
    if meeting is not None:
        # What `archive-viewer parse --json` prints and the archive stores: plain, complete.
        json.dumps(meeting_to_json(meeting, doc.name), ensure_ascii=False)
        assert meeting.title.strip() and meeting.sections
    return meeting


@fuzz_settings(150)
@given(truncated())
def test_truncated_documents(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(100)
@given(shuffled())
def test_shuffled_lines(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(200)
@given(random_bytes())
def test_random_bytes(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(15)
@given(huge_lines())
def test_huge_lines(doc: Doc) -> None:
    event(f"{max(s for s in HUGE_SIZES if s <= len(doc.data)):,}+ bytes")  # --hypothesis-show-statistics
    parse_within_bounds(doc)


@fuzz_settings(40)
@given(deep_nesting())
def test_deep_nesting(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(120)
@given(broken_markup())
@example(Doc("page.html", b"<html><head><meta charset='undefined'></head><body><p>caf\xe9</p></body></html>"))
def test_broken_markup(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(100)
@given(control_bytes())
def test_nul_and_control_bytes(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(60)
@given(mixed_numbering())
def test_every_numbering_style_mixed_up(doc: Doc) -> None:
    parse_within_bounds(doc)


@fuzz_settings(120)
@given(odd_encodings())
def test_odd_encodings_and_byte_order_marks(doc: Doc) -> None:
    parse_within_bounds(doc)


def test_a_hang_ends_the_run_with_every_threads_traceback() -> None:
    # The guard around each case: even a regular expression stuck in C (which no signal can
    # interrupt) ends the process, saying where it was, instead of stalling the run.
    code = (
        "import re, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from fixtures.fuzz import hang_guard\n"
        "with hang_guard(0.5):\n"
        "    re.match(r'(a+)+$', 'a' * 40 + 'b')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Timeout" in done.stderr and "in match" in done.stderr


# Super-linear work shows at a few hundred kilobytes already; each of these took seconds to
# minutes at 200 KB before its fix (sentence splitting, title countries, dropped page chrome,
# the people of the lead).
SCALING_CASES = {
    "abbreviations in prose": ("doc.txt", "text", "Mr. Kim "),
    "initials in prose": ("doc.txt", "text", "A. "),
    "a title of brackets": ("doc.txt", "alone", "("),
    "a chain of countries": ("doc.txt", "alone", "Japan-"),
    "images in a paragraph": ("page.html", "page", "<img>word "),
    "comments in a paragraph": ("page.html", "page", "<!--c-->word "),
    "honorifics in the lead": ("doc.txt", "lead", "Mr. Kim "),
    "offices in the lead": ("doc.txt", "lead", "Mr. Kim Sung-hwan (Director-General) "),
    "people in the lead": ("doc.txt", "lead", None),
}


def _many_people(size: int) -> str:
    """A lead's worth of different people: "Mr. Aaaa Bbbb, Minister of Foreign Affairs, ..."."""
    names = ("".join(chr(ord("a") + (n // 26 ** p) % 26) for p in range(4)).capitalize()
             for n in itertools.count(1000))
    out: list[str] = []
    length = 0
    while length < size:
        out.append(f"Mr. {next(names)} {next(names)}, Minister of Foreign Affairs")
        length += len(out[-1]) + 2
    return ", ".join(out)


@pytest.mark.parametrize("case", SCALING_CASES)
def test_a_line_four_times_as_long_takes_about_four_times_as_long(case: str) -> None:
    name, where, unit = SCALING_CASES[case]

    def document(size: int) -> Doc:
        line = unit * (size // len(unit)) if unit else _many_people(size)
        if where == "alone":
            return Doc(name, line.encode())
        if where == "page":
            return Doc(name, f"<html><body><h1>Title</h1><p>{line}</p></body></html>".encode())
        lines = text_of(REFERENCE).split("\n")
        if where == "lead":
            lines[4] += " " + line  # the reference's lead paragraph
            return Doc(name, "\n".join(lines).encode())
        return Doc(name, "\n".join([*lines[:6], line, *lines[6:]]).encode())

    parse_within_bounds(document(1_000))  # warm: patterns compiled, resources loaded
    def cpu_seconds(size: int) -> float:
        with cpu_timer() as elapsed:
            parse_within_bounds(document(size))
        return elapsed()

    # Linear is 4x; quadratic 16x. Tiny times are noise: compare from 50 ms on. (Thousands of
    # different people cost more to attribute statements to: a smaller size shows it as well.)
    size = 50_000 if unit else 20_000
    small, large = max(cpu_seconds(size), 0.05), cpu_seconds(4 * size)
    if large >= 8 * small:  # once more before failing: a busy machine slows even CPU time
        large = min(large, cpu_seconds(4 * size))
    assert large < 8 * small, f"{case}: {small:.2f} s, then {large:.2f} s"


# -- the importer ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """An archive holding the samples, that every importer case adds to (or leaves alone)."""
    path = tmp_path_factory.mktemp("fuzz-archive") / "archive.sqlite"
    with Archive.open(path) as archive:
        assert not archive.import_paths([SAMPLES_DIR]).failures
        yield archive


_file_numbers = itertools.count()

#: The reasons the importer gives for a file it refuses on purpose; "could not be parsed" (a
#: parser bug) and "could not be stored" are failures of the app.
APP_FAILURES = ("could not be parsed", "could not be stored", "cannot be parsed")

#: Tables written by the count refresh that follows an import (derived, in a transaction of its
#: own); everything else an import writes belongs to the document's one transaction.
COUNT_TABLES = ("meeting_issue_counts", "meeting_speaker_counts", "meeting_person_counts",
                "counted_countries", "counted_principals", "issue_year_counts",
                "issue_country_counts", "issue_people_counts", "person_year_counts",
                "person_country_counts", "issue_country_year_counts", "stale_meetings")


def _write_file(folder: Path, doc: Doc) -> Path:
    # A new name every time: a name seen before would make the import a replacement.
    suffix = Path(doc.name).suffix
    path = folder / f"case-{next(_file_numbers)}{suffix}"
    path.write_bytes(doc.data)
    return path


class _CutShort:
    """Traces every statement, and interrupts the document's transaction once, after ``steps``
    progress-handler calls inside it (None: never)."""

    def __init__(self, steps: int | None) -> None:
        self.statements: list[str] = []
        self.left = steps
        self.inside = False  # within the first transaction (the document's)
        self.fired = False

    def trace(self, sql: str) -> None:
        self.statements.append(sql)
        verb = sql.split(None, 1)[0].upper() if sql.strip() else ""
        if verb == "BEGIN" and not self.fired and self.left is not None:
            self.inside = True
        elif verb in ("COMMIT", "ROLLBACK"):
            self.inside, self.left = False, None  # the count refresh after it runs whole

    def progress(self) -> int:
        if not self.inside or self.left is None:
            return 0
        self.left -= 1
        if self.left > 0:
            return 0
        self.inside, self.left, self.fired = False, None, True
        return 1


def _import(archive: Archive, path: Path, cut_after: int | None = None) -> tuple[ImportResult, _CutShort]:
    conn = archive.connection()
    watch = _CutShort(cut_after)
    conn.set_trace_callback(watch.trace)
    conn.set_progress_handler(watch.progress, 10)
    try:
        with hang_guard():
            return archive.import_document(path), watch
    finally:
        conn.set_progress_handler(None, 10)
        conn.set_trace_callback(None)


def _tables_written(sql: str) -> set[str]:
    """The table a traced INSERT/UPDATE/DELETE/REPLACE statement writes (triggers' and FTS5's
    own statements are traced as comments: they belong to the statement that fired them)."""
    match = re.match(r"\s*(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO\s+[\"'`]?(\w+)|\s*UPDATE(?:\s+OR\s+\w+)?\s+[\"'`]?(\w+)"
                     r"|\s*DELETE\s+FROM\s+[\"'`]?(\w+)", sql, re.I)
    return {name for name in match.groups() if name} if match else set()


@fuzz_settings(70)
@given(doc=any_bad_document, cut_after=st.integers(1, 3000))
def test_the_importer_stores_a_document_whole_or_not_at_all(
        fuzz_archive: Archive, tmp_path_factory: pytest.TempPathFactory, doc: Doc,
        cut_after: int) -> None:
    conn = fuzz_archive.connection()
    folder = tmp_path_factory.getbasetemp() / "fuzz-files"
    folder.mkdir(exist_ok=True)
    path = _write_file(folder, doc)
    before = archive_content(conn)

    # First with the document's transaction cut short after cut_after x 10 steps of SQLite's
    # virtual machine: wherever that falls, nothing of the document may stay behind. (An
    # interrupt may also go unnoticed, inside FTS5: then the document is simply in.)
    result, watch = _import(fuzz_archive, path, cut_after)
    assert not conn.in_transaction
    if watch.fired and result.status == "failed":
        assert "interrupted" in (result.reason or ""), result
        assert changed_tables(before, archive_content(conn)) == [], "an interrupted import left rows behind"
        result, watch = _import(fuzz_archive, path)  # and now whole
    after = archive_content(conn)

    assert result.status in ("imported", "failed", "unchanged"), result  # a new name: never "replaced"
    if result.status != "imported":
        assert not (result.reason or "").startswith(APP_FAILURES), result.line()
        assert changed_tables(before, after) == [], f"a refused document changed the archive: {result.line()}"
        assert [sql for sql in watch.statements if is_write(sql)] == [], "a refused document wrote"
        return
    # Taken: every row of it written in one transaction; the count refresh after it writes
    # only the derived count tables, in a transaction of its own.
    document_tx, *count_txs = transactions(watch.statements)
    assert document_tx[-1] == "COMMIT"
    assert {"documents", "meetings"} <= set().union(*map(_tables_written, document_tx))
    for tx in count_txs:
        assert set().union(*map(_tables_written, tx)) <= set(COUNT_TABLES), tx
    stored = conn.execute("SELECT count(*) FROM statements WHERE meeting_id = "
                          "(SELECT id FROM meetings WHERE document_id = ?)",
                          (result.document_id,)).fetchone()[0]
    assert stored == len(parse_document(doc.data, path.name).statements())
    assert_fts_consistent(conn)
    # Out again, so that every case meets the same archive (and a failing one replays alike).
    with write_transaction(conn):
        delete_document(conn, result.document_id)
    fuzz_archive.refresh_counts()


def test_weird_documents_get_in_as_well_as_get_refused(fuzz_archive: Archive) -> None:
    # The importer's fuzz means something only if both outcomes happen.
    folder = fuzz_archive.path.parent / "both-outcomes"
    folder.mkdir(exist_ok=True)
    text = REFERENCE.data.decode("utf-8")
    taken = [Doc("doc.txt", codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8")),
             Doc("doc.txt", codecs.BOM_UTF16_LE + ("\u200b" + text).encode("utf-16-le"))]
    refused = [Doc("doc.txt", b"Shopping list\n\neggs\nmilk\n"), Doc("doc.txt", bytes(range(256)))]
    for doc in taken:
        assert _import(fuzz_archive, _write_file(folder, doc))[0].status == "imported"
    for doc in refused:
        assert _import(fuzz_archive, _write_file(folder, doc))[0].status == "failed"
