"""Builders for test data: a case with sensible defaults, overridden per test."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core.cases import Case, Episode, Event, Visit


def d(text: str) -> date:
    return date.fromisoformat(text)


def make_case(
    *,
    reference: str = "C-1001",
    episodes: list[tuple[Any, ...]] | None = None,
    events: list[tuple[str, str]] | None = None,
    visits: list[tuple[Any, ...]] | None = None,
    date_of_birth: str | None = "2015-03-02",
) -> Case:
    """episodes: (type, start[, end[, placement]]); events: (type, date); visits: (date[, role[, child_seen]])."""
    built_episodes = tuple(
        Episode(
            item[0], d(item[1]), d(item[2]) if len(item) > 2 and item[2] else None, item[3] if len(item) > 3 else None
        )
        for item in (episodes or [])
    )
    built_events = tuple(Event(kind, d(when)) for kind, when in (events or []))
    built_visits = tuple(
        Visit(d(item[0]), item[1] if len(item) > 1 else "social_worker", item[2] if len(item) > 2 else True)
        for item in (visits or [])
    )
    return Case(
        reference, "Jo Smith", d(date_of_birth) if date_of_birth else None, built_episodes, built_events, built_visits
    )


def make_case_json(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "reference": "C-1001",
        "name": "Jo Smith",
        "date_of_birth": "2015-03-02",
        "episodes": [{"type": "child_in_need", "start": "2026-10-01", "end": None}],
        "events": [],
        "visits": [],
    }
    case.update(overrides)
    return case


def profile_with_carer_rules(*carer_rules: dict[str, object]) -> dict[str, object]:
    """The smallest profile data (one child-in-need rule) with these carer rules, to parse."""
    return {
        "id": "t",
        "name": "T",
        "region": "ENG",
        "rules": [
            {
                "id": "t.cin",
                "plan_type": "child_in_need",
                "role": "social_worker",
                "phases": [{"every": "4 weeks"}],
                "source": {"document": "D", "section": "S", "quote": "Q"},
            }
        ],
        "carer_rules": list(carer_rules),
    }
