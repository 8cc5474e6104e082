"""The corrections to icalendar's output: escaping, folding at 75 octets, property order, URIs, UTC.

The ``test_icalendar_...`` tests pin what icalendar 7.3 itself does; when one fails after an
upgrade, that correction in backend/feeds/corrections.py may no longer be needed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, Event, vDatetime, vText, vUri

from backend.feeds.corrections import FeedText, escape_text, fold, serialise, uri, utc


def unfold(folded: str) -> str:
    return folded.removesuffix("\r\n").replace("\r\n ", "")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nline", "windows\\nline"),
        ("bell\x07and\x00nul", "bellandnul"),
        ("tab\tkept", "tab\tkept"),
        ("colon: is fine", "colon: is fine"),
    ],
)
def test_text_escapes_the_four_special_characters_and_drops_controls(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_a_line_of_exactly_75_octets_is_not_folded() -> None:
    line = "X" * 75
    assert fold(line) == line + "\r\n"


def test_a_line_of_76_octets_folds_into_75_and_a_continuation() -> None:
    assert fold("X" * 76) == "X" * 75 + "\r\n X\r\n"


def test_folding_never_splits_a_multibyte_character() -> None:
    folded = fold("SUMMARY:" + "ö" * 80)
    for physical in folded.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75
    assert unfold(folded) == "SUMMARY:" + "ö" * 80


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_folded_lines_unfold_to_the_original_and_fit_75_octets(value: str) -> None:
    line = "DESCRIPTION:" + escape_text(value)
    folded = fold(line)
    assert folded.endswith("\r\n")
    physical_lines = folded.split("\r\n")[:-1]
    assert all(len(physical.encode("utf-8")) <= 75 for physical in physical_lines)
    assert all(physical.startswith(" ") for physical in physical_lines[1:])
    assert unfold(folded) == line
    assert "\n" not in unfold(folded) and "\r" not in unfold(folded)


def test_a_component_is_written_in_the_order_its_properties_were_added_escaped_and_folded() -> None:
    event = Event()
    event["UID"] = FeedText("u-1")
    event["SUMMARY"] = FeedText("Visit due: J.S., (CP)")
    event["DESCRIPTION"] = FeedText("x" * 80)
    assert serialise(event) == (
        "BEGIN:VEVENT\r\nUID:u-1\r\nSUMMARY:Visit due: J.S.\\, (CP)\r\n"
        f"DESCRIPTION:{'x' * 63}\r\n {'x' * 17}\r\nEND:VEVENT\r\n"
    )


def test_a_calendar_name_with_commas_semicolons_and_line_breaks_is_escaped() -> None:
    calendar = Calendar()
    calendar["NAME"] = FeedText("Visits due: Patel, Sam; team\r\nB\x07")
    assert serialise(calendar) == "BEGIN:VCALENDAR\r\nNAME:Visits due: Patel\\, Sam\\; team\\nB\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize("bad", ["", "https://x.example/a b", "https://x.example/\r\nX-EVIL:1"])
def test_a_uri_with_spaces_or_line_breaks_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        uri(bad)


def test_utc_times_use_the_basic_format_from_any_zone() -> None:
    assert utc(datetime(2026, 7, 1, 9, 5, 7, tzinfo=UTC)).to_ical() == b"20260701T090507Z"


def test_a_naive_time_cannot_be_written_as_utc() -> None:
    with pytest.raises(ValueError):
        utc(datetime(2026, 7, 1, 9, 5))  # noqa: DTZ001


# What icalendar does on its own: each is the reason for one correction.


def test_icalendar_sorts_properties_into_its_own_order() -> None:
    event = Event()
    event["UID"] = vText("u-1")
    event["SUMMARY"] = vText("s")
    assert event.to_ical().split(b"\r\n")[1] == b"SUMMARY:s"


def test_icalendar_folds_before_75_octets() -> None:
    event = Event()
    event["DESCRIPTION"] = vText("x" * 80)
    assert event.to_ical().split(b"\r\n")[1] == b"DESCRIPTION:" + b"x" * 62


def test_icalendar_writes_an_untyped_name_unescaped_and_keeps_control_characters() -> None:
    calendar = Calendar()
    calendar.add("NAME", "Patel, Sam; B")
    calendar.add("SUMMARY", "bell\x07")
    assert b"NAME:Patel, Sam; B\r\n" in calendar.to_ical()
    assert b"SUMMARY:bell\x07\r\n" in calendar.to_ical()
    # A typed "C:\Notes" comes back as "C:", a line break and "otes".
    assert vText("C:\\Notes").to_ical() == b"C:\\notes"
    assert FeedText("C:\\Notes").to_ical() == b"C:\\\\Notes"


def test_icalendar_writes_any_uri_and_a_naive_stamp_as_floating_time() -> None:
    assert vUri("https://x.example/a b").to_ical() == b"https://x.example/a b"
    assert vDatetime(datetime(2026, 7, 1, 9, 5)).to_ical() == b"20260701T090500"  # noqa: DTZ001
