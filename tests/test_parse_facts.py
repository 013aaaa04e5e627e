"""Dates, places, occasions and kinds from the title and the lead."""
from __future__ import annotations

from datetime import date

import pytest

from archive_viewer.ingest import parse_text


def meeting(title: str, date_line: str, lead: str):
    text = f"{title}\n\n{date_line}\n\n{lead}\n\n1. Talks\n\nThe two ministers exchanged views.\n"
    return parse_text(text)


def test_year_comes_from_the_date_line() -> None:
    m = meeting("Japan-China Foreign Ministers' Meeting", "April 23, 2012",
                "On April 7, Mr. Ichiro Mori, Minister for Foreign Affairs, met with Mr. Li Wei, Minister of Foreign Affairs of China, in Ningbo, China.")
    assert (m.published_on, m.held_on) == (date(2012, 4, 23), date(2012, 4, 7))


def test_december_meeting_on_a_january_page_is_last_year() -> None:
    m = meeting("Japan-China Foreign Ministers' Meeting", "January 5, 2013",
                "On December 30, Mr. Ichiro Mori, Minister for Foreign Affairs, met with Mr. Li Wei, Minister of Foreign Affairs of China.")
    assert m.held_on == date(2012, 12, 30)


def test_local_date_wins_over_japan_time() -> None:
    m = meeting("Japan-U.S. Summit Meeting", "June 22, 2011",
                "On Thursday, May 26, Prime Minister Ichiro Mori held a meeting with President John Roe of the United States. "
                "The meeting started at 6:10 p.m. local time (1:10 a.m. on May 27, Japan time).")
    assert m.held_on == date(2011, 5, 26)


@pytest.mark.parametrize(
    ("date_line", "expected"),
    [
        ("(April 25, 2012)", date(2012, 4, 25)),
        ("22 September, 2009", date(2009, 9, 22)),
        ("Tuesday, November 6, 2012", date(2012, 11, 6)),
    ],
)
def test_date_line_forms(date_line: str, expected: date) -> None:
    m = meeting("Japan-China Foreign Ministers' Meeting", date_line,
                "On the same day, Mr. Ichiro Mori, Minister for Foreign Affairs, met with Mr. Li Wei, Minister of Foreign Affairs of China.")
    assert m.published_on == expected


def test_no_date_line_takes_the_year_from_the_lead() -> None:
    text = (
        "Japan-U.S.-ROK Trilateral Foreign Ministers' Meeting\n\n"
        "On September 28, 2012, Mr. Ichiro Mori, Minister for Foreign Affairs, met with H.E. Jane Roe, Secretary of State "
        "of the United States, and H.E. Kim Min-su, Minister of Foreign Affairs of the Republic of Korea, in New York.\n\n"
        "1. Talks\n\nThe three ministers exchanged views.\n"
    )
    m = parse_text(text)
    assert (m.published_on, m.held_on, m.kind) == (None, date(2012, 9, 28), "trilateral_meeting")
    assert m.location == "New York, United States"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Japan-China Foreign Ministers' Meeting", "foreign_ministers_meeting"),
        ("Japan-U.S. Foreign Ministerial Meeting", "foreign_ministers_meeting"),
        ("Japan-U.S. Summit Meeting", "summit_meeting"),
        ("Japan-ROK Summit Telephone Talk", "telephone_talk"),
        ("Japan-China-ROK Trilateral Summit", "trilateral_meeting"),
        ("Courtesy Call on Prime Minister Mori by the Governor of Ohio", "other"),
    ],
)
def test_kind_from_title(title: str, kind: str) -> None:
    m = meeting(title, "May 2, 2015", "On May 1, Mr. Ichiro Mori, Minister for Foreign Affairs, met with Mr. Li Wei, Minister of Foreign Affairs of China.")
    assert m.kind == kind


def test_place_and_occasion() -> None:
    m = meeting("Japan-U.S. Foreign Ministerial Meeting", "December 5, 2011",
                "On November 10, Foreign Minister Ichiro Mori, who was in Honolulu to attend the APEC Ministerial Meeting, "
                "held a meeting with Secretary of State Jane Roe of the United States.")
    assert m.location == "Honolulu, United States"
    assert m.occasion == "APEC Ministerial Meeting"


def test_unknown_place_written_with_its_country() -> None:
    m = meeting("Japan-China Foreign Ministers' Meeting", "May 2, 2015",
                "On May 1, Mr. Ichiro Mori, Minister for Foreign Affairs, met with Mr. Li Wei, Minister of Foreign Affairs of China, "
                "in Obscureville, China, on the sidelines of the Regional Forum.")
    assert m.location == "Obscureville, China"
    assert m.occasion == "Regional Forum"
