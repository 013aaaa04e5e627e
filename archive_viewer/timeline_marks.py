"""Where the timeline's marks go: each lane's statements grouped by day, then by pixel. No Qt.

Grouping by day happens once per timeline (statements of one lane on one day share their x at
any zoom); grouping by pixel once per zoom and stretch of the axis (the chart caches it), so a
paint never walks statements one by one. A broad issue's half a million statements are a few
thousand days per lane.
"""
from __future__ import annotations

from array import array
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from archive_viewer.store.timeline import Timeline
from archive_viewer.timeline_axis import TimeScale


@dataclass(frozen=True, eq=False)
class LaneMarks:
    """One lane's statements by day: ``days[i]`` holds ``positions[starts[i]:starts[i + 1]]``
    (positions in the timeline's columns, in id order)."""

    days: array
    starts: array  # len(days) + 1 offsets
    positions: array

    def count_on(self, index: int) -> int:
        return self.starts[index + 1] - self.starts[index]

    def positions_on(self, first: int, last: int | None = None) -> list[int]:
        """Positions of the statements of days ``first`` to ``last`` (default: ``first``)."""
        last = first if last is None else last
        return list(self.positions[self.starts[first]:self.starts[last + 1]])


def lane_marks(timeline: Timeline) -> list[LaneMarks]:
    """Each lane's marks grouped by day (the timeline's columns are sorted by day already).

    Written as list comprehensions over each lane's positions rather than one loop appending
    to every lane: half the time for the half million statements of a broad issue.
    """
    per_lane: list[list[int]] = [[] for _ in timeline.lanes]
    add = [positions.append for positions in per_lane]
    for position, lane in enumerate(timeline.lanes_of):
        add[lane](position)
    all_days = timeline.days
    out = []
    for positions in per_lane:
        days_of = [all_days[p] for p in positions]
        starts = [0] + [n for n in range(1, len(days_of)) if days_of[n] != days_of[n - 1]]
        days = [days_of[n] for n in starts] if days_of else []
        starts.append(len(positions))
        out.append(LaneMarks(array("l", days), array("l", starts if days_of else [0]),
                             array("l", positions)))
    return out


#: The marks of one lane in one bin of the axis, drawn as one: (x where it is drawn,
#: statements, index of its first day in LaneMarks.days, index of its last day).
Bucket = tuple[float, int, int, int]


def buckets(lane: LaneMarks, scale: TimeScale, x_from: float, x_to: float,
            bin_px: int = 1) -> list[Bucket]:
    """The lane's marks whose centres lie in [x_from, x_to), grouped in bins of ``bin_px``
    pixels (counted from x = 0, so that any stretch gives the same bins). A bin of one day is
    drawn at that day; a bin of several days in the middle of them.

    Steps from bin to bin (a bisection finds where each ends), not from day to day: zoomed out,
    a bin holds weeks of days."""
    days, starts = lane.days, lane.starts
    index = bisect_left(days, _day_from(scale, x_from))
    stop = bisect_right(days, _day_to(scale, x_to))
    ppd = scale.pixels_per_day
    first_day = scale.first_day
    offset = scale.x_of_mark(first_day)  # x = offset + (day - first_day) * ppd, as x_of_mark
    out: list[Bucket] = []
    while index < stop:
        x = offset + (days[index] - first_day) * ppd
        if x >= x_to:
            break
        if x < x_from:
            index += 1
            continue
        cell_end = min((int(x // bin_px) + 1) * bin_px, x_to)
        # The first day whose mark is at or past the bin's end.
        next_day = first_day + math.ceil((cell_end - offset) / ppd - 1e-9)
        end = bisect_left(days, next_day, index + 1, stop)
        last = end - 1
        x_last = offset + (days[last] - first_day) * ppd
        out.append(((x + x_last) / 2, starts[end] - starts[index], index, last))
        index = end
    return out


def bucket_at(lane: LaneMarks, scale: TimeScale, x: float, bin_px: int,
              radius: float) -> Bucket | None:
    """The bucket drawn nearest ``x`` (within ``radius`` pixels), or None."""
    low = (int((x - radius) // bin_px) - 1) * bin_px
    high = (int((x + radius) // bin_px) + 2) * bin_px
    best, best_distance = None, radius
    for bucket in buckets(lane, scale, low, high, bin_px):
        distance = abs(bucket[0] - x)
        if distance <= best_distance:
            best, best_distance = bucket, distance
    return best


def bucket_of_day(lane: LaneMarks, scale: TimeScale, day_index: int, bin_px: int) -> Bucket | None:
    """The bucket the lane's day ``day_index`` is drawn in."""
    x = scale.x_of_mark(lane.days[day_index])
    cell = int(x // bin_px) * bin_px
    for bucket in buckets(lane, scale, cell, cell + bin_px, bin_px):
        if bucket[2] <= day_index <= bucket[3]:
            return bucket
    return None


def _day_from(scale: TimeScale, x: float) -> int:
    # The first day whose mark could be at or right of x (a day's mark is mid-cell).
    return int(scale.day_at(x) - 0.5) - 1


def _day_to(scale: TimeScale, x: float) -> int:
    return int(scale.day_at(x) - 0.5) + 1
