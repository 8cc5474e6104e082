"""Practice checks: conditions of recent visits that local procedures ask for, shown beside due
dates and never moving one (a visit that missed a condition still met its due date).

A check looks at the last ``visits`` visits of its role in which the child was seen in person,
during an active episode of its plan type, and is raised when none of them met its condition:
``seen_alone``, ``bedroom_seen`` or ``seen_awake``. "On at least alternate occasions" (London
Child Protection Procedures) is ``visits = 2``: two visits in a row without it raise the check.
A condition not recorded (an imported visit, a one-tap visit) is not met: the protective reading,
since the check asks the worker to look, never moves a date. A child with fewer such visits
than ``visits`` is not checked yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .cases import Case, age_on
from .profile_fields import Reader
from .visit_rules import LINE, Source
from .vocabulary import PLAN_TYPES, VISIT_ROLES

CONDITIONS = {
    "seen_alone": "not seen alone",
    "bedroom_seen": "bedroom not seen",
    "seen_awake": "not seen awake",
}


@dataclass(frozen=True)
class PracticeCheck:
    id: str
    condition: str  # a key of CONDITIONS
    plan_type: str
    role: str
    visits: int
    # Whole years on the day checked, inclusive; an unknown date of birth matches (as for rules).
    min_age: int | None
    max_age: int | None
    source: Source
    decision: str = ""

    def since(self, case: Case, today: date) -> date | None:
        """The start of the active episode it checks (the earliest, if several), or None when it
        does not apply on ``today``: no such episode, or the child is older than ``max_age``."""
        age = age_on(case.date_of_birth, today)
        if age is not None and (age < (self.min_age or 0) or (self.max_age is not None and age > self.max_age)):
            return None
        episodes = (episode for episode in case.episodes if episode.type == self.plan_type)
        return min((episode.start for episode in episodes if episode.is_active(today)), default=None)


@dataclass(frozen=True)
class VisitConditions:
    """One visit in person in which the child was seen, with the conditions recorded for it."""

    date: date
    role: str
    seen_alone: bool | None
    bedroom_seen: bool | None
    seen_awake: bool | None

    def met(self, condition: str) -> bool:
        return getattr(self, condition) is True


@dataclass(frozen=True)
class PracticeFlag:
    check: str
    condition: str
    role: str
    # The visits looked at, latest first: none met the condition.
    visits: tuple[date, ...]
    message: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "condition": self.condition,
            "role": self.role,
            "visits": [day.isoformat() for day in self.visits],
            "message": self.message,
            "source": self.source,
        }


def practice_flags(
    checks: Iterable[PracticeCheck], case: Case, visits: Iterable[VisitConditions], today: date
) -> tuple[PracticeFlag, ...]:
    """The checks this case raises on ``today``, given its visits (any order, any roles)."""
    history = sorted((visit for visit in visits if visit.date <= today), key=lambda visit: visit.date, reverse=True)
    flags = []
    for check in checks:
        start = check.since(case, today)
        if start is None:
            continue
        recent = [visit for visit in history if visit.role == check.role and visit.date >= start][: check.visits]
        if len(recent) == check.visits and not any(visit.met(check.condition) for visit in recent):
            flags.append(flag_of(check, recent))
    return tuple(flags)


def unrecorded_conditions(case: Case) -> tuple[VisitConditions, ...]:
    """A case file's visits in which the child was seen in person: a case file records none of
    the conditions, so each is not met (as for a visit imported from one)."""
    return tuple(
        VisitConditions(visit.date, visit.role, None, None, None)
        for visit in case.visits
        if visit.child_seen and visit.in_person
    )


def flag_of(check: PracticeCheck, recent: list[VisitConditions]) -> PracticeFlag:
    what = CONDITIONS[check.condition]
    at = "the last visit" if check.visits == 1 else f"the last {check.visits} visits"
    return PracticeFlag(
        check.id,
        check.condition,
        check.role,
        tuple(visit.date for visit in recent),
        f"{what.capitalize()} at {at}.",
        check.source.cite(),
    )


def parse_practice_checks(reader: Reader, base: Iterable[PracticeCheck] = ()) -> tuple[PracticeCheck, ...]:
    """The profile's ``[[practice_checks]]``, then the base's that none of them stands in for
    (one of the same condition and plan type): a local document's reading replaces the base's."""
    own = tuple(parse_check(reader, index, raw) for index, raw in enumerate(reader.items("practice_checks", [])))
    replaced = {(check.condition, check.plan_type) for check in own}
    return own + tuple(check for check in base if (check.condition, check.plan_type) not in replaced)


def parse_check(profile: Reader, index: int, raw: Any) -> PracticeCheck:
    reader = profile.child(raw, f"practice_checks[{index}].")
    check_id = reader.text("id")
    visits = reader.raw("visits")
    if not isinstance(visits, int) or isinstance(visits, bool) or not 1 <= visits <= 10:
        raise reader.error("visits", "expected a whole number of visits from 1 to 10")
    source = reader.child(reader.raw("source"), "source.")
    return PracticeCheck(
        id=check_id,
        condition=reader.choice("condition", tuple(CONDITIONS)),
        plan_type=reader.choice("plan_type", tuple(PLAN_TYPES)),
        role=reader.choice("role", tuple(VISIT_ROLES)),
        visits=visits,
        min_age=reader.optional_int("min_age"),
        max_age=reader.optional_int("max_age"),
        source=Source(source.text("document"), source.text("section"), source.text("quote"), lines_of(source)),
        decision=reader.text("decision", ""),
    )


def lines_of(reader: Reader) -> tuple[str, ...]:
    values = reader.raw("lines", [])
    if not isinstance(values, list) or not all(isinstance(value, str) and LINE.match(value) for value in values):
        raise reader.error("lines", "expected a list of seed lines like 'S:1173' or 'H:357-358'")
    return tuple(values)
