"""Countries, their other names and adjectives, and cities, from resources/places.toml."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..paths import RESOURCES_DIR

PLACES_FILE = RESOURCES_DIR / "places.toml"


@dataclass(frozen=True)
class Gazetteer:
    cities: dict[str, str]  # city -> short country name
    country_forms: dict[str, str]  # any written form (name, alias) -> short country name
    demonym_forms: dict[str, str]  # adjective ("Japanese", "ROK", "U.S.") -> short country name
    country_re: re.Pattern[str]  # any country form, longest first
    side_re: re.Pattern[str]  # "the Japanese side", "the ROK side", "the Chinese side"
    city_re: re.Pattern[str]

    def country(self, form: str) -> str | None:
        form = form.strip()
        form = re.sub(r"^the\s+", "", form, flags=re.I)
        return self.country_forms.get(form) or self.demonym_forms.get(form)


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


@cache
def load_gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cities: dict[str, str] = dict(data.get("cities", {}))
    country_forms: dict[str, str] = {}
    for short, aliases in data.get("countries", {}).items():
        country_forms[short] = short
        for alias in aliases:
            alias = re.sub(r"^the\s+", "", alias)
            country_forms.setdefault(alias, short)
    demonym_forms: dict[str, str] = {}
    for short, adjectives in data.get("demonyms", {}).items():
        for adjective in adjectives:
            demonym_forms.setdefault(adjective, short)
    country_re = re.compile(rf"(?<![\w.])(?:the\s+)?({_alternation(list(country_forms))})(?![\w])")
    side_forms = list(demonym_forms) + list(country_forms)
    side_re = re.compile(rf"\b[Tt]he\s+({_alternation(side_forms)})\s+sides?\b")
    city_re = re.compile(rf"(?<![\w.])({_alternation(list(cities))})(?![\w])")
    return Gazetteer(cities, country_forms, demonym_forms, country_re, side_re, city_re)
