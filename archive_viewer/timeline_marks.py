"""Where the timeline's marks go: each lane's statements grouped by day, then by pixel. No Qt.

Grouping by day happens once per timeline (statements of one lane on one day share their x at
any zoom); grouping by pixel once per zoom and stretch of the axis (the chart caches it), so a
paint never walks statements one by one. A broad issue's half a million statements are a few
thousand days per lane.
"""
from __future__ import annotations

from array import array
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
    """Each lane's marks grouped by day (the timeline's columns are sorted by day already)."""
    per_lane: list[tuple[array, array, array]] = [
        (array("l"), array("l"), array("l")) for _ in timeline.lanes]
    for position, (day, lane) in enumerate(zip(timeline.days, timeline.lanes_of, strict=True)):
        days, starts, positions = per_lane[lane]
        if not days or days[-1] != day:
            days.append(day)
            starts.append(len(positions))
        positions.append(position)
    out = []
    for days, starts, positions in per_lane:
        starts.append(len(positions))
        out.append(LaneMarks(days, starts, positions))
    return out


#: The marks of one lane in one bin of the axis, drawn as one: (x where it is drawn,
#: statements, index of its first day in LaneMarks.days, index of its last day).
Bucket = tuple[float, int, int, int]


def buckets(lane: LaneMarks, scale: TimeScale, x_from: float, x_to: float,
            bin_px: int = 1) -> list[Bucket]:
    """The lane's marks whose centres lie in [x_from, x_to), grouped in bins of ``bin_px``
    pixels (counted from x = 0, so that any stretch gives the same bins). A bin of one day is
    drawn at that day; a bin of several days in the middle of them."""
    days, starts = lane.days, lane.starts
    first = bisect_left(days, _day_from(scale, x_from))
    last = bisect_right(days, _day_to(scale, x_to))
    ppd = scale.pixels_per_day
    base = scale.x_of_mark(scale.first_day) - scale.first_day * ppd  # x = base + day * ppd
    out: list[Bucket] = []
    cell = -1
    x0 = x1 = 0.0
    count = first_day = index_before = 0
    for index in range(first, last):
        x = base + days[index] * ppd
        if x < x_from or x >= x_to:
            continue
        here = int(x // bin_px)
        if here != cell:
            if count:
                out.append(((x0 + x1) / 2, count, first_day, index_before))
            cell, x0, count, first_day = here, x, 0, index
        x1 = x
        index_before = index
        count += starts[index + 1] - starts[index]
    if count:
        out.append(((x0 + x1) / 2, count, first_day, index_before))
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
