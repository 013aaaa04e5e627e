"""Positions side by side: a meeting's statements as rows of one column per side. No Qt.

What each side said on one point of the agenda sits on one row: a row belongs to one item, and
holds each side's statements of that item, stacked in document order in the side's column.
Statements that belong to no one side break the row and take a row of their own across the
columns — joint statements ("The two ministers ..."), statements with no speaker, and the odd
speaker whose side is unknown — so the document's order between them and the sides' statements
is kept. :mod:`archive_viewer.statement_html` draws these rows as an HTML table.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the protocols live with the renderer, which imports this module
    from archive_viewer.statement_html import MeetingLike, ParticipantLike, StatementLike


@dataclass(frozen=True)
class Side:
    """One column: a country and the people who spoke or sat for it."""

    country: str
    principals: tuple[ParticipantLike, ...] = ()
    attendees: tuple[ParticipantLike, ...] = ()


@dataclass(frozen=True)
class SideRow:
    """One row of the table, within one item.

    Either ``columns`` (one tuple of statements per side, in the order of the sides; some may
    be empty) or ``across``: one statement over all the columns.
    """

    section_id: int
    item_id: int
    first_in_item: bool  # the item's label goes on its first row
    columns: tuple[tuple[StatementLike, ...], ...] = ()
    across: StatementLike | None = None

    @property
    def kind(self) -> str:
        """'sides', 'joint', 'none' (no speaker) or 'unplaced' (a speaker of no known side)."""
        if self.across is None:
            return "sides"
        if self.across.is_joint:
            return "joint"
        return "none" if self.across.speaker_id is None else "unplaced"


def sides_of(meeting: MeetingLike, statements: Iterable[StatementLike] = ()) -> list[Side]:
    """The meeting's sides, in the order the app lists them everywhere else.

    The meeting's countries come first, as the document names them (its title's hyphen chain
    puts the publishing side first: "Japan-U.S.-ROK"), then any other side of a participant or
    a speaker, in order of appearance. Every side of the meeting gets a column, even one that
    says nothing in this section, so that the columns stay put from section to section.
    """
    order: list[str] = list(dict.fromkeys(c for c in meeting.countries if c))
    order += [p.country for p in meeting.participants if p.country and p.country not in order]
    for statement in statements:
        country = _side(statement)
        if country and country not in order:
            order.append(country)
    return [Side(country,
                 tuple(p for p in meeting.participants
                       if p.country == country and p.role == "principal"),
                 tuple(p for p in meeting.participants
                       if p.country == country and p.role != "principal"))
            for country in dict.fromkeys(order)]


def side_by_side_rows(statements: Sequence[StatementLike], sides: Sequence[Side]) -> list[SideRow]:
    """The rows for ``statements`` (in document order) under the columns ``sides``."""
    column_of = {side.country: n for n, side in enumerate(sides)}
    rows: list[SideRow] = []
    columns: list[list[StatementLike]] | None = None  # the row being filled, if any
    current: tuple[int, int] | None = None  # its section and item
    first_in_item = True

    def close() -> None:
        nonlocal columns, first_in_item
        if columns is not None and current is not None:
            rows.append(SideRow(current[0], current[1], first_in_item,
                                columns=tuple(tuple(c) for c in columns)))
            first_in_item = False
        columns = None

    for statement in statements:
        item = (statement.section_id, statement.item_id)
        if item != current:
            close()
            current, first_in_item = item, True
        column = None if statement.is_joint else column_of.get(_side(statement) or "")
        if column is None:
            close()
            rows.append(SideRow(item[0], item[1], first_in_item, across=statement))
            first_in_item = False
            continue
        if columns is None:
            columns = [[] for _ in sides]
        columns[column].append(statement)
    close()
    return rows


def _side(statement: StatementLike) -> str | None:
    # A joint statement or one without a speaker has no side, whatever its row says.
    if statement.is_joint or statement.speaker_id is None:
        return None
    return statement.speaker_country
