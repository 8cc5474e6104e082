"""Feeds against golden files, icalendar's parser and Mozilla's ical.js (an independent reader)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical
from icalendar import Calendar

from backend.feeds.model import Feed
from backend.feeds.render import event_uid, render_feed
from backend.feeds.timezones import LONDON_VTIMEZONE
from tests.feed_builders import golden_feeds, make_feed, make_timed_event
from tests.icaljs import parse_with_icaljs

DATA = Path(__file__).resolve().parent.parent / "data"
GOLDEN = golden_feeds()
LONDON = ZoneInfo("Europe/London")


# A deadline that is not a visit is never titled as one.
WHAT = {
    ("visit", True): "visit: ",
    ("visit", False): "Visit due: ",
    ("deadline", True): "deadline: ",
    ("deadline", False): "Deadline: ",
}


def expected_all_day(feed: Feed) -> list[dict[str, Any]]:
    """What a client should show for each entry, worked out from the input, not from the bytes."""
    expected = []
    for entry in feed.entries:
        subject = f"{entry.label} ({entry.plan_label})" + (f" - {entry.assignee}" if entry.assignee else "")
        overdue = entry.status == "overdue"
        expected.append(
            {
                "uid": event_uid(feed.scope, entry.child_key, entry.role, entry.cycle_start, "due"),
                "summary": ("Overdue " if overdue else "") + WHAT[entry.kind, overdue] + subject,
                "start": (feed.today if overdue else entry.plan_by).isoformat(),
                "status": "CONFIRMED",
                "url": entry.url,
            }
        )
        for position, day in enumerate(entry.projected, start=1):
            expected.append(
                {
                    "uid": event_uid(
                        feed.scope, entry.child_key, entry.role, entry.cycle_start, f"projected-{position}"
                    ),
                    "summary": "Projected visit: " + subject,
                    "start": day.isoformat(),
                    "status": "TENTATIVE",
                    "url": entry.url,
                }
            )
    return sorted(expected, key=lambda event: event["uid"])


@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_golden_feed_bytes_are_unchanged(stem: str) -> None:
    expected = (DATA / f"{stem}.ics").read_bytes()
    assert render_feed(GOLDEN[stem]) == expected, "run scripts/regenerate_golden_feeds.py and review the diff"


@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_icalendar_reads_back_what_was_rendered(stem: str) -> None:
    feed = GOLDEN[stem]
    calendar = Calendar.from_ical(render_feed(feed))
    calendar.validate()
    assert str(calendar["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"
    all_day = [event for event in calendar.walk("VEVENT") if not isinstance(event.decoded("DTSTART"), datetime)]
    read = sorted(
        (
            {
                "uid": str(event["UID"]),
                "summary": str(event["SUMMARY"]),
                "start": event.decoded("DTSTART").isoformat(),
                "status": str(event["STATUS"]),
                "url": str(event["URL"]),
            }
            for event in all_day
        ),
        key=lambda event: event["uid"],
    )
    assert read == expected_all_day(feed)
    for event in calendar.walk("VEVENT"):
        if not isinstance(event.decoded("DTSTART"), datetime):
            assert event.decoded("DTEND") == event.decoded("DTSTART") + timedelta(days=1)
    # Descriptions come back exactly, commas, semicolons and newlines included.
    descriptions = {str(event["UID"]): str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT")}
    for entry in feed.entries:
        uid = event_uid(feed.scope, entry.child_key, entry.role, entry.cycle_start, "due")
        assert entry.explanation in descriptions[uid].split("\n")
    # And icalendar writes the same events back out, property for property.
    again = Calendar.from_ical(calendar.to_ical())
    assert [event.to_ical() for event in again.walk("VEVENT")] == [event.to_ical() for event in calendar.walk("VEVENT")]


@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_icaljs_sees_the_obligations_that_went_in(stem: str) -> None:
    feed = GOLDEN[stem]
    parsed = parse_with_icaljs(render_feed(feed))
    head = parsed["calendar"]
    assert head == {
        "version": "2.0",
        "prodid": "-//Visit scheduler//Calendar feed 1//EN",
        "calscale": "GREGORIAN",
        "method": "PUBLISH",
        "name": feed.name,
        "x_wr_calname": feed.name,
        "x_wr_timezone": "Europe/London",
        "refresh_interval": "PT1H",
        "refresh_interval_type": "duration",
        "x_published_ttl": "PT1H",
        "timezones": ["Europe/London"] if feed.timed or not feed.entries else [],
    }
    all_day = [event for event in parsed["events"] if "date" in event["start"]]
    read = sorted(
        (
            {
                "uid": event["uid"],
                "summary": event["summary"],
                "start": event["start"]["date"],
                "status": event["status"],
                "url": event["url"],
            }
            for event in all_day
        ),
        key=lambda event: event["uid"],
    )
    assert read == expected_all_day(feed)
    for event in all_day:
        start, end = date.fromisoformat(event["start"]["date"]), date.fromisoformat(event["end"]["date"])
        assert end == start + timedelta(days=1)
        assert (event["class"], event["transp"], event["alarms"]) == ("PRIVATE", "TRANSPARENT", 0)
    for entry in feed.entries:
        uid = event_uid(feed.scope, entry.child_key, entry.role, entry.cycle_start, "due")
        (description,) = [event["description"] for event in all_day if event["uid"] == uid]
        assert entry.explanation in description.split("\n")
        assert f"Case reference: {entry.reference}" in description.split("\n")


def test_icaljs_keeps_planned_times_at_local_time_across_the_clock_change() -> None:
    feed = GOLDEN["feed_planned"]
    parsed = parse_with_icaljs(render_feed(feed))["events"]
    timed = {event["start"]["local"]: event for event in parsed if "local" in event["start"]}
    assert len(timed) == len(feed.timed)
    for plan in feed.timed:
        local = plan.starts_at.astimezone(LONDON)
        event = timed[local.strftime("%Y-%m-%dT%H:%M:%S")]
        assert event["start"]["local"].endswith("T14:00:00") and event["start"]["tzid"] == "Europe/London"
        expected_utc = local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert event["start"]["utc"] == expected_utc
        assert event["start"]["utc_offset_seconds"] == local.utcoffset().total_seconds()


def test_the_london_vtimezone_agrees_with_the_tz_database_from_2000_to_2045() -> None:
    # dateutil reads the definition itself (icalendar's to_tz() would just look the TZID up).
    definition = "\r\n".join(line for line in LONDON_VTIMEZONE if not line.startswith("X-LIC")) + "\r\n"
    from_feed = tzical(io.StringIO(definition)).get()
    for year in range(2000, 2046):
        for month in (3, 10):
            last_day = date(year, month, 31)
            last_sunday = last_day - timedelta(days=(last_day.weekday() + 1) % 7)
            for half_hours in range(-6, 7):
                moment = datetime.combine(last_sunday, time(1), tzinfo=UTC) + timedelta(minutes=30 * half_hours)
                assert moment.astimezone(from_feed).utcoffset() == moment.astimezone(LONDON).utcoffset(), moment


def test_icaljs_places_noon_plans_on_the_right_side_of_each_clock_change() -> None:
    days = [date(2027, 3, 20) + timedelta(days=offset) for offset in range(16)]
    days += [date(2027, 10, 24) + timedelta(days=offset) for offset in range(10)]
    plans = tuple(
        make_timed_event(key=f"plan-{day}", starts_at=datetime.combine(day, time(12), tzinfo=LONDON)) for day in days
    )
    events = parse_with_icaljs(render_feed(make_feed(timed=plans)))["events"]
    offsets = {event["start"]["local"][:10]: event["start"]["utc_offset_seconds"] for event in events}
    assert offsets == {
        day.isoformat(): datetime.combine(day, time(12), tzinfo=LONDON).utcoffset().total_seconds() for day in days
    }
