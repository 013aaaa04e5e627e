"""Every speaker form of the genre resolves to the right participant, "joint", or nobody."""
from __future__ import annotations

import pytest

from archive_viewer.ingest import JOINT, parse_text

TEXT = """Japan-U.S. Summit Meeting

June 2, 2014

On June 1, Mr. Ichiro Tanaka, Prime Minister of Japan, held a meeting in Washington, D.C. with Ms. Jane Doe, President of the United States. (Also present from the Japanese side was Mr. Jiro Sato, Deputy Chief Cabinet Secretary; from the U.S. side Mr. John Roe, National Security Advisor.) An overview follows.

1. Talks

{sentence}

Back to Index
"""


def speakers(sentences: str) -> list[str | None]:
    meeting = parse_text(TEXT.format(sentence=sentences))
    return [st.speaker for st in meeting.statements()]


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        ("Prime Minister Tanaka said he welcomed the visit.", ["Ichiro Tanaka"]),
        ("President Doe stated that she agreed.", ["Jane Doe"]),
        ("PM Tanaka stressed the alliance.", ["Ichiro Tanaka"]),
        ("Mr. Tanaka stressed the alliance.", ["Ichiro Tanaka"]),
        ("Ichiro Tanaka stressed the alliance.", ["Ichiro Tanaka"]),
        ("The President replied that the alliance was strong.", ["Jane Doe"]),
        ("The Prime Minister replied that the alliance was strong.", ["Ichiro Tanaka"]),
        ("The Japanese side explained its position.", ["Ichiro Tanaka"]),
        ("The U.S. side explained its position.", ["Jane Doe"]),
        ("The two leaders agreed to cooperate.", [JOINT]),
        ("Both leaders agreed to cooperate.", [JOINT]),
        ("The two sides agreed to cooperate.", [JOINT]),
        ("They agreed to cooperate.", [JOINT]),
        ("Regarding North Korea, the two leaders agreed to cooperate.", [JOINT]),
        ("On trade, President Doe said tariffs should fall.", ["Jane Doe"]),
        ("It was decided that the talks would continue.", [None]),
        ("Trade and investment were discussed.", [None]),
        ("Prime Minister Tanaka and President Doe agreed to meet again.", [JOINT]),
        ("Mr. Sato briefed the participants on the schedule.", ["Jiro Sato"]),
        # Pronouns continue the last named speaker, and a run of one speaker is one statement.
        ("President Doe said the alliance mattered. She added that trade was growing. She also noted it.", ["Jane Doe"]),
        ("President Doe said she was pleased. He replied.", ["Jane Doe", None]),
        (
            "Prime Minister Tanaka thanked the President. President Doe said she was glad. He added that he agreed.",
            ["Ichiro Tanaka", "Jane Doe", "Ichiro Tanaka"],
        ),
        # A postposed attribution makes the sentence that person's.
        (
            "Prime Minister Tanaka spoke first. Both nations must stand together, he noted.",
            ["Ichiro Tanaka"],
        ),
        ("In reply, he said the plan was sound.", [None]),
    ],
)
def test_speaker_forms(sentences: str, expected: list[str | None]) -> None:
    assert speakers(sentences) == expected


def test_people_and_sides_from_the_lead() -> None:
    meeting = parse_text(TEXT.format(sentence="The two leaders met."))
    assert [(p.name, p.title, p.country) for p in meeting.principals] == [
        ("Ichiro Tanaka", "Prime Minister", "Japan"),
        ("Jane Doe", "President", "United States"),
    ]
    assert [(p.name, p.country) for p in meeting.attendees] == [
        ("Jiro Sato", "Japan"),
        ("John Roe", "United States"),
    ]
    assert meeting.location == "Washington, D.C., United States"
    assert meeting.held_on.isoformat() == "2014-06-01"


@pytest.mark.parametrize(
    ("intro", "name", "title"),
    [
        ("Mr. MOTEGI Toshimitsu, Minister for Foreign Affairs of Japan,", "Motegi Toshimitsu", "Minister for Foreign Affairs"),
        ("Minister for Foreign Affairs Koichi Abe", "Koichi Abe", "Minister for Foreign Affairs"),
        ("H.E. Mr. Wang Ping, State Councilor and Foreign Minister of the People's Republic of China,", "Wang Ping", "State Councilor and Foreign Minister"),
        ("Mr. Petrov, Sergey Ivanovich, Minister of Foreign Affairs of Russia,", "Sergey Ivanovich Petrov", "Minister of Foreign Affairs"),
        ("Foreign Minister Tarō Kōno", "Tarō Kōno", "Foreign Minister"),
    ],
)
def test_name_forms(intro: str, name: str, title: str) -> None:
    text = (
        "Japan-China Foreign Ministers' Meeting\n\nMay 2, 2020\n\n"
        f"On May 1, {intro} held a meeting with Dr. Li Wei, Minister of Foreign Affairs of the People's Republic of China. "
        "An overview follows.\n\n1. Talks\n\nThe two ministers met.\n"
    )
    if "China," in intro:
        text = text.replace("Dr. Li Wei, Minister of Foreign Affairs of the People's Republic of China", "Mr. Taro Ueda, Minister for Foreign Affairs of Japan")
    meeting = parse_text(text)
    found = {p.name: p.title for p in meeting.principals}
    assert found.get(name) == title, found
