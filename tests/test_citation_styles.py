"""Citations in each style, written out by hand from the reference document, section 1 item (3):

    Japan-ROK Foreign Ministers' Meeting (Overview)        (the title)
    (April 25, 2012)                                       (the date line: published)
    Minister for Foreign Affairs Koichiro Gemba held talks (Japan's minister first: MOFA Japan)
    1. North Korean Issues / (3) The two ministers shared the view ...
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from archive_viewer import citation, paths, provenance
from archive_viewer.citation import CitationFacts, format_citation
from archive_viewer.store.citations import citation_facts
from archive_viewer.store.node_ids import resolve

REFERENCE = paths.SAMPLES_DIR / "000_19a025d9c24d22f3.txt"
ITEM_ID = "av:0e3ff97fcfd7/s1/i3"  # the first 12 hex digits of the file's sha256
ACCESSED = date(2025, 5, 2)


def test_the_identifier_is_the_files_hash() -> None:
    assert hashlib.sha256(REFERENCE.read_bytes()).hexdigest().startswith("0e3ff97fcfd7")


@pytest.fixture(scope="module")
def facts(samples_archive: Path) -> CitationFacts:
    with sqlite3.connect(samples_archive) as conn:
        node = resolve(conn, ITEM_ID)
        found = citation_facts(conn, node.kind, node.id)
    assert found is not None
    return found


def cite(facts: CitationFacts, style: str) -> str:
    return format_citation(facts, style, accessed=ACCESSED).text


def test_facts_of_the_reference_item(facts: CitationFacts) -> None:
    assert facts == CitationFacts(
        identifier=ITEM_ID, kind="item", title="Japan-ROK Foreign Ministers' Meeting (Overview)",
        issuer="Ministry of Foreign Affairs of Japan", published_on="2012-04-25",
        held_on="2012-04-07", url=None, file_name="000_19a025d9c24d22f3.txt",
        section_number="1", section_title="North Korean Issues", item_label="(3)",
        item_ordinal=3)


def test_chicago_note(facts: CitationFacts) -> None:
    assert cite(facts, "chicago-note") == (
        "Ministry of Foreign Affairs of Japan, “Japan-ROK Foreign Ministers' Meeting "
        "(Overview),” press release, April 25, 2012, section 1, item (3), accessed May 2, "
        "2025, 000_19a025d9c24d22f3.txt.")


def test_chicago_bibliography(facts: CitationFacts) -> None:
    assert cite(facts, "chicago-bibliography") == (
        "Ministry of Foreign Affairs of Japan. “Japan-ROK Foreign Ministers' Meeting "
        "(Overview).” Press release, April 25, 2012. Accessed May 2, 2025. "
        "000_19a025d9c24d22f3.txt.")


def test_apa_reference_with_the_title_in_italics_for_rich_text(facts: CitationFacts) -> None:
    apa = format_citation(facts, "apa", accessed=ACCESSED)
    assert apa.text == (
        "Ministry of Foreign Affairs of Japan. (2012, April 25). Japan-ROK Foreign Ministers' "
        "Meeting (Overview) [Press release]. Retrieved May 2, 2025, from "
        "000_19a025d9c24d22f3.txt")
    assert apa.html == (
        "Ministry of Foreign Affairs of Japan. (2012, April 25). <i>Japan-ROK Foreign "
        "Ministers' Meeting (Overview)</i> [Press release]. Retrieved May 2, 2025, from "
        "000_19a025d9c24d22f3.txt")


def test_apa_in_text(facts: CitationFacts) -> None:
    assert cite(facts, "apa-in-text") == (
        "(Ministry of Foreign Affairs of Japan, 2012, Section 1, para. 3)")


def test_bibtex(facts: CitationFacts) -> None:
    assert cite(facts, "bibtex") == """\
@misc{av-0e3ff97fcfd7-s1-i3,
  author       = {{Ministry of Foreign Affairs of Japan}},
  title        = {{Japan-ROK Foreign Ministers' Meeting (Overview)}},
  howpublished = {Press release},
  year         = {2012},
  month        = apr,
  date         = {2012-04-25},
  urldate      = {2025-05-02},
  note         = {Section 1, item (3). Source file: 000\\_19a025d9c24d22f3.txt. \
Archive Viewer id: av:0e3ff97fcfd7/s1/i3},
}"""


def test_csl_json(facts: CitationFacts) -> None:
    csl = format_citation(facts, "csl-json", accessed=ACCESSED)
    assert csl.mime == "application/vnd.citationstyles.csl+json"
    assert json.loads(csl.text) == [{
        "id": ITEM_ID,
        "type": "report",
        "genre": "Press release",
        "title": "Japan-ROK Foreign Ministers' Meeting (Overview)",
        "author": [{"literal": "Ministry of Foreign Affairs of Japan"}],
        "publisher": "Ministry of Foreign Affairs of Japan",
        "issued": {"date-parts": [[2012, 4, 25]]},
        "accessed": {"date-parts": [[2025, 5, 2]]},
        "label": "section",
        "locator": "1, item (3)",
        "archive": "Archive Viewer",
        "archive_location": ITEM_ID,
        "note": "archive-viewer id: av:0e3ff97fcfd7/s1/i3\nlocator: section 1, item (3)\n"
                "source file: 000_19a025d9c24d22f3.txt",
    }]
    assert '"date-parts": [[2012, 4, 25]]' in csl.text  # dates on one line


def test_short_reference_is_the_apps_own(facts: CitationFacts) -> None:
    assert cite(facts, "short") == (
        "Japan-ROK Foreign Ministers' Meeting (Overview), 2012-04-07, section 1 North Korean "
        "Issues, 000_19a025d9c24d22f3.txt")


def test_a_selection_comes_before_the_citation_but_not_into_reference_manager_data(
        facts: CitationFacts) -> None:
    note = format_citation(facts, "chicago-note", accessed=ACCESSED)
    quoted = citation.with_selection("The two ministers\u2029shared the view", note,
                                     "chicago-note")
    assert quoted.text == f"The two ministers\nshared the view\n\n{note.text}"
    short = format_citation(facts, "short", accessed=ACCESSED)
    assert citation.with_selection("x", short, "short").text == f"x\n— {short.text}"
    bib = format_citation(facts, "bibtex", accessed=ACCESSED)
    assert citation.with_selection("x", bib, "bibtex") == bib


def test_a_meeting_has_no_locator_and_a_statement_cites_its_item(samples_archive: Path) -> None:
    with sqlite3.connect(samples_archive) as conn:
        meeting = citation_facts(conn, "meeting", resolve(conn, "av:0e3ff97fcfd7").id)
        statement = citation_facts(conn, "statement",
                                   resolve(conn, "av:0e3ff97fcfd7/s1/i4/p2").id)
    assert meeting is not None and statement is not None
    assert citation.locator(meeting) == ""
    assert cite(meeting, "apa-in-text") == "(Ministry of Foreign Affairs of Japan, 2012)"
    assert citation.locator(statement) == "section 1, item (4)"
    assert statement.identifier == "av:0e3ff97fcfd7/s1/i4/p2"


def test_a_page_with_a_known_address_cites_it() -> None:
    facts = CitationFacts(
        identifier="av:0123456789ab/s2", kind="section",
        title='Meeting on "Comfort Women" & Trade_Talks', issuer=None, published_on=None,
        held_on=None, url="https://www.mofa.go.jp/a_o/na/kr/page3e_000856.html",
        file_name="page.html", section_number=None, section_title="Economy")
    assert cite(facts, "chicago-note") == (
        "“Meeting on ‘Comfort Women’ & Trade_Talks,” press release, n.d., section “Economy”, "
        "accessed May 2, 2025, https://www.mofa.go.jp/a_o/na/kr/page3e_000856.html.")
    assert cite(facts, "apa") == (
        'Meeting on "Comfort Women" & Trade_Talks [Press release]. (n.d.). Retrieved May 2, '
        "2025, from https://www.mofa.go.jp/a_o/na/kr/page3e_000856.html")
    bib = cite(facts, "bibtex")
    assert "title        = {{Meeting on \"Comfort Women\" \\& Trade\\_Talks}}," in bib
    assert "url          = {https://www.mofa.go.jp/a_o/na/kr/page3e_000856.html}," in bib
    assert "author" not in bib and "year" not in bib
    item = json.loads(cite(facts, "csl-json"))[0]
    assert item["URL"] == facts.url and "issued" not in item and "publisher" not in item
    assert item["note"] == "archive-viewer id: av:0123456789ab/s2\nlocator: section “Economy”"


@pytest.mark.parametrize(("source_path", "head", "side", "issuer"), [
    ("https://www.mofa.go.jp/a_o/c_m1/cn/page3e_000957.html", "", "China",
     "Ministry of Foreign Affairs of Japan"),  # the address says it, whoever spoke first
    ("/saved/page.html", "<title>Talks | Ministry of Foreign Affairs of the Republic of Korea"
     "</title><h1>Talks</h1>", "Japan", "Ministry of Foreign Affairs of the Republic of Korea"),
    ("/saved/page.html", '<!-- saved from url=(0047)https://www.kantei.go.jp/jp/page.html -->',
     None, "Prime Minister's Office of Japan"),
    ("/docs/a.txt", "", "Japan", "Ministry of Foreign Affairs of Japan"),
    ("/docs/a.txt", "", "Philippines", "Ministry of Foreign Affairs of the Philippines"),
    ("/docs/a.txt", "", None, None),
])
def test_the_issuing_body_from_the_best_evidence(source_path: str, head: str,
                                                  side: str | None, issuer: str | None) -> None:
    html = source_path.endswith(".html")
    assert provenance.issuing_body(source_path=source_path, head=head, html=html,
                                   first_principal_side=side) == issuer


def test_the_saved_pages_issuer_and_its_own_address(samples_archive: Path) -> None:
    with sqlite3.connect(samples_archive) as conn:
        (meeting_id,) = conn.execute(
            "SELECT m.id FROM meetings AS m JOIN documents AS d ON d.id = m.document_id "
            "WHERE d.file_name = '108_ba5f3a77eedb3106.html'").fetchone()
        facts = citation_facts(conn, "meeting", meeting_id)
    assert facts is not None and facts.issuer == "Ministry of Foreign Affairs of Japan"
    canonical = '<link rel="canonical" href="https://www.mofa.go.jp/a_o/na/kr/page3e_000856.html">'
    assert provenance.source_url("/x/108.html", canonical, html=True) == \
        "https://www.mofa.go.jp/a_o/na/kr/page3e_000856.html"
    assert provenance.source_url("/x/108.txt", canonical, html=False) is None


def test_an_unknown_style_is_refused(facts: CitationFacts) -> None:
    with pytest.raises(ValueError, match="chicago-note"):
        format_citation(facts, "mla")
