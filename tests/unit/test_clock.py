"""'Today' is the date in Europe/London, whatever the server's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from backend.clock import now_in_london, today_in_london


def test_at_2330_utc_on_a_summer_night_it_is_already_tomorrow_in_london() -> None:
    # 23:30 UTC on 1 Jul 2026 is 00:30 BST on 2 Jul.
    assert today_in_london(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)


def test_at_2330_utc_on_a_winter_night_it_is_the_same_day_in_london() -> None:
    # In GMT, London time is UTC.
    assert today_in_london(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("instant", "london_day"),
    [
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), date(2026, 3, 29)),  # clocks go forward at 01:00 UTC
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),  # still GMT the night before
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # last BST night
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # first GMT night
    ],
)
def test_the_london_date_follows_the_clock_changes(instant: datetime, london_day: date) -> None:
    assert today_in_london(instant) == london_day


def test_an_instant_in_another_zone_is_converted_not_relabelled() -> None:
    new_york_evening = datetime(2026, 7, 1, 20, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert today_in_london(new_york_evening) == date(2026, 7, 2)
    assert now_in_london(new_york_evening).hour == 1


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        today_in_london(datetime(2026, 7, 1, 23, 30))


def test_without_an_instant_it_reads_the_wall_clock() -> None:
    before = datetime.now(tz=UTC)
    today = today_in_london()
    after = datetime.now(tz=UTC)
    assert today in {today_in_london(before), today_in_london(after)}


def test_europe_london_is_named_in_one_place_only() -> None:
    # One definition (core/zones.py): two would let the reminders, the feeds and the clock drift apart.
    from pathlib import Path

    backend = Path(__file__).resolve().parents[2] / "backend"
    naming = [
        str(path.relative_to(backend))
        for path in backend.rglob("*.py")
        for line in path.read_text().splitlines()
        if '"Europe/London"' in line and not line.lstrip().startswith("#")
    ]
    assert naming == ["core/zones.py"]


def test_dates_are_worded_in_one_place_only() -> None:
    # One formatter (core/wording.py) for explanations, reminders, plan checks and feeds: a second
    # table of month names is how "Wed 6 Jan" and "Wednesday 6 January" drift apart.
    from pathlib import Path

    backend = Path(__file__).resolve().parents[2] / "backend"
    naming = sorted(
        str(path.relative_to(backend))
        for path in backend.rglob("*.py")
        if '"Jan"' in path.read_text() or '"January"' in path.read_text() or "%b" in path.read_text()
    )
    assert naming == ["core/wording.py"]
