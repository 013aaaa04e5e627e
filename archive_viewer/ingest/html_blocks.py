"""Saved web pages to text blocks: the document's own content, in reading order.

Page chrome (header, navigation, breadcrumb, search box, photo blocks, footer), scripts, styles
and images are dropped. Headings, paragraphs and list items become blocks that keep the structure
the page shows (an <ol> item carries its rendered number). Nothing is fetched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from .model import NotAMeetingDocument


@dataclass
class Block:
    """One paragraph-like unit of a document, from a text line or an HTML element."""

    text: str
    kind: str = "para"  # "title" | "heading" | "li" | "bullet" | "para"
    label: str | None = None  # rendered number of an <ol> item
    continues: bool = False  # a further paragraph of the same list item
    emphasis: bool = False  # the whole block is bold (<p><strong>Heading</strong></p>)


_DROP_TAGS = {
    "script", "style", "noscript", "img", "nav", "header", "footer", "form", "iframe", "svg",
    "button", "select", "input", "textarea", "template", "object", "embed", "link", "meta",
    "head", "map", "area", "video", "audio", "canvas", "figure", "picture", "aside",
}
# id/class words that mark page chrome rather than the document.
_CHROME = re.compile(
    r"(^|[\s_\-])(header|footer|g?nav|navi|navigation|menu|breadcrumbs?|topicpath|pankuzu|"
    r"search|sidebar|side|photos?|photolist|pagetop|page-top|share|sns|social|banner|skip|"
    r"lang|language|utility|sitemap|fnav|hnav|localnav|subnav|toolbar|print|copyright)($|[\s_\-\d])",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "ul", "table", "tr", "td", "th",
    "tbody", "thead", "tfoot", "section", "article", "main", "blockquote", "dl", "dt", "dd",
    "center", "body", "pre", "address", "caption", "hr",
}
_EMPHASIS_TAGS = {"strong", "b"}
_SPACE = re.compile(r"\s+")


def html_to_blocks(html: str) -> list[Block]:
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NotAMeetingDocument(f"is not a readable web page ({exc})") from exc
    stopped = _stopped_early(parser)
    if stopped:
        raise NotAMeetingDocument(f"is a web page that cannot be read whole: {stopped}")
    _strip_chrome(root)
    body = root.find("body")
    blocks: list[Block] = []
    _Walker(blocks).walk(body if body is not None else root)
    return [b for b in blocks if b.text]


def _stopped_early(parser: lxml.html.HTMLParser) -> str | None:
    """Why libxml2 stopped reading the page before its end, if it did. Past its limits
    (elements nested over 255 deep, a text over 10 MB) it keeps what it read so far and drops
    the rest without a word: a meeting would be imported with part of its text missing."""
    for error in parser.error_log:
        message = error.message.strip()
        if error.level != lxml.etree.ErrorLevels.FATAL or not (
                error.type_name == "ERR_RESOURCE_LIMIT" or _LIMIT_WORDS.search(message)):
            continue
        if "depth" in message.lower():
            return "its elements are nested more than 255 levels deep"
        if "buffer" in message.lower():
            return "one of its parts (a text, a comment, an attribute) is over 10 MB"
        return f"the reader stopped early ({message})"
    return None


# How libxml2 words a stop at one of its limits, in older versions too ("Excessive depth in
# document: 256 use XML_PARSE_HUGE option").
_LIMIT_WORDS = re.compile(r"depth|limit|huge", re.I)


def _strip_chrome(root: lxml.html.HtmlElement) -> None:
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments and processing instructions
            doomed.append(el)
            continue
        tag = el.tag.lower()
        if tag in _DROP_TAGS:
            doomed.append(el)
            continue
        marks = f"{el.get('id', '')} {el.get('class', '')} {el.get('role', '')}"
        if marks.strip() and _CHROME.search(marks) and el.find(".//h1") is None:
            doomed.append(el)
    # The tail text of a dropped element belongs to the parent: it goes after the nearest kept
    # sibling before it (earlier dropped ones are gone by then), or into the parent's text.
    # Tails are gathered and joined once per receiver: appending them one by one made a page
    # of 80,000 <img>s take a minute.
    tails: dict[tuple[int, str], tuple[lxml.html.HtmlElement, str, list[str]]] = {}
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            prev = el.getprevious()
            target, attribute = (prev, "tail") if prev is not None else (parent, "text")
            # Keyed by id(): the tuple keeps the element, and so its id, alive.
            tails.setdefault((id(target), attribute), (target, attribute, []))[2].append(el.tail)
        parent.remove(el)
    for target, attribute, parts in tails.values():
        setattr(target, attribute, (getattr(target, attribute) or "") + "".join(parts))


class _Walker:
    def __init__(self, out: list[Block]) -> None:
        self.out = out

    def walk(self, el: lxml.html.HtmlElement, list_label: str | None = None, in_ul: bool = False) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        kind = {"h1": "title"}.get(tag) or ("heading" if tag in {"h2", "h3", "h4", "h5", "h6"} else None)
        if tag == "li":
            kind = "bullet" if in_ul else "li"
        kind = kind or "para"
        first = True
        buf: list[str] = []
        inline_tags: list[str] = []
        loose_text = [False]  # text outside <strong>/<b> in the current run

        def flush() -> None:
            nonlocal first
            text = _SPACE.sub(" ", "".join(buf)).strip()
            buf.clear()
            emphasis = bool(inline_tags) and not loose_text[0] and all(t in _EMPHASIS_TAGS for t in inline_tags)
            inline_tags.clear()
            loose_text[0] = False
            if not text:
                return
            if kind in {"li", "bullet"}:
                self.out.append(Block(text, kind, list_label if first else None, continues=not first, emphasis=emphasis))
            else:
                self.out.append(Block(text, kind, emphasis=emphasis))
            first = False

        if el.text:
            buf.append(el.text)
            loose_text[0] = loose_text[0] or bool(el.text.strip())
        ordinal = _ol_start(el) if tag == "ol" else 1
        for child in el:
            ctag = child.tag.lower() if isinstance(child.tag, str) else ""
            if ctag in _BLOCK_TAGS:
                flush()
                if ctag == "li":
                    label = str(_li_value(child, ordinal)) if tag == "ol" else None
                    ordinal = _li_value(child, ordinal) + 1
                    self.walk(child, label, in_ul=tag != "ol")
                else:
                    # A paragraph inside a list item continues that item.
                    if kind in {"li", "bullet"}:
                        self._walk_in_item(child, kind)
                    else:
                        self.walk(child)
            elif ctag == "br":
                flush()
            else:
                text = child.text_content() if ctag else ""
                if text.strip():
                    inline_tags.append(ctag)
                buf.append(text)
            if child.tail:
                buf.append(child.tail)
                loose_text[0] = loose_text[0] or bool(child.tail.strip())
        flush()

    def _walk_in_item(self, el: lxml.html.HtmlElement, kind: str) -> None:
        start = len(self.out)
        self.walk(el)
        for block in self.out[start:]:
            if block.kind == "para":
                block.kind = kind
                block.continues = True


def _ol_start(el: lxml.html.HtmlElement) -> int:
    try:
        return int(el.get("start", "1"))
    except ValueError:
        return 1


def _li_value(el: lxml.html.HtmlElement, default: int) -> int:
    try:
        return int(el.get("value", default))
    except ValueError:
        return default
