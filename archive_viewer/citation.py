"""Citations for text copied out of a meeting record. No Qt (the PDF export can use it too).

``cite("They shared the view.", title="Japan-ROK Foreign Ministers' Meeting (Overview)",
held_on="2012-04-07", section_number="1", section_title="North Korean Issues",
source="000_19a025d9c24d22f3.txt")`` gives the text and, on a line of its own,
"— Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, section 1 North Korean Issues,
000_19a025d9c24d22f3.txt".
"""
from __future__ import annotations

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
