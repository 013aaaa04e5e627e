"""Every setting the window keeps between launches, declared once with its default.

QSettings hands values back as strings on some back-ends (INI files, which the tests use), and a
settings file may be edited by hand or left by an older version; every read therefore converts
and validates, and falls back to the default instead of trusting what it finds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from archive_viewer.statement_html import GROUPINGS
from archive_viewer.citation import DEFAULT_STYLE, STYLE_KEYS

T = TypeVar("T")

TEXT_SIZE_STEPS = range(-4, 9)  # point-size steps away from the system font, both ways
MAX_RECENT_ARCHIVES = 8


def _to_bytes(value: Any) -> QByteArray | None:
    if isinstance(value, QByteArray):
        return value
    if isinstance(value, (bytes, bytearray)):
        return QByteArray(bytes(value))
    return None


def _to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int):
        return bool(value)
    return None


def _to_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _to_str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):  # an INI file stores a one-element list as a plain string
        return [value] if value else []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, str) and v]
    return None


def _to_int_list(value: Any) -> list[int] | None:
    items = [value] if isinstance(value, (str, int)) else value
    if not isinstance(items, (list, tuple)):
        return None
    numbers = [_to_int(v) for v in items]
    if any(n is None or n < 0 for n in numbers):
        return None
    return [n for n in numbers if n is not None]


def _to_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    convert: Callable[[Any], T | None]
    valid: Callable[[T], bool] = lambda _value: True


# -- the settings ------------------------------------------------------------------------------

WINDOW_GEOMETRY = Setting[QByteArray]("window/geometry", QByteArray(), _to_bytes)
WINDOW_STATE = Setting[QByteArray]("window/state", QByteArray(), _to_bytes)  # toolbar placement
#: Pixel widths of sidebar | tree | detail; the sidebar's entry is its width when shown.
SPLITTER_SIZES = Setting[list[int]]("window/splitter_sizes", [240, 560, 480], _to_int_list,
                                    lambda sizes: len(sizes) == 3 and sum(sizes) > 0)
TREE_HEADER = Setting[QByteArray]("window/tree_header", QByteArray(), _to_bytes)
SIDEBAR_VISIBLE = Setting[bool]("view/sidebar_visible", True, _to_bool)
GROUPING = Setting[str]("view/grouping", "speaker", _to_str, lambda g: g in GROUPINGS)
TEXT_SIZE = Setting[int]("view/text_size", 0, _to_int, lambda s: s in TEXT_SIZE_STEPS)
#: "kind:id|archive path" of the node last shown, selected again on the next launch of that
#: archive when the node is still there.
LAST_NODE = Setting[str]("view/last_node", "", _to_str)
LAST_ARCHIVE = Setting[str]("archive/last", "", _to_str)
RECENT_ARCHIVES = Setting[list[str]]("archive/recent", [], _to_str_list)
#: The folder the file dialogs start in.
LAST_FOLDER = Setting[str]("archive/last_folder", "", _to_str)
#: Paper of PDF exports: "a4", "letter", or "" for the locale's (Letter in the US, Canada...).
EXPORT_PAPER = Setting[str]("export/paper", "", _to_str, lambda p: p in ("", "a4", "letter"))
#: The style Copy with Citation uses (one of archive_viewer.citation.STYLES), chosen last in
#: Edit ▸ Copy Citation As.
CITATION_STYLE = Setting[str]("edit/citation_style", DEFAULT_STYLE, _to_str,
                              lambda s: s in STYLE_KEYS)


class AppSettings:
    """Typed access to the declared settings over QSettings (the app's default location)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or QSettings()

    def get(self, setting: Setting[T]) -> T:
        raw = self._store.value(setting.key)
        if raw is None:
            return _fresh(setting.default)
        value = setting.convert(raw)
        if value is None or not setting.valid(value):
            return _fresh(setting.default)
        return value

    def set(self, setting: Setting[T], value: T) -> None:
        self._store.setValue(setting.key, value)

    def sync(self) -> None:
        self._store.sync()

    # -- recent archives -------------------------------------------------------------------

    def recent_archives(self) -> list[Path]:
        return [Path(p) for p in self.get(RECENT_ARCHIVES)]

    def remember_archive(self, path: Path) -> None:
        """Make ``path`` the last archive and put it first in the recent list."""
        text = str(path)
        recent = [p for p in self.get(RECENT_ARCHIVES) if p != text]
        self.set(RECENT_ARCHIVES, [text, *recent][:MAX_RECENT_ARCHIVES])
        self.set(LAST_ARCHIVE, text)

    def forget_archive(self, path: Path) -> None:
        self.set(RECENT_ARCHIVES, [p for p in self.get(RECENT_ARCHIVES) if p != str(path)])


def _fresh(default: T) -> T:
    # Never hand out the shared default list for a caller to mutate.
    return list(default) if isinstance(default, list) else default  # type: ignore[return-value]
