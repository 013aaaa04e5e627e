"""Finding the people a meeting overview introduces: names, titles, countries, roles."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Gazetteer

# Words that head an office. A capitalised run after one of these is a name.
TITLE_HEADS = {
    "Minister", "Ministers", "President", "Secretary", "Premier", "Chancellor", "Councilor",
    "Councillor", "Ambassador", "Director-General", "Director", "Chairman", "Chairwoman", "Chair",
    "Chairperson", "Speaker", "Governor", "King", "Queen", "Emperor", "Prince", "Princess",
    "Sultan", "Emir", "Sheikh", "Commissioner", "Representative", "Advisor", "Adviser", "Envoy",
    "Secretary-General", "Chief", "Leader", "Mayor", "Senator", "Vice-Minister", "Vice-President",
    "Deputy", "Counsellor", "Counselor", "Consul", "Consul-General", "Administrator", "Head",
    "Taoiseach", "Member", "Spokesperson", "Spokesman", "Coordinator", "Negotiator",
}
# Capitalised words that belong to titles and offices, never to a person's name.
TITLE_WORDS = TITLE_HEADS | {
    "Foreign", "Affairs", "Trade", "State", "Prime", "Vice", "Senior", "Parliamentary", "Cabinet",
    "Defense", "Defence", "National", "Security", "General", "Political", "Under", "Assistant",
    "Special", "Executive", "First", "Second", "Economic", "Economy", "Finance", "Financial",
    "Industry", "Home", "Interior", "Justice", "Internal", "External", "International",
    "Cooperation", "Relations", "Council", "Bureau", "Ministry", "Department", "Office", "Asian",
    "Oceanian", "Northeast", "Southeast", "European", "North", "South", "American", "Middle",
    "Eastern", "Western", "African", "Global", "Policy", "Planning", "Strategic", "Strategy",
    "House", "Councillors", "Representatives", "Lower", "Upper", "Assembly", "People's", "Congress",
    "Standing", "Committee", "Communist", "Party", "Central", "Military", "Commission", "White",
    "Unification", "Land", "Infrastructure", "Transport", "Tourism", "Agriculture", "Forestry",
    "Fisheries", "Environment", "Health", "Labour", "Labor", "Welfare", "Education", "Culture",
    "Sports", "Science", "Technology", "Energy", "Commerce", "Investment", "Development",
    "Government", "Federal", "Republic", "Kingdom", "States", "United", "Democratic", "Socialist",
    "Union", "Nations", "Reconstruction", "Revitalization", "Digital", "Legislative", "Supreme",
    "Court", "Permanent", "Mission", "Embassy", "Consulate", "Navy", "Army", "Air", "Force",
    "Forces", "Staff", "Joint", "Chiefs", "Intelligence", "Agency", "Service", "Oceania",
    "Division", "Crown", "Grand", "Duke", "Duchess",
    "Excellency", "Highness", "Majesty", "Royal", "Imperial", "Acting", "Former", "Incoming",
    "Designate", "Managing", "Board", "Bank", "Fund", "Organization", "Organisation", "Secretariat",
    "Region", "Regional", "Province", "Provincial", "Prefecture", "Prefectural", "City",
    "Metropolitan", "Administration", "Treasury", "Overseas", "Gender", "Equality",
    "Disaster", "Management", "Consumer", "Food", "Safety", "Okinawa", "Northern", "Territories",
    "Women", "Youth", "Children", "Family", "Small", "Business", "Industries", "Trade,", "Europe",
    "Asia", "Pacific", "Africa", "America", "Americas", "Latin", "Caribbean", "Arab", "Gulf",
    "Minister's", "President's", "Secretary's", "Chief's", "Commonwealth", "Extraordinary",
    "Plenipotentiary", "Attorney", "Solicitor", "Auditor", "Comptroller", "Lord", "Privy", "Seal",
    "Treasurer", "Vice-Chairman", "Undersecretary", "Under-Secretary", "Research", "Information",
    "Press", "Public", "Diplomacy", "Protocol", "Consular", "Legal", "Cultural", "Human", "Rights",
    "Counter-Terrorism", "Cyber", "Maritime", "Ocean", "Space", "Sustainable", "Climate",
    "Indo-Pacific", "Secretary-General's", "Parliament", "Senate", "Diet",
    "Liberal", "Democrats", "Vice-Chair", "Deputy-Director", "Chargé", "d'Affaires",
    "Southwest", "Northwest", "Southern", "Atlantic", "Arctic", "Mekong", "Peninsula",
}
FUNCTION_WORDS = {
    "The", "A", "An", "On", "In", "At", "As", "It", "This", "That", "These", "Those", "He", "She",
    "They", "We", "His", "Her", "Their", "Its", "Both", "Also", "After", "Before", "During", "With",
    "From", "To", "For", "Of", "And", "But", "Or", "When", "While", "Following", "Regarding",
    "Japan-", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "Present", "Joining", "Attending", "Among", "Others",
}
HONORIFICS = re.compile(
    r"(?:(?:His|Her)\s+(?:Excellency|Majesty|Royal\s+Highness|Highness)|H\.\s?E\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|"
    r"Madam|Mme\.?|Prof\.?|Professor|Sir|Dame|Senator\s+the\s+Hon(?:ourable|\.)?|"
    r"(?:the\s+)?Rt\.?\s+Hon(?:ourable|\.)?|(?:the\s+)?Right\s+Honourable|(?:the\s+)?Hon(?:ourable|orable|\.)|"
    r"[Tt]he\s+Hon|(?:his|her|their)\s+(?:[A-Z][\w.\-]*\s+)?counterparts?,?|"
    r"Dato'?\s+Sri|Dato'?|Tan\s+Sri|Datuk)(?=\s)",
)
PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "da", "di", "dos", "das", "du", "bin",
             "binti", "bint", "al", "el", "la", "le", "ter", "ten", "y"}
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w\u00C0-\u024F\u1E00-\u1EFF'’\-]+\.?|\S")
_NAME_SUFFIXES = {"MP", "Jr", "Jr.", "QC", "KC", "AC", "MBE", "OBE", "CBE"}
_STOP_AFTER_TITLE = re.compile(
    r"\s+(?:who|which|in|on|at|held|met|during|from|when|while|visited|visiting|was|were|has|had|"
    r"will|and\s+(?:Mr|Ms|Mrs|Dr|H\.E)\b)\b"
)


@dataclass
class Mention:
    name: str
    start: int
    end: int
    title: str | None
    country: str | None
    honorific: bool
    gender: str | None = None  # "f" / "m" when the honorific says so


def is_name_token(word: str, gaz: Gazetteer) -> bool:
    bare = word.rstrip(".")
    if not bare or bare in TITLE_WORDS or bare in FUNCTION_WORDS or bare in _NAME_SUFFIXES:
        return False
    if gaz.country(bare) or bare in gaz.cities:
        return False
    first = bare[0]
    if not (first.isalpha() and first.isupper()):
        return False
    if len(bare) == 1:
        return word.endswith(".")  # an initial ("Barack H. Obama")
    if bare.isupper() and len(bare) <= 4 and not any(c in "ÀÁÂÃÄÅĀĒĪŌŪ" for c in bare):
        return False  # acronyms: ROK, APEC, UNSC, EU
    return True


def tidy_name(tokens: list[str]) -> str:
    """Family names written in capitals ("MOTEGI Toshimitsu") become "Motegi Toshimitsu"."""
    out = []
    for t in tokens:
        t = t.rstrip(".") if len(t.rstrip(".")) > 1 else t
        if t.isupper() and len(t) > 1:
            t = "-".join(part.capitalize() for part in t.split("-"))
        out.append(t)
    return " ".join(out)


def find_mentions(text: str, gaz: Gazetteer, *, bare_names: bool = False) -> list[Mention]:
    """Every person introduced by an honorific or a title in ``text``, in order.

    With ``bare_names`` (attendee lists), "Taro Yamada, Director-General ..." counts too.
    """
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [t[0] for t in tokens]
    mentions: list[Mention] = []
    taken_until = 0
    # By start: looking each token up in a list of all the honorifics made a lead of thousands
    # of "Mr. ..." quadratic.
    hon_at = {m.start(): (m.start(), m.end()) for m in HONORIFICS.finditer(text)}
    i = 0
    while i < len(tokens):
        start = tokens[i][1]
        if start < taken_until:
            i += 1
            continue
        hon = hon_at.get(start)
        title: str | None = None
        if hon is not None:
            j = i
            while j < len(tokens) and tokens[j][1] < hon[1]:
                j += 1
            # "H.E. Mr. Wang Yi": a second honorific.
            nxt = hon_at.get(tokens[j][1]) if j < len(tokens) else None
            if nxt is not None:
                while j < len(tokens) and tokens[j][1] < nxt[1]:
                    j += 1
        elif words[i].rstrip(".") in TITLE_WORDS or (
            gaz.demonym_forms.get(words[i]) and i + 1 < len(words) and words[i + 1].rstrip(".") in TITLE_WORDS
        ):
            j, title = _title_span(tokens, i, gaz)
            if title is None:
                i += 1
                continue
        elif bare_names and _bare_name_here(words, i, gaz):
            j = i
        else:
            i += 1
            continue
        k = _name_span(words, j, gaz)
        n_tokens = k - j
        # Office-first with a family name only ("U.S. Ambassador to Japan Roos") counts when the
        # name is not possessive ("President Obama's visit").
        single_ok = n_tokens == 1 and not _POSSESSIVE.match(text, tokens[k - 1][2])
        if n_tokens == 0 or (hon is None and n_tokens < 2 and not single_ok):
            i = max(i + 1, j)
            continue
        name_tokens = words[j:k]
        end = tokens[k - 1][2]
        # "Mr. Lavrov, Sergey Viktorovich": un-invert.
        if hon is not None and n_tokens == 1 and k + 1 < len(tokens) and words[k] == ",":
            k2 = _name_span(words, k + 1, gaz)
            after = words[k2] if k2 < len(words) else ""
            if 1 <= k2 - (k + 1) <= 3 and (after in {",", "(", ")", ";", ""} or after[:1].islower()):
                name_tokens = words[k + 1 : k2] + name_tokens
                end = tokens[k2 - 1][2]
                k = k2
        name = tidy_name(name_tokens)
        # "the Rt Hon William Hague MP, Foreign Secretary": suffixes are not the name.
        suffix = _SUFFIX.match(text, end)
        if suffix:
            end = suffix.end()
        # What follows the name, as far as an office written after it can reach: all the rest of
        # the text, copied and scanned for every name, made a lead naming thousands quadratic.
        rest = text[end:end + _AFTER_NAME_CHARS]
        country = None
        m = re.match(r"\s+of\s+(?:the\s+)?", rest)
        if m:
            cm = gaz.country_re.match(rest, m.end())
            if cm:
                country = gaz.country(cm.group(1))
        if title is None:
            appositive = _appositive_title(rest, gaz)
            if appositive:
                title = appositive
        title_text, title_country = clean_title(title, gaz) if title else (None, None)
        gender = _gender(text[hon[0] : hon[1]]) if hon is not None else None
        if hon is not None and "counterpart" in text[hon[0] : hon[1]]:
            gender = None  # "his counterpart" says nothing of the counterpart
            adjective = re.search(r"\b([A-Z][\w.\-]*)\s+counterpart", text[hon[0] : hon[1]])
            if adjective and not country:
                country = gaz.demonym_forms.get(adjective.group(1))
        mentions.append(Mention(name, start, end, title_text, country or title_country, hon is not None, gender))
        taken_until = end
        i = k
    return mentions


_POSSESSIVE = re.compile(r"['’]s\b")
_SUFFIX = re.compile(r",?\s*(?:MP|M\.P\.|Jr\.?|QC|KC|AC|OBE|CBE|MBE)\b\.?")
#: How much of the text after a name is read for "of <country>" and an office after a comma.
_AFTER_NAME_CHARS = 1000


def _title_span(tokens: list[tuple[str, int, int]], i: int, gaz: Gazetteer) -> tuple[int, str | None]:
    """The office run starting at token i ("Minister for Foreign Affairs", "U.S. Secretary of State")."""
    j = i
    last_word = i - 1
    has_head = False
    while j < len(tokens):
        w = tokens[j][0].rstrip(".") if tokens[j][0] not in {"U.S.", "U.K."} else tokens[j][0]
        prev = tokens[j - 1][0] if j > i else ""
        nxt = tokens[j + 1][0].rstrip(".") if j + 1 < len(tokens) else ""
        if w in TITLE_WORDS:
            has_head = has_head or w in TITLE_HEADS
            last_word = j
            j += 1
        elif j == i and gaz.demonym_forms.get(tokens[j][0]):
            j += 1  # "U.S. Ambassador", "Chinese Foreign Minister"
        elif prev in {"of", "to", "the"} and (gaz.country(w) or gaz.country(tokens[j][0])):
            last_word = j  # "President of Russia", "Ambassador of Japan to the United States"
            j += 1
        elif w in {"of", "for", "and", "to", "the"} or w == "-":
            j += 1
        elif w == "," and has_head and nxt in TITLE_WORDS and nxt not in TITLE_HEADS:
            j += 1  # "Minister of Economy, Trade and Industry"
        else:
            break
    if not has_head or last_word < i:
        return i + 1, None
    end = last_word + 1
    return end, " ".join(t[0] for t in tokens[i:end]).replace(" ,", ",")


def _bare_name_here(words: list[str], i: int, gaz: Gazetteer) -> bool:
    """ "Taro Yamada, Director-General ...": two to four name words, a comma, then an office."""
    k = _name_span(words, i, gaz)
    return 2 <= k - i <= 4 and k + 1 < len(words) and words[k] == "," and (
        words[k + 1].rstrip(".") in TITLE_WORDS or bool(gaz.demonym_forms.get(words[k + 1]))
    )


def _is_capital_family_name(words: list[str], k: int, gaz: Gazetteer) -> bool:
    """ "KONO Taro", "WANG Yi", "YOON Suk Yeol": a short family name in capitals, then a given name."""
    w = words[k]
    return (
        w.isupper() and w.isalpha() and 2 <= len(w) <= 4 and not gaz.country(w)
        and k + 1 < len(words) and is_name_token(words[k + 1], gaz) and not words[k + 1].isupper()
    )


def _name_span(words: list[str], j: int, gaz: Gazetteer) -> int:
    k = j
    while k < len(words) and k < j + 5:  # at most five words (a longer run is not read on)
        w = words[k]
        if k == j and _is_capital_family_name(words, k, gaz):
            k += 1
            continue
        if k > j and w.rstrip(".") in gaz.cities and not gaz.country(w.rstrip(".")) and w[:1].isupper():
            k += 1  # "William Hague": a surname that is also a place
            continue
        if k > j and w in FUNCTION_WORDS and k + 1 < len(words) and words[k + 1] in {",", "(", ";", ")"}:
            k += 1  # "Nguyen Van An, Prime Minister": a name word that is also an English word
            break
        if is_name_token(w, gaz):
            k += 1
            if w.endswith(".") and len(w.rstrip(".")) > 1:
                break  # a sentence ends here
        elif w in PARTICLES and k > j and k + 1 < len(words) and is_name_token(words[k + 1], gaz):
            k += 1
        else:
            break
    return min(k, j + 5)


_TITLE_CONNECTORS = {"of", "for", "and", "to", "the", "in", "charge", "at", "&"}


def _appositive_title(rest: str, gaz: Gazetteer) -> str | None:
    """The office in ", Minister of Foreign Affairs of the People's Republic of China, ..."."""
    m = re.match(r",\s*(?:the\s+)?", rest)
    if not m:
        return None
    body = rest[m.end():]
    first = re.match(r"[\w.'’\-]+", body)
    if not first:
        return None
    w = first.group().rstrip(".")
    if w not in TITLE_WORDS and not gaz.country(w) and not gaz.demonym_forms.get(first.group()):
        return None
    body = re.split(r"[;()]", body, maxsplit=1)[0]
    parts: list[str] = []
    for n, segment in enumerate(re.split(r",\s*", body)):
        words = segment.split()
        # A further comma-separated part belongs to the office only when it is all office words:
        # "Director-General, Asian and Oceanian Affairs Bureau"; "Minister of Economy, Trade and Industry".
        if n > 0 and not _office_words(segment, gaz):
            break
        kept: list[str] = []
        for x in words:
            bare = x.rstrip(".")
            if (x[:1].islower() and x not in _TITLE_CONNECTORS) or HONORIFICS.match(x + " "):
                break  # "... Affairs joined from the Japanese side", "... and H.E. Mr. ..."
            kept.append(x)
            if x.endswith(".") and bare not in {"U.S", "U.K", "U.N", "D.C"} and len(bare) > 1:
                break
        else:
            parts.append(" ".join(kept))
            continue
        parts.append(" ".join(kept))
        break
    title = ", ".join(p for p in parts if p).strip()
    if title.endswith(".") and not re.search(r"\b(?:[A-Z]\.){2,}$", title):
        title = title[:-1]
    while title.split() and title.split()[-1] in _TITLE_CONNECTORS:
        title = title.rsplit(" ", 1)[0] if " " in title else ""
    return title or None


def _office_words(segment: str, gaz: Gazetteer) -> bool:
    """Whether a comma-separated part is all office words ("Trade and Industry"), perhaps "... of <country>"."""
    m = re.search(r"\s+of\s+(?:the\s+)?(.+)$", segment)
    if m and gaz.country(m.group(1).strip(" .")):
        segment = segment[: m.start()]
    words = segment.split()
    return bool(words) and all(x.rstrip(".") in TITLE_WORDS or x in _TITLE_CONNECTORS for x in words)


def clean_title(title: str, gaz: Gazetteer) -> tuple[str, str | None]:
    """Split "Minister of Foreign Affairs of the People's Republic of China" into office and country."""
    country = None
    # Trailing qualifiers: "... of the Republic of Korea (ROK)", "... of Japan".
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title)
    for m in re.finditer(r"\s+of\s+(?:the\s+)?", title):
        c = gaz.country(title[m.end():].strip())
        if c:
            country = c
            title = title[: m.start()]
            break
    if country is None:
        m = re.search(r"\bof\s+(?:the\s+)?([A-Z][\w'’.\- ]+?)(?:\s+to\b|$)", title)
        if m:
            country = gaz.country(m.group(1))
    # A leading adjective: "U.S. Secretary of State", "Chinese Foreign Minister".
    lead = re.match(r"((?:[A-Z]\.){2,}|[A-Z][\w'’]+)\s+", title)
    if lead and gaz.demonym_forms.get(lead.group(1)) and len(title.split()) > 1:
        country = country or gaz.demonym_forms[lead.group(1)]
        title = title[lead.end():]
    return title.strip(" ,"), country


def _gender(honorific: str) -> str | None:
    if re.search(r"\b(?:Ms|Mrs|Miss|Madam|Mme|Dame|Her)\b", honorific):
        return "f"
    if re.search(r"\b(?:Mr|Sir|His)\b", honorific):
        return "m"
    return None
