"""The lead paragraph's people: who headed each delegation, and who else attended."""
from __future__ import annotations

import re

from .gazetteer import Gazetteer
from .model import Person
from .people import Mention, find_mentions
from .sentences import split_sentences

# A mention right after one of these is someone referred to, not someone at the table.
_NOT_PRESENT = re.compile(
    r"(?:accompanying|accompanied\s+by|on\s+behalf\s+of|message\s+from|letter\s+from|envoy\s+of|"
    r"sent\s+by|visit\s+of|invitation\s+of|invited\s+by|the\s+late|successor\s+to|suite\s+of|"
    r"predecessor|meeting\s+between|talks\s+between|birthplace\s+of|condolences?\s+(?:to|on|over))\s*$",
    re.I,
)
_ATTEND_CUE = re.compile(
    r"attend|present|joining|joined|in\s+attendance|participat|accompan|from\s+the\s+[\w.\- ]+\s+side|"
    r"on\s+the\s+[\w.\- ]+\s+side|[\w.]+\s+side\s*:",
    re.I,
)


#: A title's states are named in its first words; a "title" longer than this is some other text
#: (a document without a short first line), and scanning all of it for every country's names
#: took seconds a megabyte.
TITLE_SCAN_CHARS = 300

_TITLE_WORD = re.compile(r"([\w.'’ ]+?)(?=-|\s|$)")


def title_countries(title: str, gaz: Gazetteer) -> list[str]:
    """The states in a title's hyphen chain: "Japan-U.S.-ROK Trilateral ..." -> three countries."""
    found: list[str] = []
    pos = 0
    text = re.sub(r"^(?:The\s+)?(?:Outline|Overview|Summary)\s+of\s+(?:the\s+)?", "", title[:TITLE_SCAN_CHARS],
                  flags=re.I)
    while pos < len(text):
        m = gaz.country_re.match(text, pos)
        if m is None:
            dm = _TITLE_WORD.match(text, pos)  # at pos, not on a copy of the rest: linear in a long chain
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
    if len(found) < 2:
        # "Talks between Foreign Ministers of Japan and Mongolia" (not the event on whose sidelines)
        text = re.split(r"\s+(?:on|at)\s+the\s+(?:sidelines|margins?|occasion)\b", text)[0]
        for m in gaz.country_re.finditer(text):
            country = gaz.country(m.group(1))
            if country and country not in found:
                found.append(country)
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


def _side_phrases(part: str, gaz: Gazetteer) -> list[tuple[int, int, str, bool]]:
    """(start, end, country, preposed) for each "the Japanese side" / "ROK side:" in an attendee list.

    A preposed phrase ("Joining from the U.S. side: A; B", "present on the Chinese side was C")
    names the side of the people after it; a postposed one ("A, ..., on the Japanese side") of
    the people before it.
    """
    found: list[tuple[int, int, str, bool]] = []
    for m in gaz.side_re.finditer(part):
        country = gaz.country(m.group(1))
        if not country:
            continue
        tail = part[m.end() : m.end() + 12]
        head = part[max(0, m.start() - 6) : m.start()]
        preposed = bool(re.match(r"\s*(?::|were\b|was\b|included\b|are\b|is\b|by\b|,?\s*(?:Mr|Ms|Mrs|Dr|H\.E)\b)", tail)) or (
            bool(re.search(r"from\s*$", head)) and not re.match(r"\s*[,.;)]|\s*and\b|\s*$", tail)
        )
        found.append((m.start(), m.end(), country, preposed))
    for m in re.finditer(r"\b([A-Z][\w.\-]*)\s+side\s*:", part):
        country = gaz.country(m.group(1))
        if country and not any(s <= m.start() < e for s, e, _, _ in found):
            found.append((m.start(), m.end(), country, True))
    return sorted(found)


def _side_of(mention: Mention, phrases: list[tuple[int, int, str, bool]]) -> str | None:
    after = next((p for p in phrases if p[0] >= mention.end), None)
    before = next((p for p in reversed(phrases) if p[1] <= mention.start), None)
    if after is not None and not after[3]:
        return after[2]
    if before is not None and before[3]:
        return before[2]
    return None


class _Seen:
    """The names found so far, and whether another is one of them, perhaps written in full
    ("Kishida" / "Fumio Kishida"). Indexed by word: only names sharing a word can be the same
    person, and comparing each new name with every one found made a lead naming thousands
    quadratic."""

    def __init__(self) -> None:
        self._by_word: dict[str, list[frozenset[str]]] = {}
        self._count = 0
        self._wordless = False  # a name without words is part of every name

    def add(self, name: str) -> None:
        words = frozenset(name.lower().split())
        self._count += 1
        self._wordless = self._wordless or not words
        for word in words:
            self._by_word.setdefault(word, []).append(words)

    def __contains__(self, name: str) -> bool:
        words = frozenset(name.lower().split())
        if self._wordless or not words:
            return self._count > 0
        return any(words <= other or other <= words
                   for word in words for other in self._by_word.get(word, ()))


def find_participants(lead: list[str], title: str, gaz: Gazetteer) -> tuple[list[Person], list[Person], list[str]]:
    """Principals, attendees and the countries represented, from the lead and the title."""
    countries = title_countries(title, gaz)
    principals: list[Person] = []
    attendees: list[Person] = []
    seen = _Seen()
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
    main_sentences = split_sentences(main_text)  # not at "Mr." or "U.S."
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
        phrases = _side_phrases(part, gaz)
        for m in find_mentions(part, gaz, bare_names=True):
            if m.name in seen:
                continue
            country = _side_of(m, phrases) or m.country
            attendees.append(Person(m.name, m.title, country, "attendee", gender=m.gender))
            seen.add(m.name)
    # People whose country the text leaves implicit belong to the side not yet accounted for;
    # the publishing side (first in the title) for attendees.
    home = countries[0] if countries else None
    taken = {q.country for q in principals}  # kept up to date here, not gathered for each one
    for p in principals:
        if p.country is None:
            free = [c for c in countries if c not in taken]
            p.country = free[0] if free else None
            taken.add(p.country)
    for p in attendees:
        if p.country is None:
            p.country = home
    for p in principals:
        if p.country and p.country not in countries:
            countries.append(p.country)
    return principals, attendees, countries
