"""Calendar-feed figures: render times for 25 and 10,000 events (goal: under 5 ms and 0.5 s).

    .venv/bin/python scripts/bench_feeds.py

Each render is timed with the ETag computed over the bytes, as a feed request does; the
best of several runs is reported, beside icalendar's own time for the same 25 events.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.feeds.model import Feed, FeedEntry  # noqa: E402
from backend.feeds.render import feed_etag, render_feed  # noqa: E402

TODAY = date(2026, 11, 23)


def synthetic_entries(count: int) -> tuple[FeedEntry, ...]:
    plan_types = ("CP", "CIN", "cared for", "care leaver")
    return tuple(
        FeedEntry(
            child_key=f"{index:032x}",
            label=f"{chr(65 + index % 26)}.{chr(65 + index // 26 % 26)}.",
            reference=f"C-{10000 + index}",
            plan_label=plan_types[index % 4],
            role="social_worker",
            due=TODAY + timedelta(days=index % 60 - 10),
            plan_by=TODAY + timedelta(days=index % 60 - 10),
            status="overdue" if index % 60 < 10 else "ok",
            explanation="Child in need plan: every 20 working days since the visit on 12 Oct 2026, so due Mon 9 Nov "
            "2026. Source: Working Together to Safeguard Children 2023, Chapter 3: Child in need plans.",
            url=f"https://visits.example.gov.uk/children/{index:032x}",
            cycle_start=TODAY - timedelta(days=20 + index % 30),
        )
        for index in range(count)
    )


def best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def icalendar_seconds(entries: tuple[FeedEntry, ...]) -> float:
    """The same events built and serialised by icalendar, for comparison only."""
    from icalendar import Calendar, Event

    def build() -> bytes:
        calendar = Calendar.new(prodid="-//bench//EN", uid="bench", method="PUBLISH")
        for entry in entries:
            event = Event.new(
                uid=entry.child_key,
                stamp=datetime(2026, 11, 23),
                start=entry.plan_by,
                end=entry.plan_by + timedelta(days=1),
                summary=f"Visit due: {entry.label} ({entry.plan_label})",
                description=entry.explanation,
                url=entry.url,
                sequence=3,
            )
            calendar.add_component(event)
        return calendar.to_ical()

    return best_of(20, build)


def render_figures() -> dict[str, float]:
    figures = {}
    for count, runs in ((25, 200), (10_000, 5)):
        feed = Feed(name="Bench", today=TODAY, entries=synthetic_entries(count))
        figures[f"render_{count}_ms"] = best_of(runs, lambda feed=feed: feed_etag(render_feed(feed))) * 1000
    figures["icalendar_25_ms"] = icalendar_seconds(synthetic_entries(25)) * 1000
    return figures


def main() -> None:
    for name, value in render_figures().items():
        print(f"{name:>24}: {value:8.2f}")


if __name__ == "__main__":
    main()
