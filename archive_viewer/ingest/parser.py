"""A meeting document (bytes) to a Meeting record."""
from __future__ import annotations

import re
from pathlib import PurePath

from .decode import decode_bytes
from .facts import held_on, location, meeting_kind, occasion
from .gazetteer import Gazetteer, load_gazetteer
from .html_blocks import html_to_blocks
from .model import Item, Meeting, NotAMeetingDocument, Section
from .participants import find_participants, split_parentheticals, title_countries
from .speakers import Attributor, SpeakerIndex
from .structure import RawItem, RawSection, looks_like_meeting_title, split_layout, text_to_blocks
from .thesaurus import Thesaurus, load_thesaurus

_HTML_SNIFF = re.compile(r"<\s*(?:!doctype\s+html|html|body|head|p|div|table)\b", re.I)


def looks_like_html(name: str, text: str) -> bool:
    suffix = PurePath(name).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml", ".shtml"}:
        return True
    return suffix not in {".txt", ".text"} and bool(_HTML_SNIFF.search(text[:2000]))


def parse_document(
    data: bytes,
    name: str,
    *,
    gazetteer: Gazetteer | None = None,
    thesaurus: Thesaurus | None = None,
) -> Meeting:
    """Parse one document. Raises NotAMeetingDocument when it holds no meeting overview."""
    if not data.strip():
        raise NotAMeetingDocument("is empty")
    text = decode_bytes(data)
    return parse_text(text, html=looks_like_html(name, text), gazetteer=gazetteer, thesaurus=thesaurus)


def parse_text(
    text: str,
    *,
    html: bool = False,
    gazetteer: Gazetteer | None = None,
    thesaurus: Thesaurus | None = None,
) -> Meeting:
    gaz = gazetteer or load_gazetteer()
    thes = thesaurus or load_thesaurus()
    blocks = html_to_blocks(text) if html else text_to_blocks(text)
    if not blocks:
        raise NotAMeetingDocument("holds no text")
    layout = split_layout(blocks)
    if layout.lead and not any(sec.items for sec in layout.sections):
        # A short readout that is all lead: its sentences are what was said.
        layout.sections = [RawSection(None, None, [RawItem(None, None, list(layout.lead))])]
    principals, attendees, countries = find_participants(layout.lead, layout.title, gaz)
    if not principals and layout.sections:
        # Some pages put the introduction under a first heading ("1. Overview").
        first_paragraphs = [p for s in layout.sections[:1] for i in s.items[:2] for p in i.paragraphs[:1]]
        principals, attendees, countries = find_participants(first_paragraphs, layout.title, gaz)
    has_items = any(s.items for s in layout.sections)
    if not has_items or not (principals or (layout.lead and looks_like_meeting_title(layout.title))):
        raise NotAMeetingDocument(
            "does not look like a meeting overview (no lead paragraph naming who met, or no body)"
        )
    lead_text = " ".join(layout.lead)
    lead_main, _ = split_parentheticals(lead_text)
    index = SpeakerIndex.build([*principals, *attendees])
    attributor = Attributor(index, gaz)
    sections: list[Section] = []
    body_parts: list[str] = []
    for raw in layout.sections:
        section = Section(raw.number, raw.title)
        for raw_item in raw.items:
            item = Item(raw_item.label, raw_item.heading, "\n\n".join(raw_item.paragraphs))
            item.statements = attributor.statements(raw_item.paragraphs)
            for st in item.statements:
                st.issues = thes.tag(st.text)
            section.items.append(item)
            body_parts.append(item.text)
        heading_issues = thes.tag(" ".join(filter(None, [raw.title, *(i.heading or "" for i in section.items)])))
        section.issues = _merge(heading_issues, *(st.issues for it in section.items for st in it.statements))
        sections.append(section)
    kind = meeting_kind(layout.title, lead_text, principals, title_countries(layout.title, gaz))
    meeting = Meeting(
        title=layout.title,
        kind=kind,
        published_on=layout.published_on,
        held_on=held_on(lead_main, layout.published_on, " ".join(body_parts)),
        location=location(lead_main, gaz, kind),
        occasion=occasion(lead_main),
        countries=countries,
        principals=principals,
        attendees=attendees,
        summary="\n\n".join(layout.lead),
        sections=sections,
    )
    meeting.issues = thes.with_ancestors(
        _merge(thes.tag(layout.title), thes.tag(meeting.occasion or ""), *(s.issues for s in sections))
    )
    return meeting


def _merge(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for names in lists:
        for name in names:
            if name not in out:
                out.append(name)
    return out
