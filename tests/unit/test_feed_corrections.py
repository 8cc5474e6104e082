"""The corrections to icalendar's output: escaping, folding at 75 octets, property order, URIs, UTC.

The ``test_icalendar_...`` tests pin what icalendar 7.3 itself does; when one fails after an
upgrade, that correction in backend/feeds/corrections.py may no longer be needed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, Event, Parameters, vDate, vDatetime, vDuration, vInt, vText, vUri

from backend.clock import LONDON
from backend.feeds.corrections import FeedDate, FeedInt, FeedText, escape_text, fold, serialise, uri, utc
from backend.feeds.render import render_feed
from tests.feed_builders import make_feed, make_feed_entry


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


def unfolded_lines(ical: str) -> list[str]:
    return ical.replace("\r\n ", "").split("\r\n")


def test_values_and_parameters_are_written_as_icalendars_own_writer_writes_them() -> None:
    """Where no correction applies, ``serialise`` writes each line as ``content_lines`` would:
    prepared values beside icalendar's own, a quoted parameter, a zone's TZID, a list of values."""
    event = Event()
    event["DTSTART"] = FeedDate(date(2026, 3, 29))
    event["DTEND"] = vDate(date(2026, 3, 30), params={"VALUE": "DATE"})
    event["SEQUENCE"] = FeedInt(12)
    event["PRIORITY"] = vInt(3)
    event["URL"] = uri("https://x.example/children/1?a=b")
    event["DTSTAMP"] = utc(datetime(2026, 3, 29, 1, 30, tzinfo=LONDON))
    event["RECURRENCE-ID"] = vDatetime(datetime(2026, 3, 29, 14, 0, tzinfo=LONDON))
    event["DURATION"] = vDuration(timedelta(hours=1), params={"VALUE": "DURATION"})
    event["ATTENDEE"] = [vUri("mailto:a@x.example", params={"CN": "Patel, Sam"}), vUri("mailto:b@x.example")]
    event["COMMENT"] = vText("plain words")
    ours = unfolded_lines(serialise(event))
    assert ours == unfolded_lines(event.to_ical(sorted=False).decode("utf-8"))
    assert 'ATTENDEE;CN="Patel, Sam":mailto:a@x.example' in ours
    assert "RECURRENCE-ID;TZID=Europe/London:20260329T140000" in ours


def test_prepared_values_build_their_parameters_only_when_asked_and_keep_a_change() -> None:
    day = FeedDate(date(2026, 3, 29))
    assert day == vDate(date(2026, 3, 29)) and day.to_ical() == b"20260329"
    assert isinstance(day.params, Parameters) and dict(day.params) == {"VALUE": "DATE"}
    day.params["X-NOTE"] = "kept"
    event = Event()
    event["DTSTART"] = day
    assert "DTSTART;VALUE=DATE;X-NOTE=kept:20260329" in serialise(event)
    with pytest.raises(TypeError):
        FeedDate(datetime(2026, 3, 29, tzinfo=UTC))


def test_rendering_events_builds_no_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a ``Parameters`` per value and a ``Contentline`` per property was most of what
    rendering an event cost: a feed built from nothing must not pay it per event."""
    built = []
    original = Parameters.__init__

    def counting(self: Parameters, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)

    feed = make_feed(*(make_feed_entry(child_key=f"child-{index}") for index in range(20)))
    monkeypatch.setattr(Parameters, "__init__", counting)
    render_feed(feed)
    assert len(built) <= 5  # the calendar's own few properties, none per event


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
