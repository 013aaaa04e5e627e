"""Dates as the genre writes them: "April 23, 2012", "22 September, 2009", "Tuesday, November 6"."""
from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for m in names
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
# "April 7, 2012" / "April 7" / "7 April 2012" / "22 September, 2009" / "2012-04-07"
DATE_RE = re.compile(
    rf"{_WEEKDAY}(?:{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?(?:\s+(\d{{4}}))?)"
    r"|(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})",
)
# A line that is nothing but a date: "(April 25, 2012)", "Tuesday, November 6, 2012".
DATE_LINE_RE = re.compile(
    rf"^\s*[(\[]?\s*(?:{DATE_RE.pattern})\s*[)\]]?\s*(?:\[?Provisional translation\]?)?\s*$", re.I
)


def _parts(m: re.Match[str]) -> tuple[int, int, int | None] | None:
    g = m.groups()
    if g[0]:
        month, day, year = MONTHS[g[0].lower().rstrip(".")], int(g[1]), g[2]
    elif g[4]:
        month, day, year = MONTHS[g[4].lower().rstrip(".")], int(g[3]), g[5]
    elif g[6]:
        return int(g[7]), int(g[8]), int(g[6])
    else:
        return None
    return month, day, int(year) if year else None


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_line(text: str) -> date | None:
    """The date of a line that holds only a date (with a year)."""
    if len(text) > 60 or not DATE_LINE_RE.match(text):
        return None
    m = DATE_RE.search(text)
    parts = _parts(m) if m else None
    if not parts or parts[2] is None:
        return None
    month, day, year = parts
    return make_date(year, month, day)


def first_date(text: str, published: date | None, fallback_year: int | None = None) -> date | None:
    """The first date written in ``text``; a missing year comes from the publication date.

    A meeting is never after its overview was published, so a "December 30" on a page dated
    January 5 belongs to the year before.
    """
    for m in DATE_RE.finditer(text):
        parts = _parts(m)
        if not parts:
            continue
        month, day, year = parts
        if year is not None:
            found = make_date(year, month, day)
        elif published is not None:
            found = make_date(published.year, month, day)
            if found and found > published + timedelta(days=2):
                found = make_date(published.year - 1, month, day)
        elif fallback_year is not None:
            found = make_date(fallback_year, month, day)
        else:
            continue
        if found:
            return found
    return None


YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
