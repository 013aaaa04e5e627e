"""The lead paragraph's people: who headed each delegation, and who else attended."""
from __future__ import annotations

import re

from .gazetteer import Gazetteer
from .model import Person
from .people import Mention, find_mentions

# A mention right after one of these is someone referred to, not someone at the table.
_NOT_PRESENT = re.compile(
    r"(?:accompanying|accompanied\s+by|on\s+behalf\s+of|message\s+from|letter\s+from|envoy\s+of|"
    r"sent\s+by|visit\s+of|invitation\s+of|invited\s+by|hosted\s+by|the\s+late|successor\s+to|"
    r"predecessor|meeting\s+between|talks\s+between)\s*$",
    re.I,
)
_ATTEND_CUE = re.compile(
    r"attend|present|joining|joined|in\s+attendance|participat|accompan|from\s+the\s+[\w.\- ]+\s+side|"
    r"on\s+the\s+[\w.\- ]+\s+side|[\w.]+\s+side\s*:",
    re.I,
)


def title_countries(title: str, gaz: Gazetteer) -> list[str]:
    """The states in a title's hyphen chain: "Japan-U.S.-ROK Trilateral ..." -> three countries."""
    found: list[str] = []
    pos = 0
    text = re.sub(r"^(?:The\s+)?(?:Outline|Overview|Summary)\s+of\s+(?:the\s+)?", "", title, flags=re.I)
    while pos < len(text):
        m = gaz.country_re.match(text, pos)
        if m is None:
            dm = re.match(r"([\w.'’ ]+?)(?=-|\s|$)", text[pos:])
            form = dm.group(1) if dm else ""
            country = gaz.demonym_forms.get(form)
            if not country:
                break
            end = pos + len(form)
        else:
            country = gaz.country(m.group(1))
            end = m.end()
        if country and country not in found:
            found.append(country)
        if end < len(text) and text[end] in "-–":
            pos = end + 1
            continue
        break
    return found


def split_parentheticals(text: str) -> tuple[str, list[str]]:
    """Text with its long top-level parentheticals removed, and those parentheticals."""
    main: list[str] = []
    groups: list[str] = []
    depth = 0
    buf: list[str] = []
    for ch in text:
        if ch == "(":
            if depth == 0:
                buf = []
            else:
                buf.append(ch)
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                inner = "".join(buf)
                if len(inner) > 12:
                    groups.append(inner)
                else:
                    main.append(f"({inner})")
            else:
                buf.append(ch)
        elif depth > 0:
            buf.append(ch)
        else:
            main.append(ch)
    if depth > 0:  # an unclosed parenthesis: keep its text in the main line
        main.append("(" + "".join(buf))
    return re.sub(r"\s+", " ", "".join(main)).strip(), groups


def _side_of(part: str, mention: Mention, mentions: list[Mention], gaz: Gazetteer) -> str | None:
    """The side of a mention in an attendee list.

    "A, ..., on the Japanese side and B, ..., on the ROK side": a side phrase after a mention (with
    no other mention between) names its side. "Joining from the U.S. side: A; B" / "present on the
    Chinese side was C" / "ROK side: D": a side phrase before names the side of all that follow.
    """
    after_end = min([m.start for m in mentions if m.start > mention.start] + [len(part)])
    preposed_before: tuple[int, str] | None = None
    for m in gaz.side_re.finditer(part):
        country = gaz.country(m.group(1))
        if not country:
            continue
        tail = part[m.end() : m.end() + 12]
        head = part[max(0, m.start() - 6) : m.start()]
        preposed = bool(re.match(r"\s*(?::|were\b|was\b|included\b|are\b|is\b|,?\s*(?:Mr|Ms|Mrs|Dr|H\.E)\b)", tail)) or (
            bool(re.search(r"from\s*$", head)) and not re.match(r"\s*[,.;)]|\s*and\b|\s*$", tail)
        )
        if not preposed and mention.end <= m.start() < after_end:
            return country
        if preposed and m.end() <= mention.start:
            preposed_before = (m.end(), country)
    if preposed_before is None:
        for m in re.finditer(r"\b([A-Z][\w.\-]*)\s+side\s*:", part):
            country = gaz.country(m.group(1))
            if country and m.end() <= mention.start:
                preposed_before = (m.end(), country)
    return preposed_before[1] if preposed_before else None


def find_participants(lead: list[str], title: str, gaz: Gazetteer) -> tuple[list[Person], list[Person], list[str]]:
    """Principals, attendees and the countries represented, from the lead and the title."""
    countries = title_countries(title, gaz)
    principals: list[Person] = []
    attendees: list[Person] = []
    seen: set[str] = set()
    main_parts: list[str] = []
    attendee_parts: list[str] = []
    for i, paragraph in enumerate(lead):
        main, groups = split_parentheticals(paragraph)
        if i == 0:
            main_parts.append(main)
        else:
            (attendee_parts if _ATTEND_CUE.search(main) else main_parts).append(main)
        attendee_parts += [g for g in groups if _ATTEND_CUE.search(g)]
    # Sentences of the main text that list attendees ("Also in attendance were ...").
    main_text = " ".join(main_parts)
    main_sentences = re.split(r"(?<=[.])\s+(?=[A-Z(])", main_text)
    principal_text = " ".join(s for s in main_sentences if not re.match(r"(?:Also\s|Present|Attend|Joining)", s))
    attendee_parts += [s for s in main_sentences if re.match(r"(?:Also\s|Present|Attend|Joining)", s)]

    for m in find_mentions(principal_text, gaz):
        before = principal_text[max(0, m.start - 40) : m.start]
        if _NOT_PRESENT.search(before) or m.name in seen:
            continue
        accompanied = re.search(r"accompanied\s+by\s*$", before, re.I)
        person = Person(m.name, m.title, m.country, "principal", gender=m.gender)
        if accompanied or (m.country and any(p.country == m.country for p in principals)):
            continue
        principals.append(person)
        seen.add(m.name)
    for part in attendee_parts:
        mentions = find_mentions(part, gaz)
        for m in mentions:
            if m.name in seen:
                continue
            country = _side_of(part, m, mentions, gaz) or m.country
            attendees.append(Person(m.name, m.title, country, "attendee", gender=m.gender))
            seen.add(m.name)
    # People whose country the text leaves implicit belong to the side not yet accounted for;
    # the publishing side (first in the title) for attendees.
    home = countries[0] if countries else None
    for p in principals:
        if p.country is None:
            free = [c for c in countries if c not in {q.country for q in principals}]
            p.country = free[0] if free else home
    for p in attendees:
        if p.country is None:
            p.country = home
    for p in principals:
        if p.country and p.country not in countries:
            countries.append(p.country)
    return principals, attendees, countries
