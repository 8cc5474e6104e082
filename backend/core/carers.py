"""Carers as visited parties: when must the supervising social worker next visit a carer.

A carer (a foster carer or a connected person) is supervised from their transfer to the
supervising team after approval (from the approval itself when no transfer is recorded: the
earlier date, so never a later first visit) until they stop fostering. Their obligations come
from the profile's carer rules (``carer_rules.py``) and are worked out by the children's
scheduler (``scheduling.earliest_due``) on a one-episode case: the supervision is the episode,
each child joining the household an event. Every carer rule gives at most one obligation per
duty, so three siblings placed together make one visit due, not three.

``parse_carer`` turns the JSON mapping of the API and imports into a frozen ``Carer``, naming
the reference and the field of the first problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .calendars import WorkingCalendar
from .carer_rules import CARER_ROLE, CHILD_JOINED
from .cases import Case, Episode, Event
from .errors import InvalidCase
from .explanations import Basis
from .profiles import Profile
from .scheduling import DUE_SOON_WORKING_DAYS, Obligation, earliest_due, obligation_of
from .visit_rules import VisitRule
from .vocabulary import CARER_TYPES


@dataclass(frozen=True)
class CarerVisit:
    date: date
    unannounced: bool = False


@dataclass(frozen=True)
class Carer:
    reference: str
    name: str
    type: str
    approved: date
    transferred: date | None = None
    ended: date | None = None
    household: str | None = None
    visits: tuple[CarerVisit, ...] = ()
    # The days children joined the household (from their placements naming it), in any order.
    joinings: tuple[date, ...] = ()

    @property
    def supervised_from(self) -> date:
        return self.transferred or self.approved

    def is_active(self, today: date) -> bool:
        return self.supervised_from <= today and (self.ended is None or self.ended > today)


def compute_carer_obligations(
    carer: Carer, today: date, profile: Profile, calendar: WorkingCalendar
) -> tuple[Obligation, ...]:
    """The carer's next due date for each duty ('visit' and 'unannounced'), sorted by due date.

    A visit on or before ``today`` counts for the supervisory duty; an unannounced one for both.
    """
    if not carer.is_active(today):
        return ()
    episode = Episode(carer.type, carer.supervised_from, carer.ended)
    events = tuple(Event(CHILD_JOINED, day) for day in sorted(set(carer.joinings)))
    case = Case(carer.reference, carer.name, None, (episode,), events)
    latest = _latest_visits(carer.visits, today)
    best: dict[str, Basis] = {}
    for carer_rule in profile.carer_rules:
        if not carer_rule.applies_to(carer.type):
            continue
        rule = carer_rule.rule
        if carer_rule.follow_up:
            basis = _follow_up_due(rule, episode, case, carer.visits, today, calendar)
        else:
            basis = earliest_due(rule, episode, case, latest.get(rule.duty), today, calendar)
        if basis is not None and (rule.duty not in best or basis.due < best[rule.duty].due):
            best[rule.duty] = basis
    soon_limit = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    obligations = [obligation_of(basis, latest.get(duty), today, soon_limit, calendar) for duty, basis in best.items()]
    return tuple(sorted(obligations, key=lambda obligation: (obligation.due, obligation.duty)))


def _follow_up_due(
    rule: VisitRule,
    episode: Episode,
    case: Case,
    visits: tuple[CarerVisit, ...],
    today: date,
    calendar: WorkingCalendar,
) -> Basis | None:
    """The earliest open follow-up ("a 28-day visit is also expected") of the children's joinings.

    Each joining is met by the second visit on or after its day: the first is the joining visit
    (``on_child_joining``), so a single visit the day after a placement never meets both.
    """
    days = sorted(visit.date for visit in visits if visit.date <= today)
    best: Basis | None = None
    for event in case.events:
        later = [day for day in days if day >= event.date]
        follow_up = later[1] if len(later) > 1 else None
        one_joining = replace(case, events=(event,))
        basis = earliest_due(rule, episode, one_joining, follow_up, today, calendar)
        if basis is not None and (best is None or basis.due < best.due):
            best = basis
    return best


def _latest_visits(visits: tuple[CarerVisit, ...], today: date) -> dict[str, date]:
    """The latest visit meeting each duty: any visit the supervisory one, an unannounced one both."""
    latest: dict[str, date] = {}
    for visit in visits:
        if visit.date > today:
            continue
        duties = ("visit", "unannounced") if visit.unannounced else ("visit",)
        for duty in duties:
            if visit.date > latest.get(duty, date.min):
                latest[duty] = visit.date
    return latest


def parse_carer(data: Any) -> Carer:
    """Check and freeze one carer mapping (``reference``, ``name``, ``type``, ``approved``, optional
    ``transferred``, ``ended``, ``household``, ``visits``). Unknown keys are left for adapters."""
    if not isinstance(data, Mapping):
        raise InvalidCase(None, "(carer)", "expected a JSON object")
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise InvalidCase(None, "reference", "a non-empty carer reference is required")
    reference = reference.strip()
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InvalidCase(reference, "name", "expected text")
    carer_type = data.get("type")
    if not isinstance(carer_type, str) or carer_type not in CARER_TYPES:
        raise InvalidCase(
            reference, "type", f"unknown carer type {carer_type!r}; expected one of {', '.join(CARER_TYPES)}"
        )
    approved = _date(reference, "approved", data.get("approved"), required=True)
    assert approved is not None
    transferred = _date(reference, "transferred", data.get("transferred"))
    if transferred is not None and transferred < approved:
        raise InvalidCase(reference, "transferred", "a carer is transferred for supervision after approval, not before")
    ended = _date(reference, "ended", data.get("ended"))
    if ended is not None and ended < approved:
        raise InvalidCase(reference, "ended", "ends before the approval")
    household = data.get("household")
    if household is not None and (not isinstance(household, str) or not household.strip() or len(household) > 64):
        raise InvalidCase(reference, "household", "expected a household key of 1 to 64 characters")
    visits = data.get("visits") or []
    if not isinstance(visits, list):
        raise InvalidCase(reference, "visits", "expected a list")
    parsed = tuple(_visit(reference, index, item) for index, item in enumerate(visits))
    return Carer(
        reference,
        name.strip(),
        carer_type,
        approved,
        transferred,
        ended,
        household.strip() if household else None,
        parsed,
    )


def _visit(reference: str, index: int, item: Any) -> CarerVisit:
    field = f"visits[{index}]"
    if not isinstance(item, Mapping):
        raise InvalidCase(reference, field, "expected a JSON object")
    day = _date(reference, f"{field}.date", item.get("date"), required=True)
    assert day is not None
    unannounced = item.get("unannounced", False)
    if not isinstance(unannounced, bool):
        raise InvalidCase(reference, f"{field}.unannounced", "expected true or false")
    return CarerVisit(day, unannounced)


def _date(reference: str, field: str, value: Any, required: bool = False) -> date | None:
    if value is None:
        if required:
            raise InvalidCase(reference, field, "a date (YYYY-MM-DD) is required")
        return None
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise InvalidCase(reference, field, f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidCase(reference, field, f"{value!r} is not a real date") from None


__all__ = ["CARER_ROLE", "Carer", "CarerVisit", "compute_carer_obligations", "parse_carer"]
