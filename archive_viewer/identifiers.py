"""Stable identifiers of meetings, sections, items and statements. No Qt, no database.

An identifier names a node by the document it was parsed from and its position in it, never by
a row id, so it survives deleting and re-importing the same document, and means the same node
in every archive that holds the document (a bundle imported elsewhere, a colleague's archive):

    av:19a025d9c24d              the meeting of the document whose sha256 starts 19a025d9c24d
    av:19a025d9c24d/s1           its first section (sections.ordinal)
    av:19a025d9c24d/s1/i3        that section's third item (items.ordinal)
    av:19a025d9c24d/s1/i3/p2     that item's second statement, or passage (statements.ordinal)

* The hex digits are the start of ``documents.sha256`` (of the file's bytes): 12 of them, more
  only when another document of the archive starts with the same 12 (as git shortens hashes);
  a reader accepts 12 to 64. A changed document has another hash, so its nodes get new
  identifiers, and an identifier never silently points at text that changed under it.
* Positions are the 1-based ordinals in document order, not the labels as printed: a label
  can be missing ("•" bullets, plain paragraphs) or repeated, an ordinal cannot.
* Only ``[a-z0-9:/]``: nothing to escape in a URL, a file name (after ``:`` and ``/``), a
  spreadsheet cell or a BibTeX field. Letters before each number say what it counts, so
  ``av:…/s1`` can never be read as an item.
* The link form is ``archive-viewer://av/19a025d9c24d/s1/i3`` (``av`` in the place of a URL's
  host, the rest as its path); :func:`parse` also takes ``archive-viewer:av:…`` and percent-
  escaped forms, as desktops and browsers hand them over.

Positions come from the parser: the same bytes always give the same identifiers under one
parser version; a parser change that splits an item differently moves the positions after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

PREFIX = "av:"
SCHEME = "archive-viewer"
#: The link form's stand-in host: ``archive-viewer://av/<digits>/s1``.
URL_HOST = "av"
DEFAULT_DIGITS = 12
MIN_DIGITS, MAX_DIGITS = 12, 64

KINDS = ("meeting", "section", "item", "statement")

_ID = re.compile(
    rf"av:(?P<doc>[0-9a-f]{{{MIN_DIGITS},{MAX_DIGITS}}})(?:/s(?P<s>[1-9][0-9]*)"
    r"(?:/i(?P<i>[1-9][0-9]*)(?:/p(?P<p>[1-9][0-9]*))?)?)?")


class BadIdentifier(ValueError):
    """Text that is not an identifier; the message says what one looks like."""


@dataclass(frozen=True)
class NodeId:
    """A parsed identifier: the document's hash prefix and the positions below it."""

    document: str  # 12..64 lower-case hex digits of the document's sha256
    section: int | None = None
    item: int | None = None
    statement: int | None = None

    def __post_init__(self) -> None:
        if not MIN_DIGITS <= len(self.document) <= MAX_DIGITS or \
                not re.fullmatch(r"[0-9a-f]+", self.document):
            raise BadIdentifier(f"{self.document!r} is not the start of a sha256 in hex")
        positions = (self.section, self.item, self.statement)
        # A position needs every position above it: no item without its section.
        depth = next((n for n, p in enumerate(positions) if p is None), 3)
        if any(p is not None for p in positions[depth:]) or \
                any(p is not None and p < 1 for p in positions):
            raise BadIdentifier(f"positions {positions} do not name one node")

    @property
    def kind(self) -> str:
        """'meeting' | 'section' | 'item' | 'statement'."""
        if self.statement is not None:
            return "statement"
        if self.item is not None:
            return "item"
        return "section" if self.section is not None else "meeting"

    @property
    def path(self) -> str:
        """"19a025d9c24d/s1/i3": the identifier without its ``av:``."""
        parts = [self.document]
        for letter, position in (("s", self.section), ("i", self.item), ("p", self.statement)):
            if position is None:
                break
            parts.append(f"{letter}{position}")
        return "/".join(parts)

    @property
    def url(self) -> str:
        """"archive-viewer://av/19a025d9c24d/s1/i3": what Copy Link puts on the clipboard."""
        return f"{SCHEME}://{URL_HOST}/{self.path}"

    @property
    def meeting(self) -> NodeId:
        return NodeId(self.document)

    def __str__(self) -> str:
        return PREFIX + self.path


def build(sha256: str, section: int | None = None, item: int | None = None,
          statement: int | None = None, *, digits: int = DEFAULT_DIGITS) -> NodeId:
    """The identifier of a node of the document with this sha256 (``digits`` of it)."""
    return NodeId(sha256.lower()[:max(MIN_DIGITS, min(MAX_DIGITS, digits))], section, item,
                  statement)


def statement_text(prefix: str, section: int, item: int, statement: int) -> str:
    """``str(build(...))`` for one statement, without the checks: for exports of millions."""
    return f"{PREFIX}{prefix}/s{section}/i{item}/p{statement}"


def parse(text: str) -> NodeId:
    """An identifier or link as a user may paste it; raises :class:`BadIdentifier`."""
    given = text
    # Every character of an identifier is lower-case; a desktop or a mail client may not keep it so.
    text = unquote(text.strip()).strip().lower()
    for form in (f"{SCHEME}://{URL_HOST}/", f"{SCHEME}://", f"{SCHEME}:"):
        if text.startswith(form):
            text = text[len(form):].lstrip("/")
            break
    text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not text.startswith(PREFIX):
        text = PREFIX + text
    match = _ID.fullmatch(text)
    if match is None:
        raise BadIdentifier(
            f"{given.strip()!r} is not an Archive Viewer identifier: they look like "
            "av:19a025d9c24d (a meeting), av:19a025d9c24d/s1 (its first section), "
            "av:19a025d9c24d/s1/i3 (an item) or av:19a025d9c24d/s1/i3/p2 (a statement), "
            f"or as links {SCHEME}://{URL_HOST}/19a025d9c24d/s1/i3")
    return NodeId(match["doc"], *(int(match[g]) if match[g] else None for g in ("s", "i", "p")))
