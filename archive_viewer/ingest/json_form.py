"""A Meeting in the JSON shape of the corpus gold files (`archive-viewer parse --json`)."""
from __future__ import annotations

from typing import Any

from .model import Meeting, Person


def _person(p: Person) -> dict[str, Any]:
    return {"name": p.name, "title": p.title, "country": p.country}


def meeting_to_json(meeting: Meeting, file_name: str) -> dict[str, Any]:
    section_titles = [s.title for s in meeting.sections if s.title]
    item_headings = [i.heading for s in meeting.sections for i in s.items if i.heading]
    issues = list(meeting.issues)
    # The document's own headings name what was discussed, too.
    for heading in [*section_titles, *item_headings]:
        if heading not in issues:
            issues.append(heading)
    return {
        "file": file_name,
        "title": meeting.title,
        "kind": meeting.kind,
        "published_on": meeting.published_on.isoformat() if meeting.published_on else None,
        "held_on": meeting.held_on.isoformat() if meeting.held_on else None,
        "location": meeting.location,
        "occasion": meeting.occasion,
        "countries": meeting.countries,
        "principals": [_person(p) for p in meeting.principals],
        "attendees": [_person(p) for p in meeting.attendees],
        "summary": meeting.summary,
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "issues": s.issues,
                "items": [
                    {
                        "label": i.label,
                        "heading": i.heading,
                        "statements": [
                            {"speaker": st.speaker, "text": st.text, "issues": st.issues}
                            for st in i.statements
                        ],
                    }
                    for i in s.items
                ],
            }
            for s in meeting.sections
        ],
        "issues": issues,
    }
