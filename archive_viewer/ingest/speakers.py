"""Who said it: attributing each sentence of an item to a participant, "joint", or nobody."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import Gazetteer
from .model import JOINT, Person, Statement
from .sentences import split_sentences

_JOINT = re.compile(
    r"^(?:the\s+)?(?:(?:two|three|four|five|both|all)\s+(?:(?:foreign|prime|deputy|vice)\s+)?"
    r"(?:ministers?|leaders?|sides?|countries|parties|delegations|governments|nations|heads|heads\s+of\s+\w+|"
    r"secretaries|presidents|premiers|counterparts|representatives|officials|chairs)\b"
    r"|(?:foreign\s+|prime\s+)?ministers\b|leaders\b|sides\b|both\b|they\b|the\s+participants\b)",
    re.I,
)
_PRONOUN = re.compile(r"^(he|she)\b", re.I)
_COUNTRY_PAIR = re.compile(r"^(?:the\s+)?([A-Z][\w.'’\- ]+?)\s+and\s+(?:the\s+)?([A-Z][\w.'’\- ]+?)\s+(?:agreed|shared|confirmed|concurred|reaffirmed|affirmed|will|would|decided)\b")
# Where a title or honorific opens a reference to a person, inside a sentence.
_REFERENCE_START = re.compile(
    r"(?<=\s)(?:Prime\s+Minister|Foreign\s+Minister|Minister|President|Secretary|Premier|Chancellor|"
    r"State\s+Councilor|FM|PM|Mr\.|Ms\.|Mrs\.|Dr\.)\s+[A-Z]"
)
_POSTPOSED = re.compile(
    r",\s*(he|she)\s+(?:also\s+|further\s+|then\s+)?"
    r"(?:added|noted|said|stated|stressed|emphasi[sz]ed|explained|continued|remarked|observed|"
    r"pointed\s+out|underlined|underscored|replied|responded|commented|concluded|mentioned)"
    r"[.!]?[\"'\u201d\u2019]?\s*$",
    re.I,
)
# Openings after which the subject comes after a comma: "Regarding North Korea, the two leaders".
_FRONTED = re.compile(
    r"^(?:Regarding|Concerning|On|In|At|As|With|Turning|Building|Given|Noting|Following|After|Before|"
    r"During|Referring|Touching|Also|Furthermore|Moreover|Then|Finally|Meanwhile|Lastly|First|Second|"
    r"Third|Further|Additionally|Subsequently|Later|Next|In\s+reply|In\s+response|For\s+its\s+part|"
    r"For\s+his\s+part|For\s+her\s+part|Against|Under|Through|To|From|Based|Recalling|Welcoming|"
    r"Expressing|Stressing|Reflecting|Looking|Taking|Responding|Replying|While|Since|Amid|Upon|"
    r"Having|Mentioning|Explaining|Citing|Pointing|For|By|About|Prior|Ahead|Despite|Toward|Towards|"
    r"Of|Together|Accordingly|Thereafter|Afterwards|Afterward|Likewise|Similarly)\b|^\w+ly\b|^\w+ing\b",
)


@dataclass
class SpeakerIndex:
    """How this document refers to its participants."""

    people: list[Person]
    aliases: dict[str, Person] = field(default_factory=dict)  # "Gemba", "Kim" -> person
    offices: list[tuple[str, Person]] = field(default_factory=list)  # ("prime minister", person)
    sides: dict[str, Person] = field(default_factory=dict)  # country -> its principal

    @classmethod
    def build(cls, people: list[Person]) -> SpeakerIndex:
        index = cls(people)
        counts: dict[str, int] = {}
        for p in people:
            for key in _alias_keys(p):
                counts[key] = counts.get(key, 0) + 1
        for p in people:
            for key in _alias_keys(p):
                # A shared family name belongs to the principal who bears it.
                if counts[key] == 1 or (p.role == "principal" and key not in index.aliases):
                    index.aliases.setdefault(key, p)
        for p in sorted(people, key=lambda p: p.role != "principal"):
            if p.title:
                index.offices.append((p.title.lower(), p))
            if p.role == "principal" and p.country:
                index.sides.setdefault(p.country, p)
        return index

    def office_holder(self, office: str) -> Person | None:
        office = office.lower()
        holders = [p for title, p in self.offices if re.search(rf"\b{re.escape(office)}\b", title)]
        if not holders and " " in office:
            # "the Foreign Secretary" for a "Secretary of State for Foreign ... Affairs"
            head = office.split()[-1]
            holders = [p for title, p in self.offices if re.search(rf"\b{re.escape(head)}\b", title)]
        principals = [p for p in holders if p.role == "principal"]
        return (principals or holders or [None])[0]


def _alias_keys(p: Person) -> set[str]:
    tokens = p.name.replace(",", " ").split()
    keys = {p.name.lower()}
    if tokens:
        keys |= {tokens[0].lower(), tokens[-1].lower()}
    for alias in p.aliases:
        keys.add(alias.lower())
    return keys


# "Minister Kim", "Deputy Prime Minister Minh", "FM Kishida", "Mr. Kim": an office or honorific
# (perhaps after other office words), then the name the document uses for the person.
_NAME_HEAD = re.compile(
    r"(?:Minister|President|Secretary|Premier|Chancellor|Councilor|Councillor|Ambassador|Mr\.|Ms\.|"
    r"Mrs\.|Dr\.|Madam|FM|PM|Director-General|Governor|King|Queen|Prince|Chairman|Chair|Speaker|"
    r"Leader|Senator|Vice-Minister|Envoy|Representative|Commissioner|Sultan|Emir|Sheikh|"
    r"Secretary-General|General|Mayor)\s+([A-Z\u00C0-\u024F][\w\u00C0-\u024F'’\-]*)"
)
_OFFICE_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:[A-Z][\w'’.\-]*|of|for|and|the)\s+){0,6}$")
# "The Chancellor", "the Prime Minister", "the Japanese Foreign Minister", "The Foreign Secretary".
_OFFICE_REF = re.compile(
    r"^[Tt]he\s+((?:[A-Z][\w.'’\-]*\s+){0,4}?)"
    r"(Minister|President|Secretary(?:\s+of\s+State)?|Premier|Chancellor|Councilor|Ambassador|"
    r"Director-General|Governor|King|Queen|Prince|Chairman|Speaker|Vice-Minister|Secretary-General|"
    r"Emir|Sultan)\b(?!['’]s)"
)


def _quote_left_open(sentence: str, was_open: bool) -> bool:
    """Whether a double quotation is still open at the end of ``sentence``."""
    opens = sentence.count("\u201c")
    closes = sentence.count("\u201d")
    straight = sentence.count('"')
    if opens or closes:
        return (was_open or opens > closes) and not (closes > opens or (was_open and closes))
    if straight % 2:
        return not was_open
    return was_open


class Attributor:
    """Resolves the speaker of each sentence, remembering who spoke last for "he" and "she"."""

    def __init__(self, index: SpeakerIndex, gaz: Gazetteer) -> None:
        self.index = index
        self.gaz = gaz
        self.recent: list[Person] = []  # named speakers, most recent last

    @property
    def last_person(self) -> Person | None:
        return self.recent[-1] if self.recent else None

    def _remember(self, person: Person, sentence: str) -> None:
        if person in self.recent:
            self.recent.remove(person)
        self.recent.append(person)
        # "President Park said she ..." tells who "she" is later on.
        if person.gender is None:
            if re.search(r"\b(?:she|her|herself)\b", sentence, re.I):
                person.gender = "f"
            elif re.search(r"\b(?:he|his|him|himself)\b", sentence, re.I):
                person.gender = "m"

    def _pronoun(self, word: str) -> Person | None:
        unwanted = "m" if word.lower() == "she" else "f"
        for person in reversed(self.recent):
            if person.gender != unwanted:
                return person
        return None

    def statements(self, paragraphs: list[str]) -> list[Statement]:
        out: list[Statement] = []
        for paragraph in paragraphs:
            quote_open = False
            for sentence in split_sentences(paragraph):
                # Inside a quotation the speaker goes on: 'Minister Payne stated, "... . I also ..."'.
                speaker = out[-1].speaker if quote_open and out else self.speaker_of(sentence)
                quote_open = _quote_left_open(sentence, quote_open)
                if out and out[-1].speaker == speaker:
                    out[-1].text += " " + sentence
                else:
                    out.append(Statement(sentence, speaker))
        return out

    def speaker_of(self, sentence: str) -> str | None:
        # A deeper list marker ("1.", "(a)") at the start is not part of the sentence.
        body = re.sub(r"^(?:[(\[]?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)\]])\s+", "", sentence.strip())
        body = re.sub(r"^[\"'“‘(\[]+", "", body)
        # "State Councilor (and Foreign Minister) Wang said": asides do not hide the subject.
        body = re.sub(r"\s*\([^()]*\)", "", body)
        post = _POSTPOSED.search(body)
        if post:
            person = self._pronoun(post.group(1))
            if person is not None:
                self._remember(person, sentence)
                return person.name
        for start in self._subject_positions(body):
            found = self._reference_at(body[start:])
            if found is not None:
                if isinstance(found, Person):
                    self._remember(found, sentence)
                    return found.name
                return found
        return None

    def _country_pair(self, text: str) -> bool:
        m = _COUNTRY_PAIR.match(text)
        return bool(m) and all(self.gaz.country(c) in self.index.sides for c in (m.group(1), m.group(2)))

    def _subject_positions(self, body: str) -> list[int]:
        positions = [0]
        if _FRONTED.match(body):
            positions += [m.end() for m in re.finditer(r",\s+", body[: max(40, int(len(body) * 0.7))])][:4]
            # "At the start of the talk Chancellor Merkel emphasized": a fronted phrase without a comma.
            positions += [m.start() for m in _REFERENCE_START.finditer(body[:120])]
        return positions

    def _reference_at(self, text: str) -> Person | str | None:
        """The participant (or JOINT) that ``text`` opens with as its subject, if any."""
        if _JOINT.match(text):
            return JOINT
        m = self.gaz.side_re.match(text)
        if m:
            country = self.gaz.country(m.group(1))
            if country and country in self.index.sides:
                return self.index.sides[country]
        if _COUNTRY_PAIR.match(text) and self._country_pair(text):
            return JOINT  # "Japan and Russia agreed ..."
        pronoun = _PRONOUN.match(text)
        if pronoun:
            # "He and Minister Payne confirmed ..." is joint.
            if re.match(r"(?:he|she)\s+and\s+", text, re.I):
                rest = re.sub(r"^(?:he|she)\s+and\s+", "", text, flags=re.I)
                if self._named(rest) is not None or _JOINT.match(rest):
                    return JOINT
            return self._pronoun(pronoun.group(1))
        named = self._named(text)
        if named is not None:
            person, end = named
            form = text[:end].strip()
            if form and form != person.name and form not in person.aliases and not form.lower().startswith("the "):
                person.aliases.append(form)  # "Minister Gemba", "Secretary Clinton"
            # "Prime Minister Abe and President Moon agreed" is a joint statement.
            rest = text[end:]
            and_m = re.match(r"\s+and\s+", rest)
            other = self._named(rest[and_m.end():]) if and_m else None
            if other is not None and other[0] is not person:
                return JOINT
            if re.match(r"['’]s\b", rest):
                return None  # "Minister Gemba's visit ..." is not Gemba speaking
            return person
        return None

    def _named(self, text: str) -> tuple[Person, int] | None:
        """The participant named at the start of ``text`` and where the reference ends."""
        for m in _NAME_HEAD.finditer(text[:100]):
            if not _OFFICE_PREFIX.match(text[: m.start()]):
                break
            person = self.index.aliases.get(m.group(1).lower().rstrip("."))
            if person is not None:
                return person, m.end()
        # A full name written out: "Koichiro Gemba said"; or a family name alone.
        for key, person in sorted(self.index.aliases.items(), key=lambda kv: -len(kv[0])):
            if text.lower().startswith(key) and re.match(r"[\s,'’]", text[len(key) : len(key) + 1] or " "):
                if len(key.split()) > 1 or text[:1].isupper():
                    return person, len(key)
        m = _OFFICE_REF.match(text)
        if m:
            # "the Australian Foreign Minister", "the Foreign Minister of Australia": the side decides.
            words = m.group(1).split()
            country = self.gaz.demonym_forms.get(words[0]) if words else None
            office = " ".join([*words[1:], m.group(2)] if country else [*words, m.group(2)])
            of = re.match(r"\s+of\s+(?:the\s+)?([A-Z][\w.'’\- ]+?)(?=\s+[a-z]|[,.]|$)", text[m.end():])
            if of and not country:
                country = self.gaz.country(of.group(1))
            if country:
                person = self.index.sides.get(country)
                return (person, m.end() + (of.end() if of else 0)) if person else None
            person = self.index.office_holder(office)
            if person is not None:
                return person, m.end()
        return None
