"""Splitting English prose into sentences without breaking at "Mr.", "U.S." or "p.m."."""
from __future__ import annotations

import re
import string

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "h.e", "st", "jr", "sr", "no", "nos", "vol", "gen", "lt",
    "col", "maj", "capt", "adm", "sen", "rep", "gov", "amb", "hon", "rt", "mt", "ft", "vs", "e.g",
    "i.e", "cf", "approx", "dept", "fig", "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "u.s.a",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "messrs",
}
# A candidate boundary: terminal punctuation, optional closing quote/bracket, whitespace, and an
# opening that can start a sentence.
_BOUNDARY = re.compile(r"""([.!?])(["'\u2019\u201d)\]]*)\s+(?=["'\u2018\u201c(\[]?[A-Z0-9\u00C0-\u024F])""")
# Abbreviations that also end sentences ("... in Washington, D.C. The two leaders ...").
_CAN_END = {"u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "u.s.a", "etc"}
_SENTENCE_OPENERS = {
    "The", "He", "She", "They", "It", "This", "These", "Those", "Both", "In", "On", "At", "As",
    "Regarding", "With", "Moreover", "Furthermore", "However", "Also", "Then", "We", "Its", "His",
    "Her", "Their", "There", "Following", "After", "Turning", "Concerning",
}
_NEXT_WORD = re.compile(r"[\"'\u2018\u201c(\[]?([A-Za-z]+)")
_MARKER_ONLY = re.compile(r"^[(\[]?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)\]]$")
#: What a word before a full stop is made of ("Mr", "U.S", "p.m").
_WORD_CHARS = string.ascii_letters + "."


def split_sentences(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) == "." and not match.group(2):
            w = _last_word(text, start, match.start())
            if w:
                w = w.lower()
                # "Mr." / "U.S." / single initials ("Barack H. Obama") do not end a sentence.
                if w in _CAN_END:
                    nxt = _NEXT_WORD.match(text, match.end())
                    if not (nxt and nxt.group(1) in _SENTENCE_OPENERS):
                        continue
                elif w in _ABBREVIATIONS or len(w) == 1:
                    continue
        end = match.end(2)
        piece = text[start:end].strip()
        if _MARKER_ONLY.match(piece):
            continue  # "1. Minister Kim said ...": a list marker, not a sentence

        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _last_word(text: str, start: int, end: int) -> str | None:
    """The word of letters and dots that ends at ``end`` (not before ``start``), or None.

    Looks back only as far as the word goes: searching all of ``text[start:end]`` each time
    made a long run of "Mr. Kim Mr. Kim ..." (no sentence end, so ``start`` stays put)
    quadratic.
    """
    width = 16
    while True:
        lo = max(start, end - width)
        chunk = text[lo:end]
        before = chunk.rstrip(_WORD_CHARS)
        if before or lo == start:
            break
        width *= 4  # the word may be longer than the window: look further back
    run = chunk[len(before):]
    if not run or run[-1] == ".":
        return None
    return run.lstrip(".")
