"""Documents to records: decoding, structure, people, speakers and issues. No Qt, no database.

The parser and its patterns load on first use (module ``__getattr__``): the window imports this
package for the record types alone and should not pay for the parser at start-up.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import JOINT, Item, Meeting, NotAMeetingDocument, Person, Section, Statement

if TYPE_CHECKING:
    from .json_form import meeting_to_json
    from .parser import parse_document, parse_text

__all__ = [
    "JOINT", "Item", "Meeting", "NotAMeetingDocument", "Person", "Section", "Statement",
    "meeting_to_json", "parse_document", "parse_text",
]

_LAZY = {"meeting_to_json": ".json_form", "parse_document": ".parser", "parse_text": ".parser"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
