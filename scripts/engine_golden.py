#!/usr/bin/env python3
"""A fingerprint of the engine's answers for a few thousand varied synthetic cases per profile.

Speed work on ``backend/core`` must not change one answer. This script generates cases
that exercise every plan type, placement, legal status, event type (with and without a
time), contact kind, attempts, ages across the birthdays rules switch on, and per-child
overrides, then hashes every obligation (all its JSON fields) and unscheduled plan.
``tests/unit/test_engine_golden.py`` compares the hashes with those recorded in
``tests/unit/engine_golden.json`` before the engine was optimised.

Run from the repository root:
- ``.venv/bin/python scripts/engine_golden.py`` prints the fingerprints;
- ``--write`` records them (only when an answer is meant to change, with the reason in the commit);
- ``--dump DIR`` writes every case's answers as JSON lines, to diff two versions of the engine.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.core.calendars import build_calendar  # noqa: E402
from backend.core.cases import Case, Episode, Event, Override, Visit  # noqa: E402
from backend.core.coverage import unscheduled_episodes  # noqa: E402
from backend.core.hours import HourClock  # noqa: E402
from backend.core.intervals import parse_interval  # noqa: E402
from backend.core.scheduling import compute_obligations  # noqa: E402
from backend.core.vocabulary import (  # noqa: E402
    CONTACT_KINDS,
    EVENT_TYPES,
    LEGAL_STATUSES,
    PLACEMENTS,
    PLAN_TYPES,
    VISIT_ROLES,
)
from backend.persistence.rules_files import load_profiles  # noqa: E402

RECORDED = Path(__file__).resolve().parent.parent / "tests" / "unit" / "engine_golden.json"
SEED, CASES = 13, 3000
TODAYS = (date(2026, 11, 23), date(2026, 12, 24), date(2027, 3, 28))
# The event types there were when the fingerprints were recorded: later ones (the meetings that
# start or meet a deadline) are appended after them, and drawing from more would change every case.
RECORDED_EVENT_TYPES = tuple(EVENT_TYPES)[:18]


def synthetic_cases(seed: int = SEED, count: int = CASES) -> Iterator[tuple[Case, date]]:
    rng = random.Random(seed)
    for number in range(count):
        yield _case(rng, number), rng.choice(TODAYS)


def _case(rng: random.Random, number: int) -> Case:
    today = TODAYS[0]
    first = today - timedelta(days=rng.randint(5, 900))
    dob = None if rng.random() < 0.05 else first - timedelta(days=rng.randint(0, 20 * 365))
    episodes = _episodes(rng, first, today)
    events = tuple(_event(rng, first, today) for _ in range(rng.randint(0, 6)))
    visits = tuple(_visit(rng, first, today) for _ in range(rng.randint(0, 25)))
    overrides = tuple(_override(rng, first, today) for _ in range(1 if rng.random() < 0.1 else 0))
    return Case(f"G-{number}", "", dob, _with_carer_households(episodes, number), events, visits, overrides)


def _with_carer_households(episodes: tuple[Episode, ...], number: int) -> tuple[Episode, ...]:
    """Every third case's placements name a carer household. Chosen by the case's number, not
    drawn from the generator, so every other answer of the recorded cases stays as it was."""
    if number % 3:
        return episodes
    return tuple(
        dataclasses.replace(episode, carer_household=f"H-{number % 7}") if episode.placement else episode
        for episode in episodes
    )


def _episodes(rng: random.Random, start: date, today: date) -> tuple[Episode, ...]:
    episodes = []
    plan = rng.choice(list(PLAN_TYPES))
    for _ in range(rng.randint(1, 3)):
        # Mostly moves within one plan (periods of care), sometimes a new plan or a gap.
        if rng.random() < 0.3:
            plan = rng.choice(list(PLAN_TYPES))
        end = start + timedelta(days=rng.randint(10, 400))
        placement = rng.choice([None, *PLACEMENTS]) if rng.random() < 0.8 else None
        legal = rng.choice([None, *LEGAL_STATUSES])
        episodes.append(Episode(plan, start, end, placement, legal))
        start = end + timedelta(days=rng.choice([0, 0, 0, 3]))
    last = episodes[-1]
    if rng.random() < 0.8:
        episodes[-1] = Episode(last.type, last.start, None, last.placement, last.legal_status)
    return tuple(episodes)


def _event(rng: random.Random, first: date, today: date) -> Event:
    day = first + timedelta(days=rng.randint(-10, (today - first).days + 120))
    at = time(rng.randrange(24), rng.choice([0, 15, 30, 45])) if rng.random() < 0.5 else None
    kind = rng.choice(RECORDED_EVENT_TYPES)
    role = rng.choice(list(VISIT_ROLES)) if kind == "allocated" and rng.random() < 0.8 else None
    return Event(kind, day, at, role)


def _visit(rng: random.Random, first: date, today: date) -> Visit:
    day = first + timedelta(days=rng.randint(-30, (today - first).days + 120))
    role = rng.choice(["social_worker"] * 4 + list(VISIT_ROLES))
    kind = rng.choice(["home_visit"] * 6 + list(CONTACT_KINDS))
    return Visit(day, role, rng.random() > 0.1, kind)


def _override(rng: random.Random, first: date, today: date) -> Override:
    start = first + timedelta(days=rng.randint(0, (today - first).days + 30))
    until = None if rng.random() < 0.5 else start + timedelta(days=rng.randint(0, 200))
    every = parse_interval(rng.choice(["5 working days", "1 week", "10 days", "2 weeks", "1 month"]))
    return Override(rng.choice(["social_worker", "personal_adviser"]), every, start, until, "agreed")


def answers(case: Case, today: date, profile: object, calendar: object, clock: HourClock) -> dict[str, object]:
    obligations = compute_obligations(case, today, profile, calendar, clock)  # type: ignore[arg-type]
    return {
        "case": case.reference,
        "today": today.isoformat(),
        "obligations": [{**item.as_dict(), "plan_type": item.plan_type} for item in obligations],
        "unscheduled": [item.as_dict() for item in unscheduled_episodes(case, today, profile)],  # type: ignore[arg-type]
    }


def fingerprints(dump: Path | None = None) -> dict[str, str]:
    """The SHA-256 of every answer, per profile."""
    clock = HourClock(ZoneInfo("Europe/London"))
    found = {}
    for name, profile in sorted(load_profiles().items()):
        calendar = build_calendar(profile.region, 2000, 2045, profile.closures)
        digest = hashlib.sha256()
        lines = []
        for case, today in synthetic_cases():
            line = json.dumps(answers(case, today, profile, calendar, clock), sort_keys=True)
            digest.update(line.encode())
            lines.append(line)
        if dump is not None:
            (dump / f"{name}.jsonl").write_text("\n".join(lines) + "\n")
        found[name] = digest.hexdigest()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"record the fingerprints in {RECORDED.name}")
    parser.add_argument("--dump", type=Path, help="write every answer as JSON lines into this folder")
    args = parser.parse_args()
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    found = fingerprints(args.dump)
    print(json.dumps(found, indent=2))
    if args.write:
        RECORDED.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
