"""Custom item-data roles shared by the meeting tree, the sidebar and the window, defined once."""
from __future__ import annotations

from PySide6.QtCore import Qt

_USER = int(Qt.ItemDataRole.UserRole)

#: str: 'year' | 'meeting' | 'section' | 'item' (tree) — the kind of node an index stands for.
NODE_KIND_ROLE = _USER + 1
#: The node's key: a database id, or for a year node the year (int) or None for undated meetings.
NODE_ID_ROLE = _USER + 2
#: Facet views: the value the row stands for (issue id, person id, country, kind).
FACET_KEY_ROLE = _USER + 3
#: Facet views: the count shown beside a value (int).
FACET_COUNT_ROLE = _USER + 4
#: Tree: the meeting's kind ('telephone_talk', ...) on meeting nodes, else None.
MEETING_KIND_ROLE = _USER + 5
