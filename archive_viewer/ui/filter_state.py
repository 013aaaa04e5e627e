"""The one place the current Filter lives; every view listens to ``changed``.

The sidebar, the tree, the detail pane and the status bar never keep their own copy of what is
filtered: they ask this object and redraw when it says the filter changed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace

from PySide6.QtCore import QObject, Signal

from archive_viewer.store.filters import Filter

_SET_FACETS = frozenset(f.name for f in fields(Filter)
                        if f.name in ("issues", "people", "countries", "kinds", "tags"))
_FACETS = frozenset(f.name for f in fields(Filter))


class FilterState(QObject):
    """Holds the current Filter and emits ``changed(Filter)`` only when it really changed."""

    changed = Signal(object)

    def __init__(self, initial: Filter | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = initial or Filter()

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, new: Filter) -> None:
        if not isinstance(new, Filter):
            raise TypeError(f"expected a Filter, got {type(new).__name__}")
        if new == self._filter:
            return
        self._filter = new
        self.changed.emit(new)

    def update(self, **changes: object) -> None:
        """Replace whole facets: ``update(text="senkaku", kinds={"summit_meeting"})``."""
        unknown = set(changes) - _FACETS
        if unknown:
            raise ValueError(f"unknown filter facet(s): {', '.join(sorted(unknown))}")
        for name in _SET_FACETS & set(changes):
            value = changes[name]
            changes[name] = frozenset(value) if isinstance(value, Iterable) else frozenset()
        self.set_filter(replace(self._filter, **changes))  # type: ignore[arg-type]

    def toggle(self, facet: str, value: object) -> None:
        """Select ``value`` in a set facet (issues, people, countries, kinds, tags), or
        unselect it."""
        if facet not in _SET_FACETS:
            raise ValueError(f"{facet!r} is not a facet with several values")
        self.set_filter(self._filter.toggled(facet, value))

    def remove(self, facet: str, value: object | None = None) -> None:
        """Drop one value of a facet, or the whole facet when ``value`` is None (a chip's ×)."""
        if facet not in _FACETS:
            raise ValueError(f"unknown filter facet {facet!r}")
        self.set_filter(self._filter.without(facet, value))

    def clear(self) -> None:
        self.set_filter(Filter())
