"""Meeting facts from the title and the lead: kind, place, occasion, date held."""
from __future__ import annotations

import re
from datetime import date

from .dates import YEAR_RE, first_date
from .gazetteer import Gazetteer
from .model import MeetingKind, Person
from .sentences import split_sentences

_TELEPHONE = re.compile(r"\b(?:telephone|phone|video\s*(?:conference|call|meeting)|videoconference|online\s+meeting)\b", re.I)
_TRILATERAL = re.compile(r"\b(?:trilateral|three-way|tripartite)\b", re.I)
_SUMMIT = re.compile(r"\b(?:summit|leaders['’]?|prime\s+minister|president|premier|chancellor)\b", re.I)
_FOREIGN = re.compile(
    r"\b(?:foreign\s+minist\w*|foreign\s+affairs|strategic\s+dialogue|ministerial|secretary\s+of\s+state|"
    r"foreign\s+and\s+defen[cs]e\s+ministers|"
    r"state\s+councilor)\b",
    re.I,
)
_COURTESY = re.compile(r"\b(?:courtesy\s+call|vice[-\s]minist\w*|director[-\s]general|working[-\s]level)\b", re.I)
_LEADER_TITLES = re.compile(r"\b(?:Prime\s+Minister|President|Premier|Chancellor|King|Emperor|Taoiseach)\b")
_MINISTER_TITLES = re.compile(r"\b(?:Foreign\s+Minister|Minister\s+(?:for|of)\s+Foreign|Secretary\s+of\s+State|State\s+Councilor|Foreign\s+Secretary)\b")


def meeting_kind(title: str, lead: str, principals: list[Person], title_countries: list[str]) -> MeetingKind:
    held_by_phone = re.search(r"\b(?:held|had)\s+(?:a\s+)?(?:telephone|phone|video)\s+(?:talk|call|conversation|conference)", lead, re.I)
    if _TELEPHONE.search(title) or held_by_phone:
        return "telephone_talk"
    sides = {p.country for p in principals if p.country}
    if _TRILATERAL.search(title) or len(title_countries) == 3 or (len(title_countries) < 2 and len(sides) == 3):
        return "trilateral_meeting"
    if _COURTESY.search(title):
        return "other"
    if _FOREIGN.search(title):
        return "foreign_ministers_meeting"
    if _SUMMIT.search(title):
        return "summit_meeting"
    titles = [p.title or "" for p in principals]
    if titles and all(_LEADER_TITLES.search(t) and not re.search(r"\bVice|Deputy", t) for t in titles):
        return "summit_meeting"
    if titles and all(_MINISTER_TITLES.search(t) for t in titles):
        return "foreign_ministers_meeting"
    return "other"


def held_on(lead: str, published: date | None, body_text: str) -> date | None:
    """The meeting date from the lead (local date, not the Japan-time one), year inferred if missing."""
    # Only the lead's own year: the body cites history ("the Joint Declaration of 1956").
    years = YEAR_RE.findall(lead)
    fallback = int(years[0]) if years else None
    found = first_date(lead, published, fallback)
    # Overviews are published on the day of the meeting or soon after; with no date in the lead,
    # the date line is the best evidence there is.
    return found or published


_PLACE_CUE = re.compile(r"\b(?:in|at|visiting|to|inside|near)\s+(?:the\s+)?$", re.I)


def location(lead_main: str, gaz: Gazetteer, kind: MeetingKind) -> str | None:
    """ "City, Country" from the lead: "in Ningbo, China", "visiting Hanoi, Viet Nam", "in Tokyo"."""
    if kind == "telephone_talk":
        return None
    best: tuple[int, str] | None = None
    for m in gaz.city_re.finditer(lead_main):
        city = m.group(1)
        before = lead_main[max(0, m.start() - 25) : m.start()]
        if re.search(r"\b(?:birthplace|hometown|constituency|home\s+town)\s+(?:of\s+)?$", before, re.I):
            continue  # a place named, not the venue
        score = 2 if _PLACE_CUE.search(before) else 1
        if best is None or score > best[0]:
            best = (score, city)
    if best is not None:
        city = best[1]
        return f"{city}, {gaz.cities[city]}"
    # A place the gazetteer lacks, written with its country: "in Karuizawa, Nagano, Japan".
    m = re.search(
        r"\b(?:in|at|visiting)\s+([A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,2}),\s+(?:[A-Z][\w'’.\-]+,\s+)?" + gaz.country_re.pattern,
        lead_main,
    )
    if m:
        country = gaz.country(m.group(2))
        if country and not gaz.country(m.group(1)):
            return f"{m.group(1)}, {country}"
    return None


_INTRO_VERB = re.compile(r"\b(?:held|holds|met|meets|hosted|had|paid|received|visited|took\s+part|participated)\b")
# Cues before the event a meeting was held around, strongest first.
_OCCASION_CUES = [
    re.compile(r"\bon\s+the\s+(?:sidelines|margins?|fringes?)\s+of\s+(?:the\s+)?", re.I),
    re.compile(r"\bon\s+the\s+occasion\s+of\s+(?:the\s+)?", re.I),
    re.compile(r"\b(?:to\s+attend|attending|to\s+participate\s+in|participating\s+in)\s+(?:the\s+)?", re.I),
    re.compile(r"\b(?:who\s+(?:was|is)\s+(?:visiting|in|staying\s+in)|during\s+(?:his|her|their)\s+(?:visit|stay)\s+(?:to|in))"
               r"\s+[^,;()]+?\s+for\s+(?:the\s+)?", re.I),
]
_OCCASION_END = re.compile(
    r"\s*[,;()]|\s+(?:in|on|held|with|which|where|from|at|during|between|hosted)\s|"
    r"(?<!\b[A-Z])(?<!\bU\.S)(?<!\bU\.K)(?<!\bNo)\.(?:\s|$)|$"
)


def occasion(lead_main: str) -> str | None:
    """The event the meeting was held around, as worded in the document.

    Only the sentence that introduces the meeting counts: a later "following their talks on
    the occasion of ..." is about another meeting.
    """
    sentences = split_sentences(lead_main)
    intro = next((s for s in sentences if _INTRO_VERB.search(s)), sentences[0] if sentences else "")
    for cue in _OCCASION_CUES:
        for m in cue.finditer(intro):
            rest = intro[m.end():]
            end = _OCCASION_END.search(rest)
            text = rest[: end.start() if end else len(rest)].strip()
            if len(text) >= 3 and (text[:1].isupper() or text[:1].isdigit()):
                return text
    return None
