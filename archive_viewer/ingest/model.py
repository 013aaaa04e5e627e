"""Plain records the parser produces and the store keeps. No Qt, no database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

MeetingKind = Literal[
    "foreign_ministers_meeting", "summit_meeting", "telephone_talk", "trilateral_meeting", "other"
]
Role = Literal["principal", "attendee"]

#: The speaker value of a statement made together by the sides ("The two ministers ...").
JOINT = "joint"


@dataclass
class Person:
    """A participant as the document introduces them."""

    name: str  # canonical: as first fully written, honorifics removed, family-name order kept
    title: str | None
    country: str | None  # short country name ("Republic of Korea", "United States")
    role: Role
    aliases: list[str] = field(default_factory=list)  # other forms used in this document
    gender: str | None = None  # "f" / "m" when the text shows it; resolves "she" and "he"


@dataclass
class Statement:
    """A sentence, or a run of sentences, by one speaker."""

    text: str
    speaker: str | None  # Person.name, JOINT, or None when the text names no speaker
    issues: list[str] = field(default_factory=list)  # thesaurus issue names


@dataclass
class Item:
    """A first-level unit of a section: a numbered paragraph, bullet or plain paragraph."""

    label: str | None  # "(1)", "1", None for bullets and plain paragraphs
    heading: str | None  # sub-heading text of an item such as "(1) Security"; not a statement
    text: str  # the item's whole text (without label and heading)
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Section:
    number: str | None  # "1", "II"; None for unnumbered headings and untitled sections
    title: str | None
    items: list[Item] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


@dataclass
class Meeting:
    title: str
    kind: MeetingKind
    published_on: date | None
    held_on: date | None
    location: str | None
    occasion: str | None
    countries: list[str]
    principals: list[Person]
    attendees: list[Person]
    summary: str  # the lead paragraph(s)
    sections: list[Section]
    issues: list[str] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [*self.principals, *self.attendees]

    def statements(self) -> list[Statement]:
        return [st for sec in self.sections for item in sec.items for st in item.statements]


class NotAMeetingDocument(ValueError):
    """The input is readable but holds no meeting overview (or is not text at all)."""
