"""Seeded generator of realistic synthetic meeting archives (issue 5, first step).

Meetings are generated, not copied: Japan and a weighted partner country (or two, for trilateral
meetings), office holders who serve for a few years (so people recur across meetings as they do
in real archives), a title per kind, a city of the host country from resources/places.toml, 1-5
sections in several numbering styles, items "(1)".."(n)" and 1-5 statements per item (about 3) whose text
mentions 0-3 synonyms from resources/issues.toml with a skewed (Zipf-like) popularity, so that
full-text search and issue facets see rare, medium and very common terms.

    python -m bench.generate archive PATH --meetings N [--seed S]
    python -m bench.generate documents FOLDER --count N [--seed S]
"""
from __future__ import annotations

import argparse
import hashlib
import html
import random
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from archive_viewer.ingest.model import JOINT, Item, Meeting, MeetingKind, Person, Section, Statement
from archive_viewer.ingest.thesaurus import load_thesaurus
from archive_viewer.paths import RESOURCES_DIR

# -- countries, offices and names ------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    name: str  # short name, as places.toml
    adjective: str
    long_form: str  # "of the People's Republic of China"
    leader: str  # head of government (or state) met at summits
    minister: str  # foreign minister's title
    minister_short: str  # "Minister", "Secretary": used as "Minister Yang"
    family_first: bool
    given: tuple[str, ...]
    family: tuple[str, ...]
    weight: float


def _c(name: str, adjective: str, long_form: str, leader: str, minister: str, short: str,
       family_first: bool, given: str, family: str, weight: float) -> Country:
    return Country(name, adjective, long_form, leader, minister, short, family_first,
                   tuple(given.split()), tuple(family.split()), weight)


_EURO_MIN = "Minister of Foreign Affairs"
PARTNERS: tuple[Country, ...] = (
    _c("China", "Chinese", "of the People's Republic of China", "Premier", _EURO_MIN, "Minister",
       True, "Jiechi Yi Qiang Jianmin Weiguo Haitao Lihua Zhaoxing Xiaoming Jun Ming",
       "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Tang Luo", 18),
    _c("Republic of Korea", "ROK", "of the Republic of Korea", "President", _EURO_MIN, "Minister",
       True, "Min-jun Seo-yeon Jae-in Kyung-wha Byung-se Sung-kim Jin-woo Hye-jin Dong-hoon",
       "Kim Lee Park Choi Jung Kang Yoon Cho Han Yoo", 16),
    _c("United States", "U.S.", "of the United States of America", "President", "Secretary of State",
       "Secretary", False, "John Hillary Michael Condoleezza Robert Susan James Madeleine Antony",
       "Carter Miller Baker Walker Collins Hughes Bennett Foster Reed Morgan", 16),
    _c("Russia", "Russian", "of the Russian Federation", "President", _EURO_MIN, "Minister", False,
       "Sergey Igor Dmitry Andrei Vladimir Mikhail Yevgeny Nikolai",
       "Ivanov Petrov Sokolov Volkov Morozov Lebedev Kozlov Novikov", 8),
    _c("Australia", "Australian", "of Australia", "Prime Minister", "Minister for Foreign Affairs",
       "Minister", False, "Julie Penny Stephen Alexander Kevin Gareth Marise Scott",
       "Bishop Wong Downer Evans Smith Payne Turner Howard", 7),
    _c("India", "Indian", "of the Republic of India", "Prime Minister", "Minister of External Affairs",
       "Minister", False, "Subrahmanyam Sushma Pranab Salman Natwar Arun Nirmala",
       "Jaishankar Swaraj Mukherjee Khurshid Singh Sharma Menon Rao", 7),
    _c("Indonesia", "Indonesian", "of the Republic of Indonesia", "President", _EURO_MIN, "Minister",
       False, "Retno Hassan Marty Budi Adi Sri", "Marsudi Wirajuda Natalegawa Santoso Wibowo Hartono", 3),
    _c("Viet Nam", "Vietnamese", "of the Socialist Republic of Viet Nam", "Prime Minister",
       _EURO_MIN, "Minister", True, "Minh Son Binh Dung Thanh Hai", "Nguyen Pham Bui Tran Le Vu", 3),
    _c("Philippines", "Philippine", "of the Republic of the Philippines", "President",
       "Secretary of Foreign Affairs", "Secretary", False, "Alberto Teodoro Enrique Maria Jose",
       "Romualdez Locsin Manalo Santos Reyes Cruz", 2),
    _c("Thailand", "Thai", "of the Kingdom of Thailand", "Prime Minister", _EURO_MIN, "Minister",
       False, "Don Surakiart Kasit Parnpree Maris", "Pramudwinai Sathirathai Piromya Bahiddha Sangiampongsa", 2),
    _c("Singapore", "Singaporean", "of the Republic of Singapore", "Prime Minister", _EURO_MIN,
       "Minister", False, "Vivian George Kasiviswanathan Lawrence", "Balakrishnan Yeo Shanmugam Wong", 2),
    _c("Malaysia", "Malaysian", "of Malaysia", "Prime Minister", _EURO_MIN, "Minister", False,
       "Anifah Saifuddin Hishammuddin Zambry", "Aman Abdullah Hussein Kadir", 1.5),
    _c("United Kingdom", "British", "of the United Kingdom", "Prime Minister", "Foreign Secretary",
       "Foreign Secretary", False, "David William Philip Jeremy Elizabeth Dominic James",
       "Cameron Hague Hammond Hunt Truss Raab Cleverly", 4),
    _c("France", "French", "of the French Republic", "President",
       "Minister for Europe and Foreign Affairs", "Minister", False,
       "Laurent Jean-Yves Catherine Bernard Dominique", "Fabius Le Drian Colonna Kouchner Barnier", 3),
    _c("Germany", "German", "of the Federal Republic of Germany", "Chancellor",
       "Federal Minister for Foreign Affairs", "Minister", False,
       "Frank-Walter Heiko Annalena Guido Sigmar", "Steinmeier Maas Baerbock Westerwelle Gabriel", 3),
    _c("Italy", "Italian", "of the Italian Republic", "Prime Minister", _EURO_MIN, "Minister", False,
       "Antonio Luigi Paolo Franco Emma", "Tajani Di Maio Gentiloni Frattini Bonino", 1.5),
    _c("Canada", "Canadian", "of Canada", "Prime Minister", _EURO_MIN, "Minister", False,
       "Melanie Chrystia Marc Stephane John", "Joly Freeland Garneau Dion Baird", 1.5),
)
JAPAN = _c("Japan", "Japanese", "of Japan", "Prime Minister", "Minister for Foreign Affairs",
           "Minister", False, "Koichiro Fumio Taro Yoko Toshimitsu Seiji Katsuya Nobuo Masahiko Yoshimasa",
           "Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Saito Matsumoto Inoue", 0)
_FEMALE = {"Hillary", "Condoleezza", "Susan", "Madeleine", "Julie", "Penny", "Marise", "Sushma",
           "Nirmala", "Retno", "Marty", "Sri", "Maria", "Elizabeth", "Catherine", "Annalena", "Emma",
           "Melanie", "Chrystia", "Yoko", "Seo-yeon", "Kyung-wha", "Hye-jin"}
_BY_NAME = {c.name: c for c in (*PARTNERS, JAPAN)}
_TRILATERALS = (("China", "Republic of Korea"), ("United States", "Republic of Korea"),
                ("United States", "Australia"), ("United States", "India"))

#: Kind proportions, roughly as in a ministry's published overviews.
KINDS: tuple[tuple[MeetingKind, float], ...] = (
    ("foreign_ministers_meeting", 0.42), ("summit_meeting", 0.25), ("telephone_talk", 0.18),
    ("trilateral_meeting", 0.06), ("other", 0.09),
)

# -- statement text ----------------------------------------------------------------------------

_CLAUSES = (
    "Japan would continue to work closely with the international community on {t}",
    "the two countries should further strengthen cooperation on {t}",
    "{t} was a matter of great importance for the region",
    "he hoped for concrete progress on {t} at an early date",
    "close communication on {t} would be maintained at every level",
    "the recent developments concerning {t} were a cause for concern",
    "dialogue on {t} had produced steady results over the past year",
    "the relevant ministries would follow up on {t} before the next meeting",
    "{t} and {u} were closely linked",
    "both {t} and {u} called for a coordinated response",
    "the working groups on {t} should meet again soon",
)
_PLAIN = (
    "the meeting had been a valuable opportunity to exchange views frankly",
    "the partnership had developed steadily in recent years",
    "it was important to keep the momentum of the talks",
    "further exchanges between the two peoples would be encouraged",
    "the outcome would be reported to the leaders",
)
_VERBS = ("said", "stated", "noted", "emphasized", "expressed the view", "pointed out",
          "explained", "remarked")
_JOINT_VERBS = ("agreed", "confirmed", "shared the view", "welcomed the fact", "concurred")
_FOLLOW = ("He added that", "He also stated that", "He further stated that")
_NONE = ("Views were also exchanged on {t}.", "A positive exchange of views took place on {t}.",
         "It was decided that consultations on {t} would continue.",
         "Discussions were held on {t} and {u}.")
_HEADINGS = ("Bilateral Relations", "Economic Relations", "Regional Affairs", "Security",
             "International Issues", "Global Challenges", "People-to-People Exchanges", "Other",
             "Opening Remarks", "Overview", "Regional Situation", "Cooperation in the International Arena")
_ROMAN = ("I", "II", "III", "IV", "V")
_OCCASIONS = ("G20 Summit", "ASEAN-related Foreign Ministers' Meetings",
              "United Nations General Assembly", "APEC Economic Leaders' Meeting",
              "G7 Foreign Ministers' Meeting", "East Asia Summit")
#: Issues that real overviews mention most, ranked first (most frequent) in the Zipf weights.
_COMMON = ("North Korea", "economic relations", "regional situation", "Free and Open Indo-Pacific",
           "abduction issue", "climate change", "people-to-people exchanges", "United Nations",
           "trade", "security cooperation", "nuclear and missile development", "investment",
           "East China Sea", "South China Sea", "G20", "ASEAN", "Ukraine", "energy",
           "high-level exchanges", "tourism")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@cache
def _vocabulary() -> tuple[list[str], list[float]]:
    """Every issue synonym, with a fixed Zipf-like weight: a few very common, most rare."""
    thesaurus = load_thesaurus()
    forms = sorted({f for issue in thesaurus.issues.values() for f in (issue.name, *issue.synonyms)
                    if f.isascii() and len(f) > 3})
    random.Random(5).shuffle(forms)
    common = [f for f in _COMMON if f in thesaurus.issues or f in forms]
    forms = [*common, *(f for f in forms if f not in common)]
    return forms, [1.0 / (rank + 1) ** 0.9 for rank in range(len(forms))]


@cache
def _cities() -> dict[str, list[str]]:
    data = tomllib.loads((RESOURCES_DIR / "places.toml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for city, country in data["cities"].items():
        out.setdefault(country, []).append(city)
    return out


# -- the generator -----------------------------------------------------------------------------


class _Generator:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.words, self.weights = _vocabulary()
        self.partner_weights = [c.weight for c in PARTNERS]
        self._cum = list(_accumulate(self.weights))
        self._parts: list[str] = []  # the fragments of the statement being written
        self._tags: dict[str, list[str]] = {}

    def tag(self, parts: list[str]) -> list[str]:
        """``Thesaurus.tag`` of a text made of ``parts``, from a cache of each part's tags.

        Tagging every statement costs about 1 ms (one big regex); the parts (template skeletons
        and issue synonyms) repeat, so this is the same answer (the tests check it) at a
        fraction of the cost.
        """
        thesaurus = load_thesaurus()
        found: list[str] = []
        for part in parts:
            tags = self._tags.get(part)
            if tags is None:
                tags = self._tags[part] = thesaurus.tag(part)
            found.extend(tags)
        return list(dict.fromkeys(found))

    # people who hold an office for a term of about three years: they recur across meetings
    def office_holder(self, country: Country, office: str, year: int, role: str = "principal",
                      title: str | None = None, avoid: frozenset[str] = frozenset()) -> Person:
        term = (year - 1995) // 3
        r = random.Random(f"{self.seed}|{country.name}|{office}|{term}")
        while True:
            given, family = r.choice(country.given), r.choice(country.family)
            name = f"{family} {given}" if country.family_first else f"{given} {family}"
            if name not in avoid:
                break
        return Person(name, title or office, country.name, role,  # type: ignore[arg-type]
                      gender="f" if given in _FEMALE else "m")

    def topic(self, final: bool = False) -> str:
        """An issue synonym; ``final`` ones end a sentence, so not with "5G", "V" or "HA/DR"."""
        while True:
            word = self.rng.choices(self.words, cum_weights=self._cum)[0]
            if not final or word[-1].islower():
                self._parts.append(word)
                return word

    def meeting(self, index: int) -> Meeting:
        rng = self.rng
        kind: MeetingKind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        held = date(1995, 1, 1) + timedelta(days=rng.randrange(31 * 365))
        year = held.year
        if kind == "trilateral_meeting":
            partners = [_BY_NAME[n] for n in rng.choice(_TRILATERALS)]
        else:
            partners = [rng.choices(PARTNERS, self.partner_weights)[0]]
        leaders = kind == "summit_meeting" or (kind == "telephone_talk" and rng.random() < 0.5)
        sides = [JAPAN, *partners]
        if kind == "other":  # a courtesy call: the partner's minister calls on Japan's leader
            principals = [self.office_holder(JAPAN, "Prime Minister", year),
                          self.office_holder(partners[0], partners[0].minister, year,
                                             title=f"{partners[0].minister} {partners[0].long_form}")]
        else:
            principals = []
            for c in sides:
                office = c.leader if leaders else c.minister
                title = office if c is JAPAN else f"{office} {c.long_form}"
                principals.append(self.office_holder(c, office, year, title=title))
        attendees: list[Person] = []
        if kind != "telephone_talk" and rng.random() < 0.4:
            for c in sides[: rng.randint(1, len(sides))]:
                there = _the(partners[0].name) if c is JAPAN else "Japan"
                office = f"Ambassador of {_the(c.name)} to {there}"
                taken = frozenset(p.name for p in (*principals, *attendees))
                attendees.append(self.office_holder(c, office, year, role="attendee", avoid=taken))
        host = JAPAN if rng.random() < 0.5 or kind == "other" else partners[0]
        location = None
        if kind != "telephone_talk":
            city = rng.choice(_cities().get(host.name) or ["Tokyo"])
            location = f"{city}, {host.name}"
        occasion = rng.choice(_OCCASIONS) if kind != "telephone_talk" and rng.random() < 0.2 else None
        title = self._title(kind, sides, principals, leaders)
        sections = [self._section(s, kind, principals, len(sides)) for s in range(rng.randint(1, 5))]
        self._number(sections)
        thesaurus = load_thesaurus()
        meeting_issues = _merge(thesaurus.tag(title), thesaurus.tag(occasion or ""),
                                *(s.issues for s in sections))
        return Meeting(
            title=title, kind=kind, held_on=held,
            published_on=held + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 5))),
            location=location, occasion=occasion, countries=[c.name for c in (partners[:1] if kind == "other" else sides)],
            principals=principals, attendees=attendees, summary="", sections=sections,
            issues=thesaurus.with_ancestors(meeting_issues),
        )

    def _title(self, kind: MeetingKind, sides: list[Country], principals: list[Person],
               leaders: bool) -> str:
        names = "-".join(c.name if c.name != "Republic of Korea" or self.rng.random() < 0.5 else "ROK"
                         for c in sides)
        suffix = self.rng.choice((" (Overview)", " (Overview)", " (Summary)", ""))
        if kind == "telephone_talk":
            what = "Summit" if leaders else "Foreign Ministers'"
            return f"{names} {what} Telephone Talk"
        if kind == "summit_meeting":
            return f"{names} Summit Meeting{suffix}"
        if kind == "other":
            return f"Courtesy Call on Prime Minister {_family(principals[0], JAPAN)} by {principals[1].title.split(' of ')[0]} {_family(principals[1], sides[1])}"
        return f"{names} Foreign Ministers' Meeting{suffix}"

    def _section(self, position: int, kind: MeetingKind, principals: list[Person],
                 n_sides: int) -> Section:
        rng = self.rng
        items = []
        for i in range(rng.choices((1, 2, 3, 4, 5, 6), (2, 4, 4, 3, 2, 1))[0]):
            items.append(self._item(i, principals, n_sides))
        heading = rng.choice(_HEADINGS)
        thesaurus = load_thesaurus()
        issues = _merge(thesaurus.tag(heading), *(st.issues for it in items for st in it.statements))
        return Section(number=None, title=heading, items=items, issues=issues)

    def _number(self, sections: list[Section]) -> None:
        style = self.rng.choices(("arabic", "roman"), (85, 15))[0]
        for n, section in enumerate(sections, start=1):
            section.number = str(n) if style == "arabic" else _ROMAN[n - 1]

    def _item(self, index: int, principals: list[Person], n_sides: int) -> Item:
        rng = self.rng
        statements: list[Statement] = []
        previous: object = "start"
        # About three statements an item: 100,000 meetings make about 3,000,000 statements
        # in about 1,000,000 sections and items, a large collection of several ministries.
        for _ in range(rng.choices((1, 2, 3, 4, 5), (2, 3, 4, 3, 2))[0]):
            for _attempt in range(5):
                pick = rng.random()
                speaker = (rng.choice(principals).name if pick < 0.65
                           else JOINT if pick < 0.87 else None)
                if speaker != previous:
                    break
            else:
                continue
            statements.append(self._statement(speaker, principals, n_sides))
            previous = speaker
        if not statements:
            statements.append(self._statement(principals[0].name, principals, n_sides))
        return Item(label=f"({index + 1})", heading=None,
                    text=" ".join(st.text for st in statements), statements=statements)

    def _clause(self, joint: bool = False) -> str:
        rng = self.rng
        n = rng.choices((0, 1, 2), (2, 6, 2))[0]
        if n == 0:
            plain = rng.choice(_PLAIN)
            self._parts.append(plain)
            return plain
        templates = [t for t in _CLAUSES
                     if ("{u}" in t) == (n == 2) and not (joint and t.startswith("he "))]
        template = rng.choice(templates)
        self._parts.append(template.replace("{t}", "|").replace("{u}", "|"))
        return template.format(t=self.topic(template.endswith("{t}")),
                               u=self.topic(template.endswith("{u}")) if n == 2 else "")

    def _statement(self, speaker: str | None, principals: list[Person], n_sides: int) -> Statement:
        rng = self.rng
        self._parts = []
        if speaker is None:
            template = rng.choice(_NONE)
            self._parts.append(template.replace("{t}", "|").replace("{u}", "|"))
            two = "{u}" in template
            text = template.format(t=self.topic(not two), u=self.topic(True) if two else "")
        elif speaker == JOINT:
            who = rng.choice(("The two sides", "Both sides") if n_sides == 2
                             else ("The three ministers", "The three sides"))
            text = f"{who} {rng.choice(_JOINT_VERBS)} that {self._clause(joint=True)}."
        else:
            person = next(p for p in principals if p.name == speaker)
            country = _BY_NAME[person.country or "Japan"]
            office = person.title or ""
            short = ("Prime Minister" if office.startswith("Prime Minister")
                     else office.split()[0] if office.split()[0] in ("President", "Premier", "Chancellor")
                     else country.minister_short)
            text = f"{short} {_family(person, country)} {rng.choice(_VERBS)} that {self._clause()}."
            for _ in range(rng.choices((0, 1, 2), (5, 3, 1))[0]):
                follow = rng.choice(_FOLLOW)
                if person.gender == "f":
                    follow = follow.replace("He ", "She ")
                text += f" {follow} {self._clause()}."
        return Statement(text=_capital(text), speaker=speaker, issues=self.tag(self._parts))


def _the(country: str) -> str:
    return f"the {country}" if country.startswith(("Republic", "United", "Philippines")) else country


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _family(person: Person, country: Country) -> str:
    parts = person.name.split()
    return parts[0] if country.family_first else parts[-1]


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _merge(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(x for lst in lists for x in lst))


def generate_meetings(n: int, seed: int = 0) -> Iterator[Meeting]:
    """``n`` plausible meetings, the same for the same seed."""
    gen = _Generator(seed)
    for index in range(n):
        yield gen.meeting(index)


# -- rendering as documents --------------------------------------------------------------------


def _date_line(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _person_phrase(person: Person) -> str:
    honorific = "Ms." if person.gender == "f" else "Mr."
    return f"{honorific} {person.name}, {person.title}"


def lead_paragraph(meeting: Meeting) -> str:
    held = meeting.held_on
    when = f"On {_MONTHS[held.month - 1]} {held.day}" if held else "Recently"
    first, *others = meeting.principals
    others_text = " and ".join(_person_phrase(p) for p in others)
    if meeting.kind == "telephone_talk":
        text = (f"{when}, from 9:00 p.m. for approximately 30 minutes, {_person_phrase(first)}, "
                f"held a telephone talk with {others_text}.")
    else:
        occasion = f" on the margins of the {meeting.occasion}" if meeting.occasion else ""
        place = f" in {meeting.location}" if meeting.location else ""
        verb = "received a courtesy call from" if meeting.kind == "other" else "held a meeting with"
        text = f"{when}{occasion}{place}, {_person_phrase(first)}, {verb} {others_text}."
    if meeting.attendees:
        text += " (Also in attendance were " + "; ".join(
            _person_phrase(p) for p in meeting.attendees) + ".)"
    return text + " The main points of the talks are set out below."


def render_text(meeting: Meeting) -> str:
    lines = [meeting.title, ""]
    if meeting.published_on:
        lines += [_date_line(meeting.published_on), ""]
    lines += [lead_paragraph(meeting), ""]
    for section in meeting.sections:
        lines += [f"{section.number}. {section.title}", ""]
        for item in section.items:
            lines += [f"{item.label} {item.text}", ""]
    lines += ["Back to Index", ""]
    return "\n".join(lines)


def render_html(meeting: Meeting) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{e(meeting.title)} | Ministry of Foreign Affairs of Japan</title></head>",
             '<body><div id="header"><ul id="gnav"><li><a href="/index.html">Home</a></li>'
             '<li><a href="/press/index.html">Press Releases</a></li></ul></div>',
             '<div id="maincontents">', f"<h1>{e(meeting.title)}</h1>"]
    if meeting.published_on:
        parts.append(f'<p class="date">{_date_line(meeting.published_on)}</p>')
    parts.append(f"<p>{e(lead_paragraph(meeting))}</p>")
    for section in meeting.sections:
        parts.append(f"<h2>{section.number}. {e(section.title or '')}</h2>")
        parts.append("<ol>" + "".join(f"<li>{e(item.text)}</li>" for item in section.items) + "</ol>")
    parts += ['<p><a href="/press/index.html">Back to Index</a></p></div>',
              '<div id="footer">Ministry of Foreign Affairs of Japan</div></body></html>']
    return "\n".join(parts)


def _is_html(seed: int, index: int) -> bool:
    return random.Random(f"{seed}|format|{index}").random() < 0.1


def write_documents(folder: Path | str, n: int, seed: int = 0) -> list[Path]:
    """Write ``n`` generated meetings as documents (about 10% HTML pages); return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, meeting in enumerate(generate_meetings(n, seed)):
        if _is_html(seed, index):
            path, text = folder / f"meeting_{index:07d}.html", render_html(meeting)
        else:
            path, text = folder / f"meeting_{index:07d}.txt", render_text(meeting)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# -- straight into an archive ------------------------------------------------------------------


def build_archive(path: Path | str, n: int, seed: int = 0, batch: int = 2000,
                  progress: bool = True) -> float:
    """Write ``n`` generated meetings into the archive at ``path``; return meetings per second.

    A bulk load: the full-text index is built once at the end instead of statement by
    statement (its insert trigger is set aside meanwhile and put back even on an error or
    Ctrl-C; only a killed process leaves an archive without it, to be built again).
    """
    from archive_viewer.store import Archive, DocumentRecord, write_meeting

    start = time.perf_counter()
    stamp = "2025-01-01T00:00:00+00:00"
    meetings = generate_meetings(n, seed)
    done = 0
    with Archive.open(path) as archive:
        conn = archive.connection()
        # The archive grows to gigabytes; SQLite's default 2 MiB page cache would re-read the
        # indexes' pages for nearly every row written.
        conn.execute("PRAGMA cache_size = -262144")
        trigger_sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name = ?", (_FTS_INSERT_TRIGGER,)).fetchone()[0]
        with archive.transaction() as w:
            w.execute(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}")
        first_new = conn.execute("SELECT ifnull(max(id), 0) + 1 FROM statements").fetchone()[0]
        try:
            while done < n:
                size = min(batch, n - done)
                with archive.transaction() as w:
                    for index in range(done, done + size):
                        meeting = next(meetings)
                        raw = render_text(meeting)
                        name = f"synthetic_{seed}_{index:07d}.txt"
                        record = DocumentRecord(
                            f"/synthetic/{name}", name,
                            hashlib.sha256(f"{seed}|{index}".encode()).hexdigest(), "text",
                            len(raw.encode()), raw, stamp)
                        write_meeting(w, meeting, record)
                archive.refresh_counts()
                done += size
                if progress:
                    elapsed = time.perf_counter() - start
                    print(f"{done}/{n} meetings, {done / elapsed:.0f}/s", file=sys.stderr,
                          flush=True)
        finally:
            with archive.transaction() as w:
                w.execute(trigger_sql)
                # The new statements into the index in one go (the earlier ones are in it).
                w.execute("INSERT INTO statements_fts (rowid, text) SELECT id, text "
                          "FROM statements WHERE id >= ?", (first_new,))
            if progress:
                print("full-text index built", file=sys.stderr, flush=True)
    return n / (time.perf_counter() - start)


_FTS_INSERT_TRIGGER = "statements_fts_after_insert"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("archive", help="write generated meetings straight into an archive")
    a.add_argument("path", type=Path)
    a.add_argument("--meetings", type=int, required=True)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--batch", type=int, default=2000)
    d = sub.add_parser("documents", help="write generated meetings as text/HTML documents")
    d.add_argument("folder", type=Path)
    d.add_argument("--count", type=int, required=True)
    d.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.command == "archive":
        rate = build_archive(args.path, args.meetings, args.seed, args.batch)
        print(f"built {args.meetings} meetings in {time.perf_counter() - start:.1f} s "
              f"({rate:.0f} meetings/s; 100,000 would take about {100_000 / rate / 60:.1f} min)")
    else:
        write_documents(args.folder, args.count, args.seed)
        print(f"wrote {args.count} documents to {args.folder} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
