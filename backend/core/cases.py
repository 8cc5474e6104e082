"""A child's case as the scheduler sees it: plan episodes, events and visits.

``parse_case`` turns the case-file mapping (the JSON format of the ``due`` command and
``POST /api/children``) into frozen objects, naming the case reference and the field
of the first problem, so a bad import never turns into a child without a schedule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import InvalidCase
from .vocabulary import EVENT_TYPES, PLACEMENTS, PLAN_TYPES, VISIT_ROLES


@dataclass(frozen=True)
class Episode:
    """One plan episode; for a cared-for child, one placement (a move is a new episode)."""

    type: str
    start: date
    end: date | None = None
    placement: str | None = None

    def is_active(self, today: date) -> bool:
        return self.start <= today and (self.end is None or self.end > today)


@dataclass(frozen=True)
class Event:
    type: str
    date: date


@dataclass(frozen=True)
class Visit:
    date: date
    role: str
    child_seen: bool = True


@dataclass(frozen=True)
class Case:
    reference: str
    name: str
    date_of_birth: date | None
    episodes: tuple[Episode, ...]
    events: tuple[Event, ...] = ()
    visits: tuple[Visit, ...] = ()


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
    return Case(reference, name.strip(), dob, episodes, events, visits)


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
    return Episode(plan_type, start, end, placement)


def _parse_event(reference: str, index: int, item: Any) -> Event:
    field = f"events[{index}]"
    item = _mapping(reference, field, item)
    event_type = _choice(reference, f"{field}.type", item.get("type"), EVENT_TYPES, "event type")
    return Event(event_type, _required_date(reference, f"{field}.date", item.get("date")))


def _parse_visit(reference: str, index: int, item: Any) -> Visit:
    field = f"visits[{index}]"
    item = _mapping(reference, field, item)
    visit_date = _required_date(reference, f"{field}.date", item.get("date"))
    role = _choice(reference, f"{field}.role", item.get("role"), VISIT_ROLES, "role")
    child_seen = item.get("child_seen", True)
    if not isinstance(child_seen, bool):
        raise InvalidCase(reference, f"{field}.child_seen", "expected true or false")
    return Visit(visit_date, role, child_seen)


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
