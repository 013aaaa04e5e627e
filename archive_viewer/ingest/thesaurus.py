"""The issue thesaurus (resources/issues.toml) and tagging text with its issues."""
from __future__ import annotations

import re
import tomllib
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
    _patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list, repr=False)

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
            alternation = "|".join(_form_pattern(f) for f in sorted(chosen, key=len, reverse=True))
            flags = 0 if sensitive else re.I
            self._patterns.append((re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", flags), sensitive))
        self._lookup = forms

    def tag(self, text: str) -> list[str]:
        """Issue names the text touches, in order of first mention."""
        found: list[str] = []
        text = text.replace("\u2019", "'").replace("\u2018", "'")
        for pattern, sensitive in self._patterns:
            for m in pattern.finditer(text):
                name = self._name_for(m.group(), sensitive)
                if name and name not in found:
                    found.append(name)
        return found

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
