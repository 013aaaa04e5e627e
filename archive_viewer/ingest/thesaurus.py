"""The issue thesaurus (resources/issues.toml) and tagging text with its issues."""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..paths import RESOURCES_DIR

ISSUES_FILE = RESOURCES_DIR / "issues.toml"


@dataclass(frozen=True)
class Issue:
    name: str
    parent: str | None
    synonyms: tuple[str, ...]


@dataclass
class Thesaurus:
    issues: dict[str, Issue]
    _patterns: list[tuple[_LazyPattern, bool]] = field(default_factory=list, repr=False)
    # Per case mode, its alternatives (pattern text, first character) in the big pattern's
    # order, and per text character the smaller pattern of just those that can start there.
    _alternatives: list[_Alternatives] = field(default_factory=list, repr=False)
    _names: dict[tuple[str, bool], str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_toml(cls, text: str) -> Thesaurus:
        data = tomllib.loads(text)
        issues: dict[str, Issue] = {}
        for entry in data.get("issue", []):
            name = str(entry["name"]).strip()
            issues[name] = Issue(name, entry.get("parent"), tuple(entry.get("synonyms", ())))
        for issue in issues.values():
            if issue.parent is not None and issue.parent not in issues:
                raise ValueError(f"issue {issue.name!r} names an unknown parent {issue.parent!r}")
        thesaurus = cls(issues)
        thesaurus._compile(data.get("issue", []))
        return thesaurus

    def _compile(self, entries: list[dict]) -> None:
        # One alternation per case mode; a match names its issue through the matched form.
        forms: dict[tuple[str, bool], str] = {}
        for entry in entries:
            name = str(entry["name"]).strip()
            exact = set(entry.get("case_sensitive", ()))
            for form in (name, *entry.get("synonyms", ())):
                form = form.strip()
                if form:
                    forms.setdefault((form if form in exact else form.lower(), form in exact), name)
        for sensitive in (False, True):
            chosen = {f: n for (f, s), n in forms.items() if s is sensitive}
            if not chosen:
                continue
            ordered = sorted(chosen, key=len, reverse=True)
            alternation = "|".join(_form_pattern(f) for f in ordered)
            flags = 0 if sensitive else re.I
            # Kept (compiled lazily) as the definition of a match; tag() gets the same
            # matches from the smaller per-character patterns below.
            self._patterns.append((_LazyPattern(_wrap(alternation), flags), sensitive))
            self._alternatives.append(_Alternatives(ordered, sensitive))
        self._lookup = forms

    def tag(self, text: str) -> list[str]:
        """Issue names the text touches, in order of first mention."""
        found: list[str] = []
        text = text.replace("\u2019", "'").replace("\u2018", "'")
        for alternatives in self._alternatives:
            for matched in alternatives.scan(text):
                name = self.name_for(matched, alternatives.sensitive)
                if name and name not in found:
                    found.append(name)
        return found

    def name_for(self, matched: str, sensitive: bool) -> str | None:
        """The issue a matched form names (remembered: documents repeat the same forms)."""
        key = (matched, sensitive)
        if key not in self._names:
            self._names[key] = self._name_for(matched, sensitive)
        return self._names[key]

    def _name_for(self, matched: str, sensitive: bool) -> str | None:
        key = matched if sensitive else matched.lower()
        key = re.sub(r"\s+", " ", key)
        for candidate in (key, re.sub(r"(?:es|s)$", "", key), re.sub(r"s$", "", key)):
            name = self._lookup.get((candidate, sensitive))
            if name:
                return name
        # Inflected inner words ("missile launches"): compare without plural endings.
        stem = _stem(key)
        for (form, s), name in self._lookup.items():
            if s == sensitive and _stem(form) == stem:
                return name
        return None

    def with_ancestors(self, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            chain = []
            issue = self.issues.get(name)
            while issue is not None and issue.name not in chain:
                chain.append(issue.name)
                issue = self.issues.get(issue.parent) if issue.parent else None
            for n in reversed(chain):
                if n not in out:
                    out.append(n)
        return out


def _wrap(alternation: str) -> str:
    return rf"(?<![\w-])(?:{alternation})(?![\w-])"


class _LazyPattern:
    """A pattern compiled on first use: the whole alternation takes long to compile."""

    def __init__(self, source: str, flags: int) -> None:
        self.source = source
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source, self.flags)
        return self._compiled

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)


class _Alternatives:
    """The forms of one case mode, matched as the whole alternation would, but much faster.

    The whole pattern tries every alternative (2,700 forms) at every word start. An
    alternative can only match where its first two characters (literal, unless its first word
    is one letter) match the text's, so at each word start only those alternatives are tried,
    in the same order and with the same look-arounds: the same leftmost, first-alternative
    matches as ``finditer`` of the whole pattern.
    """

    def __init__(self, ordered_forms: list[str], sensitive: bool) -> None:
        self.sensitive = sensitive
        self.flags = 0 if sensitive else re.I
        self._sources = [_form_pattern(form) for form in ordered_forms]
        # First character -> second character ("" when the first word is one character long,
        # so the second is no literal) -> positions of the forms beginning so.
        self._index: dict[str, dict[str, list[int]]] = {}
        for position, form in enumerate(ordered_forms):
            second = form[1] if len(form.split()[0]) > 1 else ""
            self._index.setdefault(form[0], {}).setdefault(second, []).append(position)
        firsts = "".join(sorted(self._index))
        self._starts = re.compile(rf"(?<![\w-])[{re.escape(firsts)}]", self.flags)
        self._by_pair: dict[str, re.Pattern[str] | None] = {}
        self._fits: dict[str, bool] = {}

    def scan(self, text: str) -> Iterator[str]:
        position = 0
        by_pair = self._by_pair
        for start in self._starts.finditer(text):
            at = start.start()
            if at < position:
                continue
            pair = text[at:at + 2]
            if pair not in by_pair:
                by_pair[pair] = self._pattern_for(pair)
            pattern = by_pair[pair]
            if pattern is None:
                continue
            m = pattern.match(text, at)
            if m is not None:
                position = m.end()
                yield m.group()

    def _pattern_for(self, pair: str) -> re.Pattern[str] | None:
        chosen: list[int] = []
        for first, by_second in self._index.items():
            if not self._fit(first, pair[0]):
                continue
            for second, positions in by_second.items():
                if not second or (len(pair) == 2 and self._fit(second, pair[1])):
                    chosen.extend(positions)
        if not chosen:
            return None
        return re.compile(_wrap("|".join(self._sources[i] for i in sorted(chosen))), self.flags)

    def _fit(self, literal: str, char: str) -> bool:
        # Asked of the regex engine itself, so that case-insensitive matching agrees with the
        # whole pattern's exactly.
        key = literal + char
        if key not in self._fits:
            self._fits[key] = re.fullmatch(re.escape(literal), char, self.flags) is not None
        return self._fits[key]


def _stem(text: str) -> str:
    return " ".join(re.sub(r"(?:es|s)$", "", w) for w in text.lower().split())


def _form_pattern(form: str) -> str:
    """A form matching its own plural: "missile launch" also finds "missile launches"."""
    words = [re.escape(w) for w in form.split()]
    words[-1] += r"(?:e?s)?"
    return r"\s+".join(words)


@cache
def load_thesaurus(path: Path = ISSUES_FILE) -> Thesaurus:
    return Thesaurus.from_toml(path.read_text(encoding="utf-8"))
