"""Builders for calendar-feed tests: single entries, and a small caseload run through the engine.

``golden_feeds()`` is what ``scripts/regenerate_golden_feeds.py`` writes to ``tests/data/``
and what the golden-file test compares with, so both always describe the same feeds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from backend.core.calendars import build_calendar
from backend.core.cases import Case
from backend.core.deadlines import Deadline
from backend.core.labels import child_label
from backend.core.scheduling import compute_obligations, project_due_dates
from backend.feeds.entries import entry_from_deadline, entry_from_obligation
from backend.feeds.model import Feed, FeedEntry, TimedEvent
from backend.persistence.rules_files import load_profiles
from tests.builders import make_case

LONDON = ZoneInfo("Europe/London")
APP = "https://visits.example.gov.uk"
GOLDEN_TODAY = date(2026, 11, 23)


def make_feed_entry(**overrides: Any) -> FeedEntry:
    entry = FeedEntry(
        child_key="child-1",
        label="JS",
        reference="C-1001",
        plan_label="CP",
        role="social_worker",
        due=date(2026, 11, 27),
        plan_by=date(2026, 11, 27),
        status="due_soon",
        explanation="Child protection plan: at least every 10 working days.",
        url=f"{APP}/children/child-1",
        cycle_start=date(2026, 11, 13),
    )
    return replace(entry, **overrides)


def make_timed_event(**overrides: Any) -> TimedEvent:
    starts_at = overrides.pop("starts_at", datetime(2026, 11, 24, 14, 0, tzinfo=LONDON))
    event = TimedEvent(
        key="plan-1",
        summary="Visit planned: JS (CP)",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        description="Home visit",
        url=f"{APP}/children/child-1",
        revised_at=datetime(2026, 11, 20, 9, 30, tzinfo=LONDON),
    )
    return replace(event, **overrides)


def make_feed(*entries: FeedEntry, **overrides: Any) -> Feed:
    feed = Feed(name="Visits due: Sam Patel", today=GOLDEN_TODAY, entries=entries)
    return replace(feed, **overrides)


@dataclass(frozen=True)
class CaseloadChild:
    key: str
    case: Case
    initials: str
    worker: str


def small_caseload() -> list[CaseloadChild]:
    """Five children on 23 November 2026: overdue, due today, due soon, later, and a care leaver."""
    return [
        CaseloadChild(
            "c0001",
            make_case(reference="C-1001", episodes=[("child_protection", "2026-09-01")], visits=[("2026-11-09",)]),
            "JS",
            "Sam Patel",
        ),
        CaseloadChild(
            "c0002",
            make_case(reference="C-1002", episodes=[("child_in_need", "2026-09-01")], visits=[("2026-10-12",)]),
            "AK",
            "Sam Patel",
        ),
        CaseloadChild(
            "c0003",
            make_case(
                reference="C-1003",
                episodes=[("cared_for", "2026-06-01", None, "foster_care")],
                visits=[("2026-10-20",)],
            ),
            "Z.Ó.S.",
            "Sam Patel",
        ),
        CaseloadChild(
            "c0004", make_case(reference="C-1004", episodes=[("child_in_need", "2026-11-16")]), "MB", "Sam Patel"
        ),
        CaseloadChild(
            "c0005",
            make_case(
                reference="C-1005",
                date_of_birth="2007-05-01",
                episodes=[("care_leaver", "2025-05-01")],
                visits=[("2026-09-10", "personal_adviser")],
            ),
            "RT",
            "Lee Ward",
        ),
    ]


FULL_NAMES = {
    "C-1001": "Jo Smith",
    "C-1002": "Amir Khan",
    "C-1003": "Zoë Ó Súilleabháin",
    "C-1004": "Mia Brown",
    "C-1005": "Ryan Taylor",
}


def caseload_entries(
    *, today: date = GOLDEN_TODAY, names_allowed: bool = False, projections: int = 0, team: bool = False
) -> tuple[FeedEntry, ...]:
    profile = load_profiles()["england"]
    calendar = build_calendar(profile.region, 2000, 2045, profile.closures)
    entries = []
    for child in small_caseload():
        if not team and child.worker != "Sam Patel":
            continue
        for obligation in compute_obligations(child.case, today, profile, calendar):
            if team and obligation.status not in ("overdue", "due_today"):
                continue
            projected = project_due_dates(child.case, today, profile, calendar, obligation.role, projections + 1)[1:]
            entries.append(
                entry_from_obligation(
                    child_key=child.key,
                    label=child_label(
                        child.case.reference, child.initials, FULL_NAMES[child.case.reference], names_allowed
                    ),
                    reference=child.case.reference,
                    obligation=obligation,
                    url=f"{APP}/children/{child.key}",
                    episode_start=min(episode.start for episode in child.case.episodes),
                    projected=tuple(calendar.working_day_on_or_before(due) for due in projected),
                    assignee=child.worker if team else None,
                )
            )
    return tuple(entries)


def golden_feeds() -> dict[str, Feed]:
    """The feeds whose bytes are kept in tests/data/*.ics, by file stem."""
    return {
        "feed_worker": make_feed(*caseload_entries()),
        "feed_worker_names": make_feed(*caseload_entries(names_allowed=True)),
        "feed_worker_tentative": make_feed(*caseload_entries(projections=2)),
        "feed_team": make_feed(*caseload_entries(team=True), name="Team overdue and due today: North", scope="team"),
        "feed_empty": make_feed(name="Visits due: Lee Ward"),
        "feed_deadlines": make_feed(*caseload_entries()[:1], *deadline_entries()),
        "feed_planned": make_feed(
            *caseload_entries()[1:],
            timed=(
                make_timed_event(),
                # Sunday 28 March 2027, the day the clocks go forward, and the day after: both 14:00 local.
                make_timed_event(key="plan-2", starts_at=datetime(2027, 3, 28, 14, 0, tzinfo=LONDON)),
                make_timed_event(key="plan-3", starts_at=datetime(2027, 3, 29, 14, 0, tzinfo=LONDON)),
            ),
        ),
    }


def deadline_entries() -> tuple[FeedEntry, ...]:
    """Deadlines that are not visits, one overdue and one ahead, as a worker's feed carries them."""
    deadlines = (
        Deadline(
            "visit_write_up",
            date(2026, 11, 20),
            "overdue",
            "sefton.deadline.visit_write_up",
            "Visit write-up: within 5 working days of the visit on 13 Nov 2026, so due Fri 20 Nov 2026.",
        ),
        Deadline(
            "core_group",
            date(2026, 12, 4),
            "due_soon",
            "england.deadline.core_group",
            "First core group meeting: within 10 working days of the initial child protection conference "
            "on 20 Nov 2026, so due Fri 4 Dec 2026.",
        ),
    )
    return tuple(
        entry_from_deadline(
            child_id=f"child-d{number}",
            label=f"D{number}",
            reference=f"C-90{number}",
            deadline=deadline,
            url=f"https://visits.example.org/children/child-d{number}",
        )
        for number, deadline in enumerate(deadlines, start=1)
    )
