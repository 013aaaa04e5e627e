"""The bundled sample documents parse to what their gold annotations say."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive_viewer.ingest import meeting_to_json, parse_document
from archive_viewer.paths import SAMPLES_DIR

GOLD_DIR = Path(__file__).parent / "gold"
GOLD = sorted(GOLD_DIR.glob("*.gold.json"))


def _words(text: str | None) -> list[str]:
    text = (text or "").replace("\u2019", "'")
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.fixture(params=GOLD, ids=lambda p: p.name.split(".")[0])
def pair(request: pytest.FixtureRequest) -> tuple[dict, dict]:
    gold = json.loads(request.param.read_text(encoding="utf-8"))
    doc = SAMPLES_DIR / gold["file"]
    return gold, meeting_to_json(parse_document(doc.read_bytes(), doc.name), doc.name)


def test_meeting_facts(pair: tuple[dict, dict]) -> None:
    gold, got = pair
    for field in ("title", "kind", "published_on", "held_on"):
        assert got[field] == gold[field], field
    if gold["location"]:
        assert got["location"].split(",")[0] == gold["location"].split(",")[0]
    else:
        assert got["location"] is None
    assert set(got["countries"]) == set(gold["countries"])


def test_people(pair: tuple[dict, dict]) -> None:
    gold, got = pair
    for role in ("principals", "attendees"):
        assert {(p["name"], p["country"]) for p in got[role]} == {(p["name"], p["country"]) for p in gold[role]}


def test_sections_items_and_speakers(pair: tuple[dict, dict]) -> None:
    gold, got = pair
    assert [(s["number"], s["title"]) for s in got["sections"]] == [(s["number"], s["title"]) for s in gold["sections"]]
    for g_sec, p_sec in zip(gold["sections"], got["sections"], strict=True):
        assert [i["label"] for i in p_sec["items"]] == [i["label"] for i in g_sec["items"]]
        for g_item, p_item in zip(g_sec["items"], p_sec["items"], strict=True):
            want = [(st["speaker"], _words(st["starts_with"])[:5]) for st in g_item["statements"]]
            have = [(st["speaker"], _words(st["text"])[:5]) for st in p_item["statements"]]
            assert have == want


def test_statement_text_is_whole(pair: tuple[dict, dict]) -> None:
    """Every sentence of every item lands in exactly one statement."""
    _, got = pair
    for sec in got["sections"]:
        for item in sec["items"]:
            assert all(st["text"].strip() for st in item["statements"])
