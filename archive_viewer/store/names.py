"""When two written names can be one person's: the rules the automatic merge of people uses,
and the similarity the merge dialog ranks candidates by. No Qt, no database.

Meeting overviews write one person's name in many ways (see the corpus notes on the genre):
with or without macrons ("Kōno", "Kono") or written out long vowels ("Kouno", "Kohno"),
"Gemba" or "Genba", family name first in capitals ("KANG Kyung-wha") or last, a Korean
given name with a hyphen, a space or neither ("Kyung-wha", "Kyung Wha", "Kyungwha"), and
honorifics the parser did not take off ("Dato' Sri"). Two names are *compatible* when, after
the spelling differences below are folded away, one is the other with its parts turned round
(family name moved from the front to the back) and joined or split differently:

* every script to plain ASCII (anyascii: "ō" → "o", "Đ" → "D", "ł" → "l", "ß" → "ss", which
  Unicode decomposition alone leaves as they are), lower case, apostrophes dropped;
* honorifics in front ("H.E. Mr.", "Dato' Sri", "the Rt Hon") and suffixes ("MP", "Jr") off;
* for Japanese people only (their romanisation varies by rule, not by accident): long vowels
  written ou, oo, oh, uu become o and u, and m before b, p or m becomes n ("Gemba" = "Genba",
  "Homma" = "Honma").

Compatibility is strict about letters and order: "Kim Sung-hwan" and "Kim Hwan-sung" are two
people, and so are "Barack Obama" and "Barack H. Obama" (a missing part is not a spelling).
Similar but not compatible names are only *suggested* (:func:`similarity`), never merged.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

#: Countries whose people's names get the Japanese romanisation folds.
JAPANESE = frozenset({"Japan"})

_HONORIFIC_PREFIX = re.compile(
    r"^(?:(?:his|her|their)\s+(?:excellency|excellencies|majesty|royal\s+highness|highness)|"
    r"h\.?\s?e\.?|mr|mrs|ms|miss|mx|dr|madam|madame|mme|prof|professor|sir|dame|senator|"
    r"the|rt|right|hon|honourable|honorable|dato'?\s+sri|dato'?|datuk|tan\s+sri|tun|shri|sri)"
    r"(?:\.|\s)+",
)
_SUFFIX = re.compile(r"(?:[,\s]+(?:mp|m\.p\.|qc|kc|ac|obe|cbe|mbe|jr\.?|sr\.?))+\s*$")
_PART = re.compile(r"[a-z0-9]+")


@cache
def _anyascii():  # noqa: ANN202
    # On first use, not at start-up: importing it takes 30 ms (its tables load from resources).
    from anyascii import anyascii

    return anyascii


def plain(name: str) -> str:
    """``name`` in lower-case ASCII, honorifics and suffixes taken off, apostrophes dropped."""
    text = _anyascii()(name).casefold().strip()
    text = re.sub(r"['`’]", "", text)
    while True:
        shorter = _HONORIFIC_PREFIX.sub("", text, count=1)
        if shorter == text or not shorter.strip():
            break
        text = shorter
    return _SUFFIX.sub("", text).strip()


def name_parts(name: str, country: str | None = None) -> tuple[str, ...]:
    """The parts of a name in written order, folded: "KANG Kyung-wha" → ("kang", "kyung", "wha")."""
    parts = _PART.findall(plain(name))
    if country in JAPANESE:
        parts = [_fold_japanese(part) for part in parts]
    return tuple(part for part in parts if part)


def _fold_japanese(part: str) -> str:
    part = re.sub(r"(?<=o)h(?![aeiouy])", "", part)  # Kohno, Ohta: a long o written oh
    while True:
        shorter = re.sub(r"o[ou]", "o", part).replace("uu", "u")
        if shorter == part:
            break
        part = shorter
    return re.sub(r"m(?=[bpm])", "n", part)  # Gemba, Homma, Sampei: Hepburn writes n


def match_key(name: str, country: str | None = None) -> str:
    """The letters of the folded name, sorted: equal for every compatible spelling (and for a
    few other names, which :func:`compatible` tells apart). Stored as people.match_key, so that
    the candidates for a merge are found through an index."""
    return "".join(sorted("".join(name_parts(name, country))))


@lru_cache(maxsize=4096)
def _turns(parts: tuple[str, ...]) -> frozenset[str]:
    """The name's letters starting at each of its parts: every order its parts can be read in
    when the family name moves between front and back."""
    joined = "".join(parts)
    turns = set()
    start = 0
    for part in parts:
        turns.add(joined[start:] + joined[:start])
        start += len(part)
    return frozenset(turns)


def compatible(a: str, b: str, country: str | None = None) -> bool:
    """Whether the names ``a`` and ``b`` (of people of ``country``) can be one person's; see the
    module docstring. A name with no letters is compatible with nothing."""
    parts_a, parts_b = name_parts(a, country), name_parts(b, country)
    if not parts_a or not parts_b:
        return False
    return "".join(parts_b) in _turns(parts_a) or "".join(parts_a) in _turns(parts_b)


def similarity(a: str, b: str, country: str | None = None) -> float:
    """How alike two names are, 0 to 1, whatever their order: 1 for compatible names. For
    ranking the people a user may want to merge, never for merging by itself."""
    if compatible(a, b, country):
        return 1.0
    from rapidfuzz import fuzz  # on first use: the window does not need it to start

    left = " ".join(sorted(name_parts(a, country)))
    right = " ".join(sorted(name_parts(b, country)))
    # token_set_ratio forgives a missing middle part ("Barack H. Obama"); below 1, which only
    # compatible names reach.
    return min(0.99, fuzz.token_set_ratio(left, right) / 100.0)
