"""Blocks of a document to its parts: title, date line, lead, sections and items."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import parse_date_line
from .html_blocks import Block

# Lines that close a page or belong to its furniture, never to the document's text.
TRAILER_RE = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:[\[(]?\s*\*?\s*)?(?:Back\s+to\b.*|Suggest\s+to\s+a\s+friend.*|Print\s+this\s+page|Page\s*Top|To\s+the\s+top|Return\s+to\b.*|\(?END\)?|"
    r"Related\s+Links?\b.*|\*?\s*The\s+foregoing\s+is\s+a\s+provisional\s+translation.*|"
    r"\[?Provisional\s+translation\]?|Japanese|Print|Share|Tweet|Archives?|PDF\b.*|Page|"
    r"Press\s+Releases?|Top\s+of\s+page)\s*[\])]?\s*$",
    re.I,
)
_PHOTO = re.compile(r"^\W*\(?\s*(?:photo|picture|image)s?\s*\)?\s*(?:[:\-]|\)|$)", re.I)
_TITLE_WORDS = re.compile(
    r"\b(Meeting|Meetings|Talks?|Summit|Conversation|Telephone|Dialogue|Visit|Call|Consultations?|"
    r"Conference|Outline|Overview|Summary|Luncheon|Lunch|Dinner|Breakfast|Videoconference|"
    r"Video\s+Conference|Exchange|Discussions?)\b",
    re.I,
)
_LEAD_CLOSER = re.compile(
    r"(?:as\s+follows|follows|below|outlined\s+here|summar(?:y|ized)\s+here)\s*[.:]?\s*\)?\s*$",
    re.I,
)
_ATTENDEE_LEAD = re.compile(
    r"^\s*\(?\s*(?:(?:The\s+)?[A-Z][\w.\- ]{0,30}\s+side\s*:|From\s+the\b|Also\s+(?:in\s+attendance|present|attending)|"
    r"Attend(?:ees|ing)|Present\b|Joining\b|Participants?\b|Accompanying\b|Among\s+(?:those|officials))",
    re.I,
)

# Markers at the start of a line.
_DOUBLED = re.compile(r"^\s*\d{1,2}[.)]\s*(\(\s*\d{1,2}\s*\)|（\d{1,2}）)\s*(.*)$", re.S)
_REPEATED_NUMBER = re.compile(r"^\s*(\d{1,2})\.\s*\1\.\s*(?=\S)")  # "4. 4. The two ministers ..."
_PAREN_NUM = re.compile(r"^\s*[(（]\s*(\d{1,2})\s*[)）]\s*(.*)$", re.S)
_PAREN_SUB = re.compile(r"^\s*[(（]\s*([a-z]|[ivx]{1,4})\s*[)）]\s*(.*)$", re.S)
_NUMBERED = re.compile(r"^\s*(\d{1,2})(?:[.)]\s*|\s+)(?=\S)(.*)$", re.S)
_ROMAN = re.compile(r"^\s*([IVX]{1,5})[.)]\s*(?=\S)(.*)$", re.S)
_LETTER = re.compile(r"^\s*([a-z])[.)]\s+(.*)$", re.S)
_BULLET = re.compile(r"^\s*(?:[-–•・*●○■□◆◇▪►»°◦]|o(?=\s+[A-Z(]))\s*(.*)$", re.S)


@dataclass
class RawItem:
    label: str | None
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class RawSection:
    number: str | None
    title: str | None
    items: list[RawItem] = field(default_factory=list)


@dataclass
class Layout:
    title: str
    published_on: date | None
    lead: list[str]
    sections: list[RawSection]


def text_to_blocks(text: str) -> list[Block]:
    """Plain text to blocks: one block a line, hard-wrapped paragraphs joined again."""
    blocks: list[Block] = []
    joinable = False
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            joinable = False
            continue
        # A line that breaks mid-sentence continues on the next one ("...the\nrelationship");
        # short lines (dates, titles, captions) are lines of their own.
        if joinable and blocks and line[0].islower() and not _starts_with_marker(line) and len(blocks[-1].text) > 60:
            blocks[-1].text += " " + line
        else:
            blocks.append(Block(line))
        joinable = not re.search(r"[.!?:;\"”')]$", line)
    return blocks


def _starts_with_marker(line: str) -> bool:
    return bool(_PAREN_NUM.match(line) or _PAREN_SUB.match(line) or _BULLET.match(line) or _LETTER.match(line))


def is_heading_text(text: str) -> bool:
    """Short, unpunctuated, capitalised: "North Korean Issues", "Japan-China Relations: General"."""
    text = text.strip()
    if not text or len(text) > 90 or len(text.split()) > 12:
        return False
    if re.search(r"[.;,]\s*$", text) and not re.search(r"\b(?:U\.S|etc|D\.C)\.$", text):
        return False
    first = text.lstrip("\"“'(")[:1]
    return first.isupper() or first.isdigit()


def looks_like_meeting_title(text: str) -> bool:
    return bool(_TITLE_WORDS.search(text))


_BREADCRUMB = re.compile(r"\s(?:>|»|›|&gt;)\s")
_CAPTION = re.compile(r"\bphoto\s*\d*\s*[:)]|^\(?\s*photo\b|\bphoto\s+session\b", re.I)
_CATEGORY = re.compile(r"^[\w.'’\- ]+\s+Relations$|^Press\s+Releases?$|^(?:News|Press)\b", re.I)
_CAPTION_NUMBER = re.compile(
    r"(?<=[A-Za-z'’)])\s*(?:\(\d{1,2}\)|\d{1,2})$(?<!\b(?:on|On|of|in)\s\d)(?<!\b(?:on|On|of|in)\s\d\d)"
)


_CAPITAL_TITLE_WORDS = re.compile(
    r"\b(?:Meetings?|Talks?|Summit|Conversation|Telephone|Dialogue|Visit|Call|Consultations?|Conference|"
    r"Luncheon|Lunch|Dinner|Breakfast|Videoconference|Exchange|Discussions?|Meets?|Holds?)\b"
)
_CHAIN = re.compile(r"\b[A-Z][\w.]*-[A-Z][\w.]*")


def clean_title(text: str) -> str:
    """A title candidate without breadcrumb trail or photo-caption marks."""
    text = _BREADCRUMB.split(text)[-1].strip()
    text = re.sub(r"^\(\s*photo\s*\d*\s*\)\s*|^photo\s*\d*\s*:\s*", "", text, flags=re.I)
    text = re.sub(r"\s*\(?\bPhoto:[^)]*\)?\s*$", "", text)
    if _CAPITAL_TITLE_WORDS.search(text):
        text = _CAPTION_NUMBER.sub("", text)  # "Japan-ROK Foreign Ministers' Meeting 1"
    return text.strip()


def find_title(blocks: list[Block]) -> tuple[int, str]:
    """The title block and its text: the page's <h1>, or the line that best names the meeting.

    Photo captions ("Japan-ROK Foreign Ministers' Meeting 1", "(Photo) ..."), category lines
    ("Japan-China Relations") and breadcrumbs are passed over when a better line exists.
    """
    for i, b in enumerate(blocks[:12]):
        if b.kind == "title" and b.text.strip():
            return i, clean_title(b.text)
    best: tuple[int, int] | None = None
    window = blocks[:12]
    for i, b in enumerate(window):
        t = b.text.strip()
        if len(t) > 250 or parse_date_line(t) or TRAILER_RE.match(t) or _LEAD_CLOSER.search(t):
            continue
        if re.search(r"[.:]\s*$", t) and not re.search(r"\b(?:Overview|Summary|Outline)\b", t):
            continue  # a sentence, not a heading
        cleaned = clean_title(t)
        score = 0
        if _CAPITAL_TITLE_WORDS.search(cleaned):
            score += 3
        elif _TITLE_WORDS.search(cleaned):
            score += 1
        if _CHAIN.search(cleaned):
            score += 1
        if any(parse_date_line(n.text) for n in window[i + 1 : i + 3]):
            score += 2
        if _CAPTION.search(t) or cleaned != _BREADCRUMB.split(t)[-1].strip():
            score -= 1
        if _CATEGORY.search(cleaned) or _is_marker_block(b) and b.kind == "para":
            score -= 3
        if best is None or score > best[0]:
            best = (score, i)
    if best is not None:
        return best[1], clean_title(blocks[best[1]].text)
    return 0, blocks[0].text.strip()


def split_layout(blocks: list[Block]) -> Layout:
    if not blocks:
        return Layout("", None, [], [])
    ti, title = find_title(blocks)
    published: date | None = None
    body_start = ti + 1
    # The date line sits just above or below the title (below it, perhaps after photo captions).
    for j in [*range(max(0, ti - 3), ti), *range(ti + 1, min(len(blocks), ti + 5))]:
        d = parse_date_line(blocks[j].text)
        if d:
            published = d
            body_start = max(body_start, j + 1)
            break
    rest = _cut_trailers(blocks[body_start:])
    rest = [b for b in rest if not _PHOTO.match(b.text)]
    rest = [b for b in rest if not parse_date_line(b.text) and not TRAILER_RE.match(b.text)]
    lead, body = _split_lead(rest)
    return Layout(title, published, lead, _sections(body))


def _cut_trailers(blocks: list[Block]) -> list[Block]:
    """Everything after "Back to Index", "Page Top", "Related Link" is page furniture."""
    for i, b in enumerate(blocks):
        if i > 0 and re.match(
            r"^\s*(?:[-•*]\s*)?(?:Back\s+to\b|Page\s*Top\b|Related\s+Links?\b|\(?END\)?\s*$|Suggest\s+to\s+a\s+friend|"
            r"\(?\s*\*?\s*The\s+foregoing\s+is\s+a\s+provisional)",
            b.text,
            re.I,
        ):
            return blocks[:i]
    return blocks


_INTRO = re.compile(
    r"\b(?:held|holds|met|meets|hosted|had|paid|received|visited|took\s+part|participated|"
    r"telephone\s+talk|talks?\s+with|meeting\s+with)\b"
)
_PERSON_SIGNAL = re.compile(
    r"\b(?:Mr|Ms|Mrs|Dr|H\.\s?E|Minister|President|Secretary|Premier|Chancellor|Councilor|Hon)\b"
)
_LEAD_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[(（]\d{1,2}[)）]|[-•・*●])\s*")


def is_intro(text: str) -> bool:
    """A lead paragraph: someone met, held talks with, or telephoned someone."""
    return len(text) > 80 and bool(_INTRO.search(text)) and bool(_PERSON_SIGNAL.search(text))


def _split_lead(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """The lead: who met whom, where and when, and who attended; then the body.

    The lead is the first paragraph that introduces the meeting, even when photo captions come
    before it or it is numbered as the first item ("1. On September 25, ... held a telephone talk").
    """
    lead: list[str] = []
    i = 0
    intro = next((k for k, b in enumerate(blocks[:10]) if b.kind != "heading" and is_intro(b.text)), None)
    if intro is not None and not any(_is_marker_block(b) and b.kind == "heading" for b in blocks[:intro]):
        lead.append(_LEAD_MARKER.sub("", blocks[intro].text))
        i = intro + 1
    else:
        # Skip captions and one-word lines before the lead paragraph.
        while i < len(blocks) and not _is_marker_block(blocks[i]) and len(blocks[i].text) < 60 and not _LEAD_CLOSER.search(blocks[i].text):
            if i + 1 < len(blocks) and _is_marker_block(blocks[i + 1]):
                break  # a heading right before the first item: body starts here
            i += 1
        if i < len(blocks) and not _is_marker_block(blocks[i]):
            lead.append(blocks[i].text)
            i += 1
    if lead:
        while i < len(blocks):
            text = _LEAD_MARKER.sub("", blocks[i].text) if _LEAD_CLOSER.search(blocks[i].text) else blocks[i].text
            if _is_marker_block(blocks[i]) and not (_LEAD_CLOSER.search(blocks[i].text) and len(text) < 200):
                break
            closes_lead = bool(_LEAD_CLOSER.search(lead[-1]))
            if _ATTENDEE_LEAD.match(text) or (_LEAD_CLOSER.search(text) and len(text) < 300):
                lead.append(text)
                i += 1
                continue
            if not closes_lead and i + 1 < len(blocks) and _LEAD_CLOSER.search(text) is None and any(
                _LEAD_CLOSER.search(b.text) for b in blocks[i : i + 2]
            ) and not _is_marker_block(blocks[i]):
                lead.append(text)
                i += 1
                continue
            break
    return lead, blocks[i:]


def _is_marker_block(b: Block) -> bool:
    """Whether a block starts the structured body (a heading or a numbered or bulleted item)."""
    if b.kind in {"heading", "li", "bullet"} or b.emphasis:
        return True
    t = b.text
    return bool(
        _DOUBLED.match(t) or _PAREN_NUM.match(t) or _ROMAN.match(t) or _BULLET.match(t)
        or (_NUMBERED.match(t) and not re.match(r"^\s*\d{1,2}\s+(?:a\.m|p\.m|minutes|hours|years)", t))
    )


@dataclass
class _Classified:
    kind: str  # "section" | "item" | "sub" | "para" | "skip"
    number: str | None = None
    label: str | None = None
    text: str = ""
    heading_like: bool = False


def _classify(b: Block, roman_sections: bool) -> _Classified:
    t = _REPEATED_NUMBER.sub(lambda m: f"{m.group(1)}. ", b.text.strip())
    if b.kind in {"heading", "title"} or (b.emphasis and is_heading_text(t)):
        m = _NUMBERED.match(t) or _ROMAN.match(t)
        if m:
            return _Classified("section", number=m.group(1), text=m.group(2).strip())
        m = _PAREN_NUM.match(t)
        if m:
            return _Classified("item", label=f"({m.group(1)})", text=m.group(2).strip(), heading_like=True)
        # <ol><li><strong>North Korea</strong>...: the list's number is the section's.
        return _Classified("section", number=b.label if b.kind == "li" else None, text=t)
    if b.kind in {"li", "bullet"} and b.continues:
        return _Classified("cont", text=t)
    m = re.match(r"^\s*(?:(\d{1,2})[.)]|[(（](\d{1,2})[)）])\s*$", t)
    if m:  # a marker alone on its line; the text follows
        return _Classified("item", label=m.group(1) or f"({m.group(2)})", text="")
    m = _DOUBLED.match(t)
    if m:
        label = re.sub(r"\s|（|）", lambda x: {"（": "(", "）": ")"}.get(x.group(), ""), m.group(1))
        return _Classified("item", label=label, text=m.group(2).strip(), heading_like=is_heading_text(m.group(2)))
    m = _BULLET.match(t)
    if m:
        inner = m.group(1).strip()
        if not inner:
            return _Classified("skip")
        pm = _PAREN_NUM.match(inner)
        if pm:
            return _Classified("item", label=f"({pm.group(1)})", text=pm.group(2).strip(), heading_like=is_heading_text(pm.group(2)))
        return _Classified("item", label=None, text=inner)
    m = _PAREN_NUM.match(t)
    if m:
        return _Classified("item", label=f"({m.group(1)})", text=m.group(2).strip(), heading_like=is_heading_text(m.group(2)))
    if _PAREN_SUB.match(t) or _LETTER.match(t):
        return _Classified("sub", text=t)
    m = _ROMAN.match(t)
    if m and is_heading_text(m.group(2)):
        return _Classified("section", number=m.group(1), text=m.group(2).strip())
    m = _NUMBERED.match(t)
    if m and not re.match(r"^\s*\d{1,2}\s+(?:a\.m|p\.m|minutes|hours|years)", t):
        body = m.group(2).strip()
        if is_heading_text(body) and not roman_sections:
            return _Classified("section", number=m.group(1), text=body)
        return _Classified("item", label=m.group(1), text=body, heading_like=is_heading_text(body))
    if b.kind == "li":
        return _Classified("item", label=b.label, text=t, heading_like=False)
    if b.kind == "bullet":
        return _Classified("item", label=None, text=t)
    if is_heading_text(t) and len(t.split()) <= 8 and not re.search(r"[:]$", t) and b.kind == "para":
        return _Classified("heading?", text=t)
    return _Classified("para", text=t)


def _sections(body: list[Block]) -> list[RawSection]:
    roman = sum(1 for b in body if _ROMAN.match(b.text) and is_heading_text(_ROMAN.match(b.text).group(2))) >= 2
    classified = [_classify(b, roman) for b in body]
    # An unnumbered short line is a heading when text follows it and other headings look alike.
    for idx, c in enumerate(classified):
        if c.kind == "heading?":
            nxt = classified[idx + 1] if idx + 1 < len(classified) else None
            c.kind = "section" if nxt is not None and nxt.kind in {"para", "item", "sub", "cont"} else "para"
    sections: list[RawSection] = []
    item: RawItem | None = None

    def current_section() -> RawSection:
        if not sections:
            sections.append(RawSection(None, None))
        return sections[-1]

    for c in classified:
        if c.kind == "skip":
            continue
        if c.kind == "section":
            sections.append(RawSection(c.number, c.text or None))
            item = None
        elif c.kind == "item" and item is not None and _is_deeper(c, item, sections):
            if c.text:
                item.paragraphs.append(f"{c.label}. {c.text}")
        elif c.kind == "item":
            sec = current_section()
            if c.heading_like and c.label is not None:
                item = RawItem(c.label, c.text)
            else:
                item = RawItem(c.label, None, [c.text] if c.text else [])
            sec.items.append(item)
        elif c.kind in {"sub", "para", "cont"}:
            sec = current_section()
            # Paragraphs under a sub-heading ("(1) Security"), deeper markers ("(a)") and further
            # paragraphs of a list item stay in that item.
            # A marker alone on its line ("(1)" then the text below) takes the next paragraph too.
            if item is not None and (item.heading is not None or c.kind in {"sub", "cont"} or not item.paragraphs):
                item.paragraphs.append(c.text)
            else:
                item = RawItem(None, None, [c.text])
                sec.items.append(item)
    for sec in sections:
        sec.items = [it for it in sec.items if it.paragraphs or it.heading]
    return [s for s in sections if s.items or s.title]


def _is_deeper(c: _Classified, item: RawItem, sections: list[RawSection]) -> bool:
    """A "1." paragraph under "(1) Opening remarks" in a section numbered "1": a third level."""
    return (
        c.label is not None and c.label.isdigit() and item.label is not None and item.label.startswith("(")
        and item.heading is not None and bool(sections) and (sections[-1].number or "").isdigit()
    )
