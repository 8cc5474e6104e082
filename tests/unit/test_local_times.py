"""Local plan times in Europe/London, strictly parsed, at and around both clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.core.errors import InvalidPlan
from backend.core.localtime import as_local_text, is_ambiguous, parse_local_start

LONDON = ZoneInfo("Europe/London")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-11-24T14:00", "2026-11-24T14:00"),  # winter: GMT
        ("2026-07-01T14:00", "2026-07-01T13:00"),  # summer: BST
        ("2026-03-29T00:59", "2026-03-29T00:59"),  # the last minute before the clocks go forward
        ("2026-03-29T02:00", "2026-03-29T01:00"),  # the first minute after: BST
        ("2026-03-29T14:00", "2026-03-29T13:00"),  # the Sunday the clocks go forward
        ("2026-03-30T14:00", "2026-03-30T13:00"),  # and the day after
        ("2026-10-25T00:59", "2026-10-24T23:59"),  # before the repeated hour, still BST
        ("2026-10-25T02:00", "2026-10-25T02:00"),  # after it: GMT
        ("2026-10-25T14:00", "2026-10-25T14:00"),
        ("2026-11-24T14:00:30", "2026-11-24T14:00:30"),  # whole seconds are allowed
    ],
)
def test_a_local_time_names_the_instant_on_londons_clocks(text: str, instant: str) -> None:
    assert parse_local_start(text, LONDON) == utc(instant)


@pytest.mark.parametrize("text", ["2026-03-29T01:00", "2026-03-29T01:30", "2026-03-29T01:59", "2027-03-28T01:15"])
def test_a_time_the_clocks_skip_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidPlan) as raised:
        parse_local_start(text, LONDON)
    assert raised.value.field == "starts_at"
    assert "clocks go forward" in raised.value.problem


def test_the_repeated_hour_when_the_clocks_go_back_is_its_first_occurrence_in_summer_time() -> None:
    start = parse_local_start("2026-10-25T01:30", LONDON)
    assert start == utc("2026-10-25T00:30")
    assert as_local_text(start, LONDON) == "2026-10-25T01:30:00+01:00"
    assert is_ambiguous(datetime(2026, 10, 25, 1, 30), LONDON)
    assert not is_ambiguous(datetime(2026, 10, 25, 2, 30), LONDON)


def test_the_second_occurrence_of_the_repeated_hour_is_had_with_its_offset() -> None:
    second = parse_local_start("2026-10-25T01:30+00:00", LONDON)
    assert second == utc("2026-10-25T01:30")
    assert second - parse_local_start("2026-10-25T01:30", LONDON) == timedelta(hours=1)
    assert as_local_text(second, LONDON) == "2026-10-25T01:30:00+00:00"


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-11-24T14:00Z", "2026-11-24T14:00"),
        ("2026-11-24T15:00+01:00", "2026-11-24T14:00"),
        ("2026-07-01T09:00-04:00", "2026-07-01T13:00"),
        # An offset settles a time that would be in the gap as local text.
        ("2026-03-29T01:30+00:00", "2026-03-29T01:30"),
    ],
)
def test_a_time_with_an_offset_is_that_instant(text: str, instant: str) -> None:
    start = parse_local_start(text, LONDON)
    assert start == utc(instant)
    assert start.tzinfo == UTC


@pytest.mark.parametrize(
    "text", ["2026-03-29T01:30", "2026-10-25T01:30", "2026-10-25T01:30+00:00", "2026-06-01T23:59", "2026-12-31T00:00"]
)
def test_the_local_text_the_api_answers_with_parses_back_to_the_same_instant(text: str) -> None:
    try:
        start = parse_local_start(text, LONDON)
    except InvalidPlan:
        return
    assert parse_local_start(as_local_text(start, LONDON), LONDON) == start


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24",  # a date alone is not a time
        "2026-11-24 14:00",  # the T is required
        "20261124T1400",
        "2026-11-24T14",
        "2026-11-24T14:00:00.5",
        "2026-02-30T14:00",  # no such date
        "2026-11-24T24:00",
        "2026-11-24T14:60",
        "2026-11-24T14:00+25:00",
        "2026-11-24T14:00+0100",
        "",
    ],
)
def test_malformed_or_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(InvalidPlan) as raised:
        parse_local_start(text, LONDON, field="starts_at")
    assert raised.value.field == "starts_at"


@pytest.mark.parametrize("value", [None, 1700000000, ["2026-11-24T14:00"]])
def test_anything_but_text_is_refused(value: object) -> None:
    with pytest.raises(InvalidPlan):
        parse_local_start(value, LONDON)
