"""The timeline's time axis: days to pixels, zoom limits, and the ticks worth labelling. No Qt.

Days are date ordinals (``date.toordinal()``), as :mod:`archive_viewer.store.timeline` gives
them. A day is a cell ``pixels_per_day`` wide; a statement's mark sits in the middle of its
day's cell, a tick at the start of its day.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

#: Fitting never shows less than this many days across (one meeting is not a 2,000 px day).
MIN_SPAN_DAYS = 90
#: Zoomed in furthest, a month is about 1,200 pixels wide: each meeting of it apart.
MAX_PIXELS_PER_DAY = 40.0
#: One step of the zoom buttons, the keys and the mouse wheel.
ZOOM_STEP = 1.5
#: Free space, in pixels, before the first day and after the last.
EDGE_PX = 14.0

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TimeScale:
    """``first_day`` .. ``last_day`` laid out at ``pixels_per_day``, from x = 0."""

    first_day: int
    last_day: int
    pixels_per_day: float

    @classmethod
    def fitted(cls, first_day: int, last_day: int, width: float) -> TimeScale:
        """The days (widened to MIN_SPAN_DAYS around their middle) across ``width`` pixels."""
        span = last_day - first_day + 1
        if span < MIN_SPAN_DAYS:
            first_day -= (MIN_SPAN_DAYS - span) // 2
            last_day = first_day + MIN_SPAN_DAYS - 1
            span = MIN_SPAN_DAYS
        usable = max(1.0, width - 2 * EDGE_PX)
        return cls(first_day, last_day, min(MAX_PIXELS_PER_DAY, usable / span))

    @property
    def width(self) -> float:
        """The whole axis in pixels, edges included."""
        return (self.last_day - self.first_day + 1) * self.pixels_per_day + 2 * EDGE_PX

    def x_of_day(self, day: int) -> float:
        """Where the cell of ``day`` starts."""
        return EDGE_PX + (day - self.first_day) * self.pixels_per_day

    def x_of_mark(self, day: int) -> float:
        """Where a statement of ``day`` is drawn: the middle of its cell."""
        return EDGE_PX + (day - self.first_day + 0.5) * self.pixels_per_day

    def x_at(self, day: float) -> float:
        """Where the (fractional) ``day`` is: the inverse of :meth:`day_at`."""
        return EDGE_PX + (day - self.first_day) * self.pixels_per_day

    def day_at(self, x: float) -> float:
        """The day (fractional: 0.5 is midday) at ``x``."""
        return self.first_day + (x - EDGE_PX) / self.pixels_per_day

    def zoomed(self, factor: float, *, min_pixels_per_day: float) -> TimeScale:
        ppd = max(min_pixels_per_day, min(MAX_PIXELS_PER_DAY, self.pixels_per_day * factor))
        return TimeScale(self.first_day, self.last_day, ppd)


@dataclass(frozen=True)
class Tick:
    day: int
    label: str
    major: bool  # starts a larger unit too (a year among months): drawn stronger


@dataclass(frozen=True)
class _Unit:
    name: str
    days: float  # its average length
    step: int  # how many of the base unit (years, months or days)
    base: str  # 'year' | 'month' | 'day'


UNITS = (
    _Unit("decade", 3652.4, 10, "year"),
    _Unit("5 years", 1826.2, 5, "year"),
    _Unit("2 years", 730.5, 2, "year"),
    _Unit("year", 365.25, 1, "year"),
    _Unit("6 months", 182.6, 6, "month"),
    _Unit("quarter", 91.3, 3, "month"),
    _Unit("month", 30.44, 1, "month"),
    _Unit("week", 7.0, 7, "day"),
    _Unit("day", 1.0, 1, "day"),
)


def tick_unit(pixels_per_day: float, measure: Callable[[str], float], gap: float = 14.0) -> _Unit:
    """The finest unit whose ticks leave room for their labels."""
    chosen = UNITS[0]
    for unit in UNITS:
        if unit.days * pixels_per_day >= measure(_sample_label(unit)) + gap:
            chosen = unit
        else:
            break
    return chosen


def ticks(first_day: int, last_day: int, pixels_per_day: float,
          measure: Callable[[str], float] = lambda text: 7.0 * len(text)) -> list[Tick]:
    """Labelled ticks from ``first_day`` to ``last_day`` (the part of the axis in view): years
    ("2012"), months ("Apr") or days ("7"); :func:`context_ticks` names the year or month
    that short labels belong to."""
    unit = tick_unit(pixels_per_day, measure)
    start, end = _dates(first_day, last_day)
    out: list[Tick] = []
    if unit.base == "year":
        year = start.year - start.year % unit.step
        if date(max(1, year), 1, 1) < start:
            year += unit.step
        while year <= end.year:
            out.append(Tick(date(year, 1, 1).toordinal(), str(year), unit.step < 10 and year % 10 == 0))
            year += unit.step
    elif unit.base == "month":
        for day in _month_starts(start, end, unit.step):
            out.append(Tick(day.toordinal(), _MONTHS[day.month - 1], day.month == 1))
    else:
        ordinal = start.toordinal()
        if unit.step == 7:  # weeks start on Monday
            ordinal += (7 - start.weekday()) % 7
        while ordinal <= end.toordinal():
            day = date.fromordinal(ordinal)
            out.append(Tick(ordinal, str(day.day), day.day == 1))
            ordinal += unit.step
    return out


def context_ticks(first_day: int, last_day: int, pixels_per_day: float,
                  measure: Callable[[str], float] = lambda text: 7.0 * len(text)) -> list[Tick]:
    """The second row of labels: the years of month ticks, the months of day ticks (empty for
    year ticks). The first one starts at ``first_day`` when that is inside its period, so that
    the left edge always says where it is."""
    unit = tick_unit(pixels_per_day, measure)
    start, end = _dates(first_day, last_day)
    if unit.base == "year":
        return []
    if unit.base == "month":
        out = [Tick(date(year, 1, 1).toordinal(), str(year), True)
               for year in range(start.year, end.year + 1)]
    else:
        out = [Tick(day.toordinal(), f"{day:%B} {day.year}", day.month == 1)
               for day in _month_starts(date(start.year, start.month, 1), end, 1)]
    if out:
        out[0] = Tick(max(out[0].day, first_day), out[0].label, out[0].major)
    return out


def _dates(first_day: int, last_day: int) -> tuple[date, date]:
    top = date.max.toordinal()
    return (date.fromordinal(min(top, max(1, first_day))),
            date.fromordinal(min(top, max(1, last_day))))


def _month_starts(start: date, end: date, step: int) -> list[date]:
    """The first days of months from ``start`` to ``end`` whose month is a multiple of
    ``step`` (Jan, Apr, Jul, Oct for quarters)."""
    out: list[date] = []
    year, month = start.year, (start.month - 1) // step * step
    while True:
        if month >= 12:
            year, month = year + 1, month - 12
        day = date(year, month + 1, 1)
        if day > end:
            return out
        if day >= start:
            out.append(day)
        month += step


def _sample_label(unit: _Unit) -> str:
    return {"year": "2000", "month": "Sep", "day": "30"}[unit.base]


def period_label(first_day: int, last_day: int) -> str:
    """"April 2012 – May 2018", "2012", "7 April 2012": a span of days in words."""
    first, last = date.fromordinal(first_day), date.fromordinal(last_day)
    if first == last:
        return f"{first.day} {first:%B %Y}"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {first:%B %Y}"
    return f"{first.day} {first:%B %Y} – {last.day} {last:%B %Y}"
