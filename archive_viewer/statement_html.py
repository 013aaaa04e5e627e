"""HTML for a meeting and its statements, by speaker, in document order or side by side: the
detail pane and the PDF export.

No Qt here, so that rendering is tested with plain dataclasses. The one rule: every string that
comes from a document goes through :func:`esc` (or :func:`highlighted`, which escapes too), so
a statement holding ``<script>`` or ``<img src=http://…>`` is shown as those characters and
nothing in a document can add markup, links or resources. The only links are the ones written
here: internal anchors, a document's source when it is an http(s) URL, and on screen (not on
paper) each person's name as ``person:ID``, which opens the person's page.

The HTML keeps to what Qt's rich-text engine supports (tables for coloured bars, inline styles).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from urllib.parse import quote

from archive_viewer.citation import source_label
from archive_viewer.side_by_side import Side, SideRow, side_by_side_rows, sides_of
from archive_viewer.store.filters import MEETING_KINDS

JOINT_LABEL = "Joint"
NO_SPEAKER_LABEL = "No speaker"
#: The ways of laying out statements: grouped by speaker, in document order, one column per side.
GROUPINGS = ("speaker", "document", "sides")


# -- what is rendered ------------------------------------------------------------------------
# Protocols naming the fields of store.queries' dataclasses that are used here.

class ParticipantLike(Protocol):
    person_id: int
    name: str
    title: str | None
    country: str | None
    role: str


class MeetingLike(Protocol):
    id: int
    title: str
    kind: str
    held_on: str | None
    published_on: str | None
    location: str | None
    occasion: str | None
    summary: str
    countries: list[str]
    participants: list[ParticipantLike]
    source_path: str
    file_name: str


class SectionLike(Protocol):
    id: int
    number: str | None
    title: str | None


class ItemLike(Protocol):
    id: int
    section_id: int
    label: str | None
    heading: str | None


class StatementLike(Protocol):
    id: int
    section_id: int
    section_number: str | None
    section_title: str | None
    item_id: int
    item_label: str | None
    item_heading: str | None
    speaker_id: int | None
    speaker_name: str | None
    speaker_country: str | None
    is_joint: bool
    text: str
    issues: tuple[str, ...]
    matches: bool


class NoteLike(Protocol):
    body: str
    created_at: str
    edited_at: str | None


class AnnotationLike(Protocol):
    """The user's notes and tags on a node (store.notes.NodeAnnotations)."""

    notes: Sequence[NoteLike]

    @property
    def tag_names(self) -> tuple[str, ...]: ...


#: A node of the page: ("meeting" | "section" | "item" | "statement", row id).
NodeKey = tuple[str, int]
#: The scheme of the links on note markers: ``avnote:statement/12`` opens that node's notes.
NOTE_LINK = "avnote"
NEW_LABEL = "NEW"


class MeetingRowLike(Protocol):
    title: str
    held_on: str | None
    location: str | None
    statements: int


@dataclass(frozen=True)
class DetailContent:
    """Everything one node's view shows, loaded in one go by the detail pane's task."""

    kind: str  # 'meeting' | 'section' | 'item'
    meeting: MeetingLike
    statements: Sequence[StatementLike]
    section: SectionLike | None = None
    item: ItemLike | None = None
    terms: Sequence[str] = ()  # search words and phrases to highlight
    filtered: bool = False  # the filter has statement terms: mark the statements that match
    #: The user's notes and tags on the meeting and anything in it, by node.
    annotations: Mapping[NodeKey, AnnotationLike] = field(default_factory=dict)
    #: Annotated nodes whose text changed since (carried over to a changed document).
    changed: frozenset[NodeKey] = frozenset()
    #: The saved search open, when the meeting arrived since it was last opened: its
    #: matching statements are marked new.
    new_for: str | None = None


@dataclass(frozen=True)
class Colours:
    """The palette the HTML is written for (hex colours), taken from the widget's QPalette."""

    dark: bool = False
    text: str = "#1b1b1b"
    muted: str = "#5f6368"
    base: str = "#ffffff"
    rule: str = "#d0d4d9"
    mark_bg: str = "#ffe36e"  # search term highlight
    mark_fg: str = "#1b1b1b"
    match_bg: str = "#eef5ff"  # a statement that matches the filter
    tag_bg: str = "#e8eaed"
    tag_fg: str = "#3c4043"
    link: str = "#1a5fb4"
    user_tag_bg: str = "#dcefe0"  # the user's own tags: green, unlike the issues' grey
    user_tag_fg: str = "#1d5a2c"
    note_fg: str = "#8a4b00"  # the note marker: amber, like a sticky note
    new_bg: str = "#c9302c"  # the NEW badge
    new_fg: str = "#ffffff"

    @classmethod
    def dark_default(cls) -> Colours:
        return cls(dark=True, text="#e8e8e8", muted="#a0a4a8", base="#1e1f22", rule="#4a4d52",
                   mark_bg="#8a6d00", mark_fg="#ffffff", match_bg="#1f3047", tag_bg="#3a3d42",
                   tag_fg="#d6d8db", link="#8ab4f8", user_tag_bg="#234a2e",
                   user_tag_fg="#c4ecce", note_fg="#f2b560", new_bg="#e5534b",
                   new_fg="#1e1f22")


# Speaker colours: (on a light background, on a dark background), each pair the same hue,
# contrast >= 4.5:1 against white resp. #1e1f22.
SPEAKER_COLOURS: tuple[tuple[str, str], ...] = (
    ("#1f5fa8", "#7fb2f0"),  # blue
    ("#a04a00", "#f0a45c"),  # orange
    ("#2a7530", "#7fcf86"),  # green
    ("#a8283a", "#f28b96"),  # red
    ("#6a3d9a", "#c3a5e8"),  # purple
    ("#006d77", "#6fd0d8"),  # teal
    ("#7a5230", "#d9ad86"),  # brown
    ("#9c2f78", "#eb9ad3"),  # magenta
)
JOINT_COLOURS = ("#4a5866", "#aab8c6")  # slate: both sides together
NO_SPEAKER_COLOURS = ("#666a70", "#9a9ea3")


# -- speakers ----------------------------------------------------------------------------------

SpeakerKey = tuple[str, int]  # ("person", id) | ("joint", 0) | ("none", 0)
JOINT_KEY: SpeakerKey = ("joint", 0)
NONE_KEY: SpeakerKey = ("none", 0)


def speaker_key(statement: StatementLike) -> SpeakerKey:
    if statement.is_joint:
        return JOINT_KEY
    if statement.speaker_id is None:
        return NONE_KEY
    return ("person", statement.speaker_id)


@dataclass
class SpeakerGroup:
    key: SpeakerKey
    statements: list[StatementLike] = field(default_factory=list)


def group_by_speaker(statements: Iterable[StatementLike],
                     principals: Iterable[int]) -> list[SpeakerGroup]:
    """Each principal who speaks (in order of first word), other speakers, Joint, No speaker."""
    groups: dict[SpeakerKey, SpeakerGroup] = {}
    for statement in statements:
        key = speaker_key(statement)
        groups.setdefault(key, SpeakerGroup(key)).statements.append(statement)
    principal_ids = set(principals)

    def rank(group: SpeakerGroup) -> int:
        kind, person = group.key
        if kind == "person":
            return 0 if person in principal_ids else 1
        return 2 if kind == "joint" else 3

    return sorted(groups.values(), key=rank)  # stable: first appearance within a rank


def speaker_colours(meeting: MeetingLike, statements: Iterable[StatementLike],
                    dark: bool) -> dict[SpeakerKey, str]:
    """One colour per speaker, the same in every section and either grouping of a meeting.

    A person's colour comes from their id, so it also tends to stay the same across meetings;
    two speakers of one meeting never share one while colours are left (principals choose first).
    """
    shade = 1 if dark else 0
    people: list[int] = [p.person_id for p in meeting.participants if p.role == "principal"]
    people += [p.person_id for p in meeting.participants if p.role != "principal"]
    people += [s.speaker_id for s in statements if s.speaker_id is not None]
    colours: dict[SpeakerKey, str] = {JOINT_KEY: JOINT_COLOURS[shade],
                                      NONE_KEY: NO_SPEAKER_COLOURS[shade]}
    taken: set[int] = set()
    for person in dict.fromkeys(people):  # unique, in order
        slot = person % len(SPEAKER_COLOURS)
        if len(taken) < len(SPEAKER_COLOURS):
            while slot in taken:
                slot = (slot + 1) % len(SPEAKER_COLOURS)
        taken.add(slot)
        colours[("person", person)] = SPEAKER_COLOURS[slot][shade]
    return colours


def speaker_label(statement: StatementLike) -> str:
    if statement.is_joint:
        return JOINT_LABEL
    return statement.speaker_name or NO_SPEAKER_LABEL


# -- text ------------------------------------------------------------------------------------

def esc(text: object) -> str:
    """Document text as HTML text: markup characters escaped, nothing else touched."""
    return html.escape(str(text), quote=True)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """A regex finding the search terms in text as the FTS index does (roughly).

    Each term matches at the start of a word and runs to the end of that word, so "launch"
    marks "launches" (the index stems words) and "nucl" marks "nuclear" (prefix searches);
    a phrase's words match across any spacing or punctuation.
    """
    alternatives = []
    for term in terms:
        words = _WORD.findall(term)
        if words:
            alternatives.append(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\w*")
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)  # the longest phrase wins where they overlap
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlighted(text: str, pattern: re.Pattern[str] | None, colours: Colours) -> str:
    """``text`` escaped, with the pattern's matches marked."""
    if pattern is None:
        return esc(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out.append(esc(text[last:match.start()]))
        out.append(f'<span style="background-color:{colours.mark_bg}; color:{colours.mark_fg};">'
                   f"{esc(match.group())}</span>")
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def readable_date(iso: str | None) -> str | None:
    """"7 April 2012" for "2012-04-07"; anything unparsable is shown as it is."""
    if not iso:
        return None
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def section_heading(number: str | None, title: str | None) -> str:
    if number and title:
        return f"{number}. {title}"
    return title or (f"Section {number}" if number else "")


def item_heading(label: str | None, heading: str | None) -> str:
    return " ".join(part for part in (label, heading) if part)


# -- the page --------------------------------------------------------------------------------

def render(content: DetailContent, *, grouping: str, colours: Colours, paper: bool = False) -> str:
    """The whole page for a meeting, section or item.

    ``paper``: statements as indented paragraphs instead of table rows with a coloured bar. A
    table cell running over a printed page break repeats its last line in the PDF's text layer,
    and a bar would leave slivers at page feet; the speaker's colour stays in the headings.
    """
    meeting = content.meeting
    pattern = term_pattern(content.terms)
    speaker_colour = speaker_colours(meeting, content.statements, colours.dark)
    principals = [p.person_id for p in meeting.participants if p.role == "principal"]
    page = _Page(colours, pattern, speaker_colour, principals, content.filtered, meeting, paper,
                 sides=sides_of(meeting, content.statements) if grouping == "sides" else [],
                 annotations=content.annotations, changed=content.changed,
                 new=content.new_for is not None)

    parts = [_style(), _meeting_header(meeting, colours, speaker_colour,
                                       with_summary=content.kind == "meeting", links=not paper)]
    if content.new_for is not None:
        parts.append(f'<p style="margin-top:4px;">{page.new_badge()} <span style="color:'
                     f'{colours.muted};">Imported since you last opened the saved search '
                     f"“{esc(content.new_for)}”</span></p>")
    parts.append(page.annotation_block(("meeting", meeting.id)))
    if content.filtered:
        matching = sum(1 for s in content.statements if s.matches)
        total = len(content.statements)
        parts.append(
            f'<p style="color:{colours.muted};">Matching the filter: {matching} of {total} '
            f"statement{'' if total == 1 else 's'} here, "
            f'<span style="background-color:{colours.match_bg}; color:{colours.text};">'
            "&nbsp;shaded like this&nbsp;</span>; the others are greyed.</p>"
        )

    if content.kind == "meeting":
        by_section: dict[int, list[StatementLike]] = {}
        for statement in content.statements:
            by_section.setdefault(statement.section_id, []).append(statement)
        if not by_section:
            parts.append(_note("This meeting's record holds no statements.", colours))
        untitled_only = len(by_section) == 1
        for statements in by_section.values():
            first = statements[0]
            heading = section_heading(first.section_number, first.section_title)
            if heading or not untitled_only:  # a document without sections needs no heading
                parts.append(_section_title(first.section_id, heading or "Statements"))
            parts.append(page.annotation_block(("section", first.section_id)))
            parts.append(page.item_annotations(statements))
            parts.append(page.statements(statements, grouping))
    else:
        section = content.section
        if section is not None:
            heading = section_heading(section.number, section.title) or "Statements"
            parts.append(_section_title(section.id, heading))
            parts.append(page.annotation_block(("section", section.id)))
        if content.kind == "item" and content.item is not None:
            label = item_heading(content.item.label, content.item.heading)
            if label:
                parts.append(f'<h3 style="margin-top:4px;">{esc(label)}</h3>')
            parts.append(page.annotation_block(("item", content.item.id)))
        else:
            parts.append(page.item_annotations(content.statements))
        if content.statements:
            parts.append(page.statements(content.statements, grouping))
        else:
            parts.append(_note("No statements here.", colours))
    return "\n".join(parts)


def render_message(title: str, lines: Sequence[str], colours: Colours) -> str:
    """A page with a heading and a few lines of explanation (the texts are escaped)."""
    body = "".join(f'<p style="color:{colours.muted};">{esc(line)}</p>' for line in lines)
    return f"{_style()}<h2>{esc(title)}</h2>{body}"


def render_year(year: int | None, meetings: Sequence[MeetingRowLike], total: int,
                colours: Colours) -> str:
    """A year node: its meetings, newest first."""
    title = str(year) if year is not None else "Undated meetings"
    rows = "".join(
        f'<tr><td style="color:{colours.muted}; padding-right:12px;">'
        f"{esc(readable_date(m.held_on) or 'undated')}</td>"
        f"<td>{esc(m.title)}"
        + (f' <span style="color:{colours.muted};">· {esc(m.location)}</span>' if m.location else "")
        + "</td></tr>"
        for m in meetings
    )
    more = (f'<p style="color:{colours.muted};">… and {total - len(meetings)} more.</p>'
            if total > len(meetings) else "")
    count = f"{total} meeting{'' if total == 1 else 's'}"
    return (f"{_style()}<h1>{esc(title)}</h1>"
            f'<p style="color:{colours.muted};">{count} match the filter. '
            "Select a meeting to read it.</p>"
            f'<table cellspacing="0" cellpadding="3">{rows}</table>{more}')


def _style() -> str:
    return (
        "<style>"
        "h1 { font-size: x-large; margin-bottom: 2px; }"
        "h2 { font-size: large; margin-top: 18px; margin-bottom: 4px; }"
        "h3 { font-size: medium; margin-top: 12px; margin-bottom: 2px; }"
        "</style>"
    )


def _note(text: str, colours: Colours) -> str:
    return f'<p style="color:{colours.muted};"><i>{esc(text)}</i></p>'


def _section_title(section_id: int, heading: str) -> str:
    # The anchor holds the heading's text: Qt drops empty anchors, and the detail pane finds
    # the section of a selection (for its citation) by this anchor.
    return f'<h2><a name="section-{section_id}">{esc(heading)}</a></h2>'


def person_link(person_id: int, inner_html: str, colour: str) -> str:
    """``inner_html`` as a link to the person's page, in ``colour``, not underlined (a name in a
    heading should read as a name)."""
    return (f'<a href="person:{int(person_id)}" style="color:{colour}; text-decoration:none;">'
            f"{inner_html}</a>")


def _meeting_header(meeting: MeetingLike, colours: Colours,
                    speaker_colour: dict[SpeakerKey, str], *, with_summary: bool,
                    links: bool = True) -> str:
    muted = colours.muted
    facts: list[str] = [MEETING_KINDS.get(meeting.kind, meeting.kind.replace("_", " ").capitalize())]
    held = readable_date(meeting.held_on)
    facts.append(f"held {held}" if held else "date of meeting unknown")
    published = readable_date(meeting.published_on)
    if published and published != held:
        facts.append(f"published {published}")
    if meeting.location:
        facts.append(meeting.location)
    lines = [f'<a name="meeting-{meeting.id}"></a><h1>{esc(meeting.title)}</h1>',
             f'<p style="color:{muted}; margin-top:0px;">{" · ".join(esc(f) for f in facts)}</p>']
    if meeting.occasion:
        lines.append(f'<p style="color:{muted}; margin-top:0px;">On the sidelines of '
                     f"{esc(meeting.occasion)}</p>")

    rows: list[str] = []
    for role, label in (("principal", "Principals"), ("attendee", "Also attending")):
        people = [p for p in meeting.participants if p.role == role]
        if not people:
            continue
        entries = []
        for person in people:
            colour = speaker_colour.get(("person", person.person_id), colours.text)
            about = ", ".join(esc(part) for part in (person.title, person.country) if part)
            name = (f'<span style="color:{colour}; font-weight:600;">{esc(person.name)}</span>'
                    if role == "principal" else f"<b>{esc(person.name)}</b>")
            if links:
                name = person_link(person.person_id, name,
                                   colour if role == "principal" else colours.text)
            entries.append(name + (f'<span style="color:{muted};"> — {about}</span>' if about else ""))
        rows.append(_fact_row(label, "<br>".join(entries), muted))
    if meeting.countries:
        rows.append(_fact_row("Countries", esc(", ".join(meeting.countries)), muted))
    source = source_label(meeting.file_name, meeting.source_path)
    if source.startswith(("http://", "https://")):
        source_html = f'<a href="{esc(source)}" style="color:{colours.link};">{esc(source)}</a>'
    else:
        source_html = esc(source)
        if meeting.source_path and meeting.source_path != source:
            source_html += f'<br><span style="color:{muted};">{esc(meeting.source_path)}</span>'
    rows.append(_fact_row("Source", source_html, muted))
    lines.append(f'<table cellspacing="0" cellpadding="2" style="margin-top:6px;">{"".join(rows)}</table>')
    if with_summary and meeting.summary:
        lines.append(f"<p>{esc(meeting.summary)}</p>")
    return "\n".join(lines)


def _fact_row(label: str, value_html: str, muted: str) -> str:
    return (f'<tr><td valign="top" style="color:{muted}; padding-right:12px;">{esc(label)}</td>'
            f'<td valign="top">{value_html}</td></tr>')


@dataclass
class _Page:
    colours: Colours
    pattern: re.Pattern[str] | None
    speaker_colour: dict[SpeakerKey, str]
    principals: list[int]
    filtered: bool
    meeting: MeetingLike
    paper: bool = False
    sides: list[Side] = field(default_factory=list)  # the columns of the "sides" grouping
    annotations: Mapping[NodeKey, AnnotationLike] = field(default_factory=dict)
    changed: frozenset[NodeKey] = frozenset()
    new: bool = False  # the meeting is new to the open saved search

    # -- the user's notes and tags, and what is new ----------------------------------------

    def new_badge(self) -> str:
        c = self.colours
        return (f'<span style="background-color:{c.new_bg}; color:{c.new_fg}; '
                f'font-size:small; font-weight:600;">&nbsp;{NEW_LABEL}&nbsp;</span>')

    def user_marks(self, key: NodeKey) -> str:
        """The node's tags as chips and a marker with the start of its first note, linked
        to the whole notes (the pane shows them on hover and opens them on click); ''
        without any. Every string is the user's text: escaped like a document's."""
        annotations = self.annotations.get(key)
        if annotations is None:
            return ""
        c = self.colours
        parts = [f'<span style="background-color:{c.user_tag_bg}; color:{c.user_tag_fg}; '
                 f'font-size:small;">&nbsp;#{esc(name)}&nbsp;</span>'
                 for name in annotations.tag_names]
        if annotations.notes:
            first = " ".join(annotations.notes[0].body.split())
            excerpt = first if len(first) <= NOTE_EXCERPT else first[:NOTE_EXCERPT - 1] + "…"
            more = len(annotations.notes) - 1
            parts.append(
                f'<a href="{NOTE_LINK}:{key[0]}/{key[1]}" style="color:{c.note_fg}; '
                f'text-decoration:none;">✎&nbsp;{esc(excerpt)}'
                + (f" (+{more} more)" if more else "") + "</a>")
        if key in self.changed:
            parts.append(f'<span style="color:{c.muted}; font-style:italic;">(the text has '
                         "changed since)</span>")
        return " ".join(parts)

    def annotation_block(self, key: NodeKey) -> str:
        """A meeting's, section's or item's notes and tags, on a line under its heading."""
        marks = self.user_marks(key)
        return f'<p style="margin:2px 0px 4px 0px;">{marks}</p>' if marks else ""

    def item_annotations(self, statements: Sequence[StatementLike]) -> str:
        """The notes and tags of the items of these statements, one line each, labelled: by
        speaker or side by side an item's statements are apart, so its notes go first."""
        lines = []
        for item_id, label in dict.fromkeys(
                (s.item_id, item_heading(s.item_label, s.item_heading)) for s in statements):
            marks = self.user_marks(("item", item_id))
            if marks:
                name = esc(label) if label else "Item"
                lines.append(f'<p style="margin:2px 0px 2px 0px;"><span style="color:'
                             f'{self.colours.muted};">{name}</span>&nbsp; {marks}</p>')
        return "".join(lines)

    def statements(self, statements: Sequence[StatementLike], grouping: str) -> str:
        if grouping == "document":
            return self._in_document_order(statements)
        if grouping == "sides":
            return self._side_by_side(statements)
        return self._by_speaker(statements)

    def _by_speaker(self, statements: Sequence[StatementLike]) -> str:
        out = []
        for group in group_by_speaker(statements, self.principals):
            colour = self.speaker_colour.get(group.key, self.colours.text)
            first = group.statements[0]
            about = self._speaker_about(first)
            count = len(group.statements)
            label = esc(speaker_label(first))
            if group.key[0] == "person" and not self.paper:
                label = person_link(group.key[1], label, colour)
            out.append(
                f'<h3 style="color:{colour};">{label}'
                + (f'<span style="color:{self.colours.muted}; font-weight:normal;"> — {esc(about)}</span>'
                   if about else "")
                + f'<span style="color:{self.colours.muted}; font-weight:normal;"> · {count} '
                f"statement{'' if count == 1 else 's'}</span></h3>"
            )
            rows = [self._row(s, colour, with_speaker=False) for s in group.statements]
            out.append(self._table(rows))
        return "\n".join(out)

    def _in_document_order(self, statements: Sequence[StatementLike]) -> str:
        rows = []
        last_item: int | None = None
        for statement in statements:
            if statement.item_id != last_item and statement.item_heading:
                heading = esc(item_heading(statement.item_label, statement.item_heading))
                rows.append(f'<p style="margin:8px 0 2px 14px;"><b>{heading}</b></p>' if self.paper else
                            f'<tr><td></td><td style="padding-top:8px;"><b>{heading}</b></td></tr>')
            colour = self.speaker_colour.get(speaker_key(statement), self.colours.text)
            rows.append(self._row(statement, colour, with_speaker=True,
                                  first_in_item=statement.item_id != last_item))
            last_item = statement.item_id
        return self._table(rows)

    def _side_by_side(self, statements: Sequence[StatementLike]) -> str:
        """One column per side, a row per point of an item; joint and unattributed statements
        across all columns. One table per section, each with the column headers (repeated at
        the top of every printed page the table runs over: QTextDocument repeats a thead)."""
        sides = self.sides
        count = max(1, len(sides))
        # Equal shares of the width: Qt gives each column its percentage of the table's
        # width, so no column grows with the length of its text.
        width = f"{100 / count:.4g}%"
        head = "".join(self._side_heading(side, width) for side in sides)
        bars = "".join(f'<td bgcolor="{self._side_colour(side)}" style="font-size:2px;">&nbsp;</td>'
                       for side in sides)
        # border-collapse: Qt draws a cell's own borders only then (the rules between items).
        out = ['<table width="100%" cellspacing="0" cellpadding="0" style="border-collapse:collapse;">']
        if sides:
            out.append(f"<thead><tr>{head}</tr><tr>{bars}</tr></thead>")
        out.append("<tbody>")
        first_item = True
        for row in side_by_side_rows(statements, sides):
            # A rule above each item but the first keeps the eye on one row across the columns.
            rule = ""
            label = ""
            if row.first_in_item:
                if not first_item:
                    rule = f" border-top:1px solid {self.colours.rule};"
                first_item = False
                label = self._item_label(row)
            cell_style = f'valign="top" style="padding:4px 8px 3px 8px;{rule}"'
            if row.across is not None:
                out.append(f'<tr><td colspan="{count}" {cell_style}>{label}'
                           f"{self._cell_statement(row.across, row.kind)}</td></tr>")
                continue
            # The item's label heads the row's first cell, not a row of its own, so that a
            # printed page never ends with a label whose statements are on the next; the
            # other cells start with an empty line, to keep the statements level.
            cells = "".join(
                f'<td width="{width}" {cell_style}>'
                + (label if n == 0 else _BLANK_LINE if label else "")
                + "".join(self._cell_statement(s, "sides", side) for s in said) + "</td>"
                for n, (side, said) in enumerate(zip(sides, row.columns, strict=True)))
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody></table>")
        if self.paper:
            # Qt tucks an empty block that follows a table into the table's corner; the PDF's
            # rule above the citation would then shrink to a dot.
            out.append('<p style="margin:0px; font-size:4px;">&nbsp;</p>')
        return "".join(out)

    def _side_heading(self, side: Side, width: str) -> str:
        """The column's heading: the country, then its principals (or, without one, whoever
        else sat for it) with their titles."""
        c = self.colours
        names = "<br>".join(
            esc(p.name) + (f'<span style="color:{c.muted};"> — {esc(p.title)}</span>' if p.title else "")
            for p in side.principals or side.attendees)
        return (f'<td width="{width}" valign="top" style="padding:2px 8px 3px 8px;">'
                f'<span style="color:{self._side_colour(side)}; font-weight:600;">'
                f"{esc(side.country)}</span>"
                + (f'<br><span style="font-size:small;">{names}</span>' if names else "")
                + "</td>")

    def _side_colour(self, side: Side) -> str:
        """The side's colour: its (first) principal's, as in the header and other groupings."""
        for person in (*side.principals, *side.attendees):
            colour = self.speaker_colour.get(("person", person.person_id))
            if colour:
                return colour
        return self.colours.rule

    def _item_label(self, row: SideRow) -> str:
        first = row.across or next(s for column in row.columns for s in column)
        if not (first.item_label or first.item_heading):
            return ""
        return (f'<p style="margin:0px 0px 2px 0px;">'
                f'<span style="color:{self.colours.muted};">{esc(first.item_label or "")}</span>'
                + (f" <b>{esc(first.item_heading)}</b>" if first.item_heading else "") + "</p>")

    def _cell_statement(self, statement: StatementLike, kind: str, side: Side | None = None) -> str:
        """One statement as a paragraph of a cell, labelled unless its column says who spoke."""
        c = self.colours
        colour = self.speaker_colour.get(speaker_key(statement), c.text)
        label = ""
        if kind == "joint":
            label = f'<span style="color:{colour}; font-weight:600;">{esc(JOINT_LABEL)}:</span> '
        elif kind == "none":
            label = f'<span style="color:{colour}; font-style:italic;">{esc(NO_SPEAKER_LABEL)}:</span> '
        elif kind == "unplaced" or not _speaks_for_column(statement, side):
            # In a side's column the country goes without saying.
            about = self._speaker_about(statement, with_country=kind == "unplaced")
            label = (f'<span style="color:{colour}; font-weight:600;">{esc(speaker_label(statement))}'
                     "</span>"
                     + (f'<span style="color:{c.muted};"> ({esc(about)})</span>' if about else "")
                     + ": ")
        muted_text = kind == "none" or (self.filtered and not statement.matches)
        text_style = f' style="color:{c.muted};"' if muted_text else ""
        tags = self._tags(statement)
        shade = (f" background-color:{c.match_bg};" if self.filtered and statement.matches else "")
        label = self._new_mark(statement) + label
        return (f'<p style="margin:0px 0px 6px 0px;{shade}">{label}'
                f'<a name="statement-{statement.id}"><span{text_style}>'
                f"{highlighted(statement.text, self.pattern, c)}</span></a>{tags}</p>")

    def _tags(self, statement: StatementLike) -> str:
        """The statement's issues, on a line of their own below it; the user's tags and notes
        on one more."""
        issues = ("<br>" + " ".join(self._tag(issue) for issue in statement.issues)
                  if statement.issues else "")
        marks = self.user_marks(("statement", statement.id))
        return issues + (f"<br>{marks}" if marks else "")

    def _new_mark(self, statement: StatementLike) -> str:
        """The NEW badge of a statement the open saved search has not shown before."""
        if not self.new or (self.filtered and not statement.matches):
            return ""
        return self.new_badge() + "&nbsp;"

    def _table(self, rows: list[str]) -> str:
        return "".join(rows) if self.paper else _table(rows)

    def _speaker_about(self, statement: StatementLike, *, with_country: bool = True) -> str:
        if statement.speaker_id is None:
            return ""
        for person in self.meeting.participants:
            if person.person_id == statement.speaker_id:
                return ", ".join(p for p in (person.title, person.country if with_country else None)
                                 if p)
        return (statement.speaker_country or "") if with_country else ""

    def _tag(self, issue: str) -> str:
        """An issue tag; on screen a link (issue:NAME) that opens the issue's timeline."""
        c = self.colours
        tag = (f'<span style="background-color:{c.tag_bg}; color:{c.tag_fg}; font-size:small;">'
               f"&nbsp;{esc(issue)}&nbsp;</span>")
        if self.paper:
            return tag
        return (f'<a href="issue:{quote(issue, safe="")}" style="text-decoration:none; '
                f'color:{c.tag_fg};">{tag}</a>')

    def _row(self, statement: StatementLike, colour: str, *, with_speaker: bool,
             first_in_item: bool = True) -> str:
        c = self.colours
        label = ""
        if statement.item_label and (first_in_item or not with_speaker):
            label = f'<span style="color:{c.muted};">{esc(statement.item_label)}</span>&nbsp; '
        speaker = ""
        if with_speaker:
            style = f"color:{colour}; font-weight:600;"
            if statement.speaker_id is None and not statement.is_joint:
                style = f"color:{colour}; font-style:italic;"
            name = esc(speaker_label(statement)) + ":"
            if statement.speaker_id is not None and not self.paper:
                name = person_link(statement.speaker_id, name, colour)
            speaker = f'<span style="{style}">{name}</span> '
        muted_text = self.filtered and not statement.matches
        text_style = f' style="color:{c.muted};"' if muted_text else ""
        tags = self._tags(statement)
        background = f' bgcolor="{c.match_bg}"' if self.filtered and statement.matches else ""
        label = self._new_mark(statement) + label
        body = (f"{label}{speaker}<a name=\"statement-{statement.id}\"><span{text_style}>"
                f"{highlighted(statement.text, self.pattern, c)}</span></a>{tags}")
        if self.paper:
            return f'<p style="margin:0px 0px 7px 14px;">{body}</p>'
        return (
            f'<tr><td width="4" bgcolor="{colour}"></td>'
            f'<td{background} style="padding:4px 8px 6px 8px;">'
            f"{label}{speaker}"
            f'<a name="statement-{statement.id}"><span{text_style}>'
            f"{highlighted(statement.text, self.pattern, c)}</span></a>{tags}</td></tr>"
            # a thin gap between statements, as tables here have no row spacing of their own
            f'<tr><td colspan="2" style="font-size:4px;">&nbsp;</td></tr>'
        )


_BLANK_LINE = '<p style="margin:0px 0px 2px 0px;">&nbsp;</p>'
#: How much of a note the marker beside its node shows.
NOTE_EXCERPT = 60


def _speaks_for_column(statement: StatementLike, side: Side | None) -> bool:
    """Whether the column's heading names the speaker: its one principal."""
    return (side is not None and len(side.principals) == 1
            and side.principals[0].person_id == statement.speaker_id)


def _table(rows: list[str]) -> str:
    return f'<table width="100%" cellspacing="0" cellpadding="0">{"".join(rows)}</table>'
