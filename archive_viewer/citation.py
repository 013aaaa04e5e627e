"""Citations of meeting records: the app's short reference, and the styles of reference lists.
No Qt (the PDF export and the command line use it too).

``cite("They shared the view.", title="Japan-ROK Foreign Ministers' Meeting (Overview)",
held_on="2012-04-07", section_number="1", section_title="North Korean Issues",
source="000_19a025d9c24d22f3.txt")`` gives the text and, on a line of its own,
"— Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, section 1 North Korean Issues,
000_19a025d9c24d22f3.txt".

``format_citation(facts, "chicago-note")`` gives a citation of a meeting, section, item or
statement (``facts`` from :func:`archive_viewer.store.citations.citation_facts`) in one of
:data:`STYLES`: Chicago note and bibliography, APA 7 reference and in-text, BibTeX, CSL-JSON.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

UNDATED = "undated"


def section_label(number: str | None, title: str | None) -> str:
    """"section 1 North Korean Issues"; "" for a section with neither number nor title."""
    words = " ".join(part for part in (number, title) if part)
    return f"section {words}" if words else ""


def source_label(file_name: str | None, source_path: str | None) -> str:
    """The URL a document was saved from when that is what we have, else its file name."""
    if source_path and source_path.startswith(("http://", "https://")):
        return source_path
    return file_name or source_path or ""


def reference(*, title: str, held_on: str | None, section_number: str | None = None,
              section_title: str | None = None, source: str = "") -> str:
    """"<meeting title>, <held on>, section <n> <title>, <file or URL>", empty parts left out."""
    parts = [title, held_on or UNDATED, section_label(section_number, section_title), source]
    return ", ".join(part for part in parts if part)


def cite(selection: str, *, title: str, held_on: str | None, section_number: str | None = None,
         section_title: str | None = None, source: str = "") -> str:
    """The selected text followed by a line "— <reference>"."""
    # Qt hands selections over with U+2029 between paragraphs; a clipboard wants newlines.
    text = selection.replace("\u2029", "\n").replace("\u2028", "\n").strip()
    ref = reference(title=title, held_on=held_on, section_number=section_number,
                    section_title=section_title, source=source)
    return f"{text}\n— {ref}"


# -- citations in the styles of reference lists ---------------------------------------------
#
# A meeting overview is a government press release: the issuing ministry is its author and
# publisher, the date line its date of publication, the page its URL. Each style below follows
# its manual's form for a press release (Chicago 17th ed. 14.206 with 14.104, government
# authors; APA 7th ed. 10.2 example "press release"); what a style has no place for (the
# section and item of a bibliography entry) is left out, as the manual does.

#: Media type of CSL-JSON, for the clipboard (Zotero and citeproc read it).
CSL_JSON_MIME = "application/vnd.citationstyles.csl+json"
GENRE = "Press release"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                  "dec")


@dataclass(frozen=True)
class CitationFacts:
    """What a citation of one meeting, section, item or statement says (store/citations.py
    reads it from an archive)."""

    identifier: str  # "av:19a025d9c24d/s1/i3"
    kind: str  # 'meeting' | 'section' | 'item' | 'statement'
    title: str
    issuer: str | None  # "Ministry of Foreign Affairs of Japan"; None when nothing tells
    published_on: str | None  # ISO date of the press release
    held_on: str | None  # ISO date of the meeting
    url: str | None  # where it was published, when known
    file_name: str  # the imported file's name
    section_number: str | None = None
    section_title: str | None = None
    item_label: str | None = None
    item_ordinal: int | None = None

    @property
    def where(self) -> str:
        """The URL, or the file's name when the archive does not know the URL."""
        return self.url or self.file_name


@dataclass(frozen=True)
class Citation:
    text: str  # plain text, what every clipboard gets
    html: str | None = None  # the same with italics, where the style has them
    mime: str | None = None  # a further media type the text is, e.g. CSL_JSON_MIME

    @property
    def structured(self) -> bool:
        """Whether the text is data for a reference manager (BibTeX, CSL-JSON), not prose."""
        return self.mime is not None or self.text.startswith("@")


@dataclass(frozen=True)
class Style:
    key: str
    label: str  # for menus
    description: str


STYLES: tuple[Style, ...] = (
    Style("short", "Short Reference", "Title, meeting date, section, source: the app's own form"),
    Style("chicago-note", "Chicago Note", "Chicago notes and bibliography: the footnote, with "
          "section and item"),
    Style("chicago-bibliography", "Chicago Bibliography", "Chicago notes and bibliography: "
          "the bibliography entry of the whole press release"),
    Style("apa", "APA 7 Reference", "APA 7th edition: the reference-list entry"),
    Style("apa-in-text", "APA 7 In-Text", "APA 7th edition: the parenthetical citation, with "
          "section and paragraph"),
    Style("bibtex", "BibTeX", "A BibTeX @misc entry, for LaTeX and reference managers"),
    Style("csl-json", "CSL-JSON (Zotero)", "CSL-JSON, which Zotero and other reference managers "
          "import"),
)
STYLE_KEYS = tuple(style.key for style in STYLES)
DEFAULT_STYLE = "short"


def style_named(key: str) -> Style:
    for style in STYLES:
        if style.key == key:
            return style
    raise ValueError(f"citation style must be one of {', '.join(STYLE_KEYS)}, not {key!r}")


def long_date(iso: str | None) -> str | None:
    """"April 25, 2012" from "2012-04-25" (English month names whatever the locale)."""
    day = _date(iso)
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}" if day else None


def _date(iso: str | date | None) -> date | None:
    if isinstance(iso, date):
        return iso
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def locator(facts: CitationFacts) -> str:
    """"section 1, item (3)": where in the document the cited part is ('' for a meeting)."""
    parts = []
    if facts.kind != "meeting":
        if facts.section_number:
            parts.append(f"section {facts.section_number}")
        elif facts.section_title:
            parts.append(f"section “{facts.section_title}”")
    if facts.kind in ("item", "statement"):
        if facts.item_label:
            parts.append(f"item {facts.item_label}")
        elif facts.item_ordinal is not None:
            parts.append(f"paragraph {facts.item_ordinal}")
    return ", ".join(parts)


def _chicago_title(title: str) -> str:
    # Quotation marks inside a quoted title become single ones.
    return re.sub(r"[\"“]([^\"“”]*)[\"”]", r"‘\1’", title)


def chicago_note(facts: CitationFacts, accessed: date) -> str:
    """Chicago note: Issuer, “Title,” press release, Month D, YYYY, locator, accessed ..., URL."""
    parts = [facts.issuer] if facts.issuer else []
    parts.append(f"“{_chicago_title(facts.title)},”")
    parts.append(f"press release, {long_date(facts.published_on) or 'n.d.'}")
    where = locator(facts)
    if where:
        parts.append(where)
    parts.append(f"accessed {long_date(accessed.isoformat())}")
    parts.append(facts.where)
    # The title's closing quote carries its comma already.
    return ", ".join(parts).replace(",”,", ",”") + "."


def chicago_bibliography(facts: CitationFacts, accessed: date) -> str:
    """Chicago bibliography entry: the whole press release, without a locator."""
    parts = [f"{facts.issuer}." if facts.issuer else None,
             f"“{_chicago_title(facts.title)}.”",
             f"Press release, {long_date(facts.published_on) or 'n.d.'}.",
             f"Accessed {long_date(accessed.isoformat())}.",
             f"{facts.where}."]
    return " ".join(part for part in parts if part)


def apa_reference(facts: CitationFacts, accessed: date) -> Citation:
    """APA 7: Issuer. (YYYY, Month D). *Title* [Press release]. Retrieved ..., from URL

    The title stays as the document writes it: turning it into sentence case would need to
    know which words are names ("Japan-ROK Foreign Ministers' Meeting").
    """
    day = _date(facts.published_on)
    when = f"({day.year}, {MONTHS[day.month - 1]} {day.day})." if day else "(n.d.)."
    retrieved = f"Retrieved {long_date(accessed.isoformat())}, from {facts.where}"
    if facts.issuer:
        lead = [f"{facts.issuer}.", when]
        title_plain, title_html = facts.title, f"<i>{_html(facts.title)}</i>"
        text = " ".join([*lead, f"{title_plain} [{GENRE}].", retrieved])
        rich = " ".join([*map(_html, lead), f"{title_html} [{GENRE}].", _html(retrieved)])
    else:  # no author: the title takes its place
        text = " ".join([f"{facts.title} [{GENRE}].", when, retrieved])
        rich = " ".join([f"<i>{_html(facts.title)}</i> [{GENRE}].", _html(when), _html(retrieved)])
    return Citation(text, html=rich)


def apa_in_text(facts: CitationFacts) -> str:
    """APA 7 parenthetical citation: (Issuer, YYYY, Section 1, para. 3)."""
    day = _date(facts.published_on)
    author = facts.issuer or f"“{facts.title}”"
    parts = [author, str(day.year) if day else "n.d."]
    if facts.kind != "meeting":
        if facts.section_number:
            parts.append(f"Section {facts.section_number}")
        elif facts.section_title:
            parts.append(f"{facts.section_title} section")
    if facts.kind in ("item", "statement"):
        number = re.sub(r"\D", "", facts.item_label or "") or (
            str(facts.item_ordinal) if facts.item_ordinal is not None else "")
        if number:
            parts.append(f"para. {number}")
    return "(" + ", ".join(parts) + ")"


_BIBTEX_SPECIALS = re.compile(r"([&%$#_{}])|([~^\\])")


def _bibtex(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        if match.group(1):
            return "\\" + match.group(1)
        return {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                "\\": r"\textbackslash{}"}[match.group(2)]

    return _BIBTEX_SPECIALS.sub(escape, text)


def bibtex(facts: CitationFacts, accessed: date) -> str:
    """A BibTeX @misc entry (biblatex reads its url, urldate and date too)."""
    key = facts.identifier.replace(":", "-").replace("/", "-")
    where = locator(facts)
    note = [f"{where[0].upper()}{where[1:]}." if where else "",
            "" if facts.url else f"Source file: {_bibtex(facts.file_name)}.",
            f"Archive Viewer id: {facts.identifier}"]
    fields: list[tuple[str, str]] = []
    if facts.issuer:
        fields.append(("author", f"{{{_bibtex(facts.issuer)}}}"))  # a body, not a person
    fields.append(("title", f"{{{_bibtex(facts.title)}}}"))  # keeps its capitals
    fields.append(("howpublished", GENRE))
    day = _date(facts.published_on)
    if day:
        fields += [("year", str(day.year)), ("month", _BIBTEX_MONTHS[day.month - 1]),
                   ("date", day.isoformat())]
    if facts.url:
        fields.append(("url", facts.url))
    fields.append(("urldate", accessed.isoformat()))
    fields.append(("note", " ".join(part for part in note if part)))
    width = max(len(name) for name, _ in fields)
    lines = [f"  {name:<{width}} = {value if name == 'month' else '{' + value + '}'},"
             for name, value in fields]
    return "\n".join([f"@misc{{{key},", *lines, "}"])


def csl_item(facts: CitationFacts, accessed: date) -> dict[str, object]:
    """The CSL-JSON item: type "report" with genre "Press release".

    "report" rather than "webpage": a report has a publisher (the issuing ministry), a genre and
    an issuing date, which is what a press release is; Zotero imports it as a Report whose
    institution and report type are the ministry and "Press release", which its APA and
    Chicago styles cite as press releases. A "webpage" has no publisher, so the ministry would
    be lost, and a document imported from a file has no web page at all.
    """
    item: dict[str, object] = {"id": facts.identifier, "type": "report", "genre": GENRE,
                               "title": facts.title}
    if facts.issuer:
        item["author"] = [{"literal": facts.issuer}]
        item["publisher"] = facts.issuer
    day = _date(facts.published_on)
    if day:
        item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    if facts.url:
        item["URL"] = facts.url
    where = locator(facts)
    if where:
        label, _, value = where.partition(" ")
        item["label"], item["locator"] = label, value  # as a CSL cite-item carries them
    # The identifier in CSL's own variables for a place in an archive ("Loc. in Archive").
    item["archive"] = "Archive Viewer"
    item["archive_location"] = facts.identifier
    note = [f"archive-viewer id: {facts.identifier}"]
    if where:
        note.append(f"locator: {where}")
    if not facts.url:
        note.append(f"source file: {facts.file_name}")
    item["note"] = "\n".join(note)
    return item


def csl_json(facts: CitationFacts, accessed: date) -> str:
    """The item as a CSL-JSON array (what Zotero's "Import from Clipboard" reads), indented,
    with dates and names on one line each."""
    text = json.dumps([csl_item(facts, accessed)], ensure_ascii=False, indent=2)
    text = re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]",
                  lambda m: "[" + ", ".join(m.group(1).replace(",", " ").split()) + "]", text)
    text = re.sub(r"\[\s*(\[[-\d, ]*\])\s*\]", r"[\1]", text)
    text = re.sub(r'\{\s*("literal": "(?:[^"\\]|\\.)*")\s*\}', r"{\1}", text)
    return re.sub(r'\[\s*(\{"literal": "(?:[^"\\]|\\.)*"\})\s*\]', r"[\1]", text)


def format_citation(facts: CitationFacts, style: str, *, accessed: date | None = None) -> Citation:
    """The citation of ``facts`` in a style of :data:`STYLES`; ``accessed`` defaults to today."""
    accessed = accessed or date.today()
    if style == "short":
        return Citation(reference(title=facts.title, held_on=facts.held_on,
                                  section_number=facts.section_number,
                                  section_title=facts.section_title, source=facts.where))
    if style == "chicago-note":
        return Citation(chicago_note(facts, accessed))
    if style == "chicago-bibliography":
        return Citation(chicago_bibliography(facts, accessed))
    if style == "apa":
        return apa_reference(facts, accessed)
    if style == "apa-in-text":
        return Citation(apa_in_text(facts))
    if style == "bibtex":
        return Citation(bibtex(facts, accessed))
    if style == "csl-json":
        return Citation(csl_json(facts, accessed), mime=CSL_JSON_MIME)
    raise ValueError(f"citation style must be one of {', '.join(STYLE_KEYS)}, not {style!r}")


def with_selection(selection: str, citation: Citation, style: str) -> Citation:
    """What Copy Citation puts on the clipboard for selected text: the text, then the citation
    (the short reference as "— ..." on the next line, as :func:`cite` writes it). BibTeX and
    CSL-JSON are data for a reference manager: they are copied alone."""
    if citation.structured:
        return citation
    text = selection.replace("\u2029", "\n").replace("\u2028", "\n").strip()
    if style == "short":
        return Citation(f"{text}\n— {citation.text}")
    html = None
    if citation.html is not None:
        html = f"<p>{_html(text)}</p><p>{citation.html}</p>"
    return Citation(f"{text}\n\n{citation.text}", html=html)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
