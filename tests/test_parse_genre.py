"""Forms seen across real meeting overviews, each in a document written for the test."""
from __future__ import annotations

from datetime import date

import pytest

from archive_viewer.ingest import JOINT, parse_text


def people(lead: str, title: str = "Japan-Russia Summit Meeting") -> dict[str, tuple[str | None, str | None, str]]:
    text = f"{title}\n\nMay 2, 2019\n\n{lead}\n\n1. Talks\n\nThe two leaders exchanged views.\n"
    m = parse_text(text)
    return {p.name: (p.title, p.country, p.role) for p in m.people}


def test_short_family_names_in_capitals() -> None:
    found = people(
        "On May 1, Mr. ABE Jiro, Prime Minister of Japan, held a meeting with H.E. Mr. WANG Lin, Premier of the "
        "State Council of the People's Republic of China.",
        title="Japan-China Summit Meeting",
    )
    assert found == {
        "Abe Jiro": ("Prime Minister", "Japan", "principal"),
        "Wang Lin": ("Premier of the State Council", "China", "principal"),
    }


def test_country_between_office_and_name() -> None:
    found = people("On May 1, Prime Minister Jiro Abe held a meeting with President of Russia Ivan Petrov in Moscow.")
    assert found["Ivan Petrov"] == ("President", "Russia", "principal")


def test_counterpart_and_honourable_with_suffix() -> None:
    found = people(
        "On May 1, Mr. Jiro Abe, Minister for Foreign Affairs of Japan, held talks with his Australian counterpart, "
        "the Hon Jane Smith MP, Minister for Foreign Affairs of Australia, in Canberra.",
        title="Japan-Australia Foreign Ministers' Meeting",
    )
    assert found["Jane Smith"] == ("Minister for Foreign Affairs", "Australia", "principal")


def test_attendees_without_honorifics_and_postposed_sides() -> None:
    found = people(
        "On May 1, Prime Minister Jiro Abe held a meeting with President Ivan Petrov of Russia in Moscow. "
        "(Taro Sato, Deputy Chief Cabinet Secretary; and Ken Ito, Ambassador of Japan to Russia joined from the Japanese side; "
        "Oleg Orlov, Foreign Policy Advisor; and Boris Belov, Minister of Economic Development joined from the Russian side.)"
    )
    assert {n: c for n, (_, c, r) in found.items() if r == "attendee"} == {
        "Taro Sato": "Japan", "Ken Ito": "Japan", "Oleg Orlov": "Russia", "Boris Belov": "Russia",
    }
    assert found["Boris Belov"][0] == "Minister of Economic Development"


def test_office_first_attendee_list() -> None:
    found = people(
        "Prime Minister Abe held a summit meeting with President Petrov on May 1. (Also present were Minister for "
        "Foreign Affairs Sato, Minister of Economy, Trade and Industry Ito, etc. from the Japanese side; "
        "Ambassador of Russia to Japan Orlov, etc. from the Russian side.)"
    )
    assert found["Ito"] == ("Minister of Economy, Trade and Industry", "Japan", "attendee")
    assert found["Orlov"] == ("Ambassador of Russia to Japan", "Russia", "attendee")


def test_multi_part_office_after_a_name() -> None:
    found = people(
        "On May 1, Mr. Jiro Abe, Minister for Foreign Affairs, met with the Rt Hon Jane Smith MP, Secretary of State "
        "for Foreign, Commonwealth and Development Affairs of the United Kingdom.",
        title="Japan-UK Foreign Ministers' Meeting",
    )
    assert found["Jane Smith"] == ("Secretary of State for Foreign, Commonwealth and Development Affairs", "United Kingdom", "principal")


def test_captions_breadcrumbs_and_numbered_lead() -> None:
    text = (
        "Home > Countries > Japan-Russia Summit Meeting\n\nMay 2, 2019\n"
        "Photo session before the Japan-Russia Summit Meeting\nJapan-Russia Summit Meeting 2\n\n"
        "1. On May 1, Prime Minister Jiro Abe held a meeting with President Ivan Petrov of Russia in Moscow. "
        "The overview is as follows.\n2. President Petrov welcomed the Prime Minister.\n"
        "3. The two leaders agreed to meet again.\n\nPage Top"
    )
    m = parse_text(text)
    assert m.title == "Japan-Russia Summit Meeting"
    assert m.held_on == date(2019, 5, 1) and m.location == "Moscow, Russia"
    assert [(i.label, [st.speaker for st in i.statements]) for i in m.sections[0].items] == [
        ("2", ["Ivan Petrov"]),
        ("3", [JOINT]),
    ]


TEXT = """Japan-Australia Foreign Ministers' Meeting

May 2, 2019

On May 1, Mr. Jiro Abe, Minister for Foreign Affairs of Japan, held a meeting with Senator the Hon. Jane Smith, Minister for Foreign Affairs of Australia, in Sydney.

1. Talks

{body}
"""


def speakers(body: str) -> list[tuple[str | None, int]]:
    m = parse_text(TEXT.format(body=body))
    return [(st.speaker, len(st.text.split())) for st in m.statements()]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('Minister Smith stated, "We welcome this. I also thank Japan."', [("Jane Smith", 10)]),
        ("Minister Abe spoke first. He and Minister Smith confirmed the plan.", [("Jiro Abe", 4), (JOINT, 7)]),
        ("Japan and Australia agreed to work together.", [(JOINT, 7)]),
        ("For this purpose, both parties agreed to meet.", [(JOINT, 8)]),
        ("At the start of the talk Minister Smith welcomed Minister Abe.", [("Jane Smith", 11)]),
        ("o Minister Abe said that trade mattered.\no Minister Smith agreed.", [("Jiro Abe", 6), ("Jane Smith", 3)]),
        ("4. 4. The two ministers agreed.", [(JOINT, 4)]),
        ("In response, the Foreign Minister of Australia replied.", [("Jane Smith", 8)]),
        ("The Japanese Foreign Minister replied.", [("Jiro Abe", 5)]),
    ],
)
def test_speaker_forms_of_the_genre(body: str, expected: list[tuple[str | None, int]]) -> None:
    assert speakers(body) == expected


def test_attendees_in_a_sentence_and_in_side_paragraphs() -> None:
    text = (
        "Japan-India Foreign Ministers' Strategic Dialogue\n\n22 September, 2009\n\n"
        "On September 21, Mr. Ken Sato, Minister for Foreign Affairs of Japan, held the Strategic Dialogue with "
        "Mr. Raj Kumar, External Affairs Minister of India, in Tokyo. Also in attendance were Mr. Taro Ito, "
        "Ambassador of Japan to India, and Mr. Anil Das, Ambassador of India to Japan.\n\n"
        "Japanese side: Mr. Jun Abe, Director-General, Southwest Asian Affairs Department\n\n"
        "Indian side: Mr. Vikram Rao, Joint Secretary\n\n"
        "1. Bilateral Relations\n\n(1) Minister Sato welcomed Minister Kumar. Minister Kumar thanked him.\n"
    )
    m = parse_text(text)
    assert {p.name: (p.title, p.country) for p in m.attendees} == {
        "Taro Ito": ("Ambassador of Japan to India", "Japan"),
        "Anil Das": ("Ambassador of India to Japan", "India"),
        "Jun Abe": ("Director-General, Southwest Asian Affairs Department", "Japan"),
        "Vikram Rao": ("Joint Secretary", "India"),
    }
    assert [st.speaker for st in m.statements()] == ["Ken Sato", "Raj Kumar"]
