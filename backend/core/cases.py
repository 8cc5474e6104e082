"""A child's case as the scheduler sees it: plan episodes, events and visits.

``parse_case`` turns the case-file mapping (the JSON format of the ``due`` command and
``POST /api/children``) into frozen objects, naming the case reference and the field
of the first problem, so a bad import never turns into a child without a schedule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from .errors import InvalidCase
from .intervals import Interval, parse_interval
from .vocabulary import (
    CONTACT_KINDS,
    EVENT_TYPES,
    IN_PERSON_CONTACT_KINDS,
    LEGAL_STATUSES,
    PLACEMENTS,
    PLAN_TYPES,
    VISIT_ROLES,
)


@dataclass(frozen=True, slots=True)
class Episode:
    """One plan episode; for a cared-for child, one placement (a move is a new episode)."""

    type: str
    start: date
    end: date | None = None
    placement: str | None = None
    legal_status: str | None = None
    # The household of the carers the child is placed with (a carer's ``household``): the child
    # joining it makes the carers' visit due (core/carers.py). The child's own rules ignore it.
    carer_household: str | None = None

    def is_active(self, today: date) -> bool:
        return self.start <= today and (self.end is None or self.end > today)


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    date: date
    # Europe/London wall time; hour-counted duties take an event without one at 00:00.
    time: time | None = None
    # The role allocated, for an "allocated" event.
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    date: date
    role: str
    child_seen: bool = True
    kind: str = "home_visit"
    # The day the visit's record was completed (None: not yet); its write-up deadline counts from the visit.
    written_up: dt.date | None = None

    @property
    def in_person(self) -> bool:
        return self.kind in IN_PERSON_CONTACT_KINDS


@dataclass(frozen=True)
class Override:
    """A more frequent cadence for one child (a plan, strategy meeting or manager set it): it only
    ever adds due dates, never removes one."""

    role: str
    every: Interval
    start: date
    until: date | None
    reason: str

    def is_active(self, today: date) -> bool:
        return self.start <= today and (self.until is None or self.until >= today)


@dataclass(frozen=True)
class Case:
    reference: str
    name: str
    date_of_birth: date | None
    episodes: tuple[Episode, ...]
    events: tuple[Event, ...] = ()
    visits: tuple[Visit, ...] = ()
    overrides: tuple[Override, ...] = ()
    # A family or sibling-group key shared by children seen together (never read by the engine).
    household: str | None = None


HOUSEHOLD_MAX = 64


def age_on(date_of_birth: date | None, day: date) -> int | None:
    """Whole years on ``day`` (None for an unknown date of birth)."""
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def parse_case(data: Any) -> Case:
    """Check and freeze one case-file mapping. Unknown keys are left for adapters."""
    if not isinstance(data, Mapping):
        raise InvalidCase(None, "(case)", "expected a JSON object")
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise InvalidCase(None, "reference", "a non-empty case reference is required")
    reference = reference.strip()
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InvalidCase(reference, "name", "expected text")
    dob = _optional_date(reference, "date_of_birth", data.get("date_of_birth"))
    episodes = tuple(
        _parse_episode(reference, index, item) for index, item in enumerate(_list(reference, data, "episodes"))
    )
    events = tuple(_parse_event(reference, index, item) for index, item in enumerate(_list(reference, data, "events")))
    visits = tuple(_parse_visit(reference, index, item) for index, item in enumerate(_list(reference, data, "visits")))
    overrides = tuple(
        _parse_override(reference, index, item) for index, item in enumerate(_list(reference, data, "overrides"))
    )
    household = _household(reference, data.get("household"))
    return Case(reference, name.strip(), dob, episodes, events, visits, overrides, household)


def _household(reference: str, value: Any) -> str | None:
    """A household key: one printable line of at most 64 characters; empty text is none."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > HOUSEHOLD_MAX or not value.isprintable():
        raise InvalidCase(reference, "household", f"expected a key of at most {HOUSEHOLD_MAX} printable characters")
    return value.strip() or None


def future_visit_field(case: Case, today: date) -> tuple[int, str] | None:
    """(index, field) of the first visit dated, or written up, after ``today``: every writer
    refuses a case that records what has not happened yet."""
    for index, visit in enumerate(case.visits):
        if visit.date > today:
            return index, "date"
        if visit.written_up is not None and visit.written_up > today:
            return index, "written_up"
    return None


def _list(reference: str, data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidCase(reference, key, "expected a list")
    return value


def _parse_episode(reference: str, index: int, item: Any) -> Episode:
    field = f"episodes[{index}]"
    item = _mapping(reference, field, item)
    plan_type = _choice(reference, f"{field}.type", item.get("type"), PLAN_TYPES, "plan type")
    start = _required_date(reference, f"{field}.start", item.get("start"))
    end = _optional_date(reference, f"{field}.end", item.get("end"))
    if end is not None and end < start:
        raise InvalidCase(reference, f"{field}.end", f"ends {end.isoformat()}, before it starts {start.isoformat()}")
    placement = item.get("placement")
    if placement is not None:
        placement = _choice(reference, f"{field}.placement", placement, PLACEMENTS, "placement")
    legal_status = item.get("legal_status")
    if legal_status is not None:
        legal_status = _choice(reference, f"{field}.legal_status", legal_status, LEGAL_STATUSES, "legal status")
    carer_household = item.get("carer_household")
    if carer_household is not None and (
        not isinstance(carer_household, str) or not carer_household.strip() or len(carer_household) > 64
    ):
        raise InvalidCase(reference, f"{field}.carer_household", "expected a household key of 1 to 64 characters")
    return Episode(plan_type, start, end, placement, legal_status, carer_household.strip() if carer_household else None)


def _parse_event(reference: str, index: int, item: Any) -> Event:
    field = f"events[{index}]"
    item = _mapping(reference, field, item)
    event_type = _choice(reference, f"{field}.type", item.get("type"), EVENT_TYPES, "event type")
    day = _required_date(reference, f"{field}.date", item.get("date"))
    role = item.get("role")
    if role is not None or event_type == "allocated":
        role = _choice(reference, f"{field}.role", role, VISIT_ROLES, "role")
    return Event(event_type, day, _optional_time(reference, f"{field}.time", item.get("time")), role)


def _optional_time(reference: str, field: str, value: Any) -> time | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":" or not value.replace(":", "").isdigit():
        raise InvalidCase(reference, field, f"{value!r} is not a time in the form HH:MM")
    try:
        return time(int(value[:2]), int(value[3:]))
    except ValueError:
        raise InvalidCase(reference, field, f"{value!r} is not a real time") from None


def _parse_override(reference: str, index: int, item: Any) -> Override:
    field = f"overrides[{index}]"
    item = _mapping(reference, field, item)
    role = _choice(reference, f"{field}.role", item.get("role"), VISIT_ROLES, "role")
    try:
        every = parse_interval(item.get("every"))
    except ValueError as problem:
        raise InvalidCase(reference, f"{field}.every", str(problem)) from None
    start = _required_date(reference, f"{field}.from", item.get("from"))
    until = _optional_date(reference, f"{field}.until", item.get("until"))
    if until is not None and until < start:
        raise InvalidCase(
            reference, f"{field}.until", f"ends {until.isoformat()}, before it starts {start.isoformat()}"
        )
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidCase(reference, f"{field}.reason", "say who agreed the cadence and why")
    return Override(role, every, start, until, reason.strip())


def _parse_visit(reference: str, index: int, item: Any) -> Visit:
    field = f"visits[{index}]"
    item = _mapping(reference, field, item)
    visit_date = _required_date(reference, f"{field}.date", item.get("date"))
    role = _choice(reference, f"{field}.role", item.get("role"), VISIT_ROLES, "role")
    child_seen = item.get("child_seen", True)
    if not isinstance(child_seen, bool):
        raise InvalidCase(reference, f"{field}.child_seen", "expected true or false")
    kind = item.get("kind")
    kind = "home_visit" if kind is None else _choice(reference, f"{field}.kind", kind, CONTACT_KINDS, "contact kind")
    written_up = _optional_date(reference, f"{field}.written_up", item.get("written_up"))
    if written_up is not None and written_up < visit_date:
        raise InvalidCase(reference, f"{field}.written_up", "a visit cannot be written up before it happened")
    return Visit(visit_date, role, child_seen, kind, written_up)


def _mapping(reference: str, field: str, item: Any) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise InvalidCase(reference, field, "expected a JSON object")
    return item


def _choice(reference: str, field: str, value: Any, allowed: Mapping[str, str], what: str) -> str:
    # The isinstance check first: a list or object here is unhashable and would crash the lookup.
    if not isinstance(value, str) or value not in allowed:
        raise InvalidCase(reference, field, f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return str(value)


def _required_date(reference: str, field: str, value: Any) -> date:
    if value is None:
        raise InvalidCase(reference, field, "a date (YYYY-MM-DD) is required")
    return _parse_date(reference, field, value)


def _optional_date(reference: str, field: str, value: Any) -> date | None:
    return None if value is None else _parse_date(reference, field, value)


def _parse_date(reference: str, field: str, value: Any) -> date:
    # fromisoformat in 3.11 also takes '20261102' and week dates; the case format is strictly YYYY-MM-DD.
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise InvalidCase(reference, field, f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidCase(reference, field, f"{value!r} is not a real date") from None
