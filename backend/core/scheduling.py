"""When must each worker next see a child, and why: the due-date contract.

A functional core: a ``Case``, the evaluation date, a ``Profile`` and a
``WorkingCalendar`` in; frozen ``Obligation`` objects out. Nothing here reads a clock.

The contract, in words:
- A visit counts for a role when that role made it, the child was seen, and it is on
  or before the evaluation date. Visits before an episode's start count too.
- Only active episodes (start <= today < end) create obligations.
- For each phase of a rule, in force from F until the next phase's start G, the
  candidate is max(F, A + interval), where A is the latest counting visit (or the
  episode start): the time since the last visit never exceeds the gap allowed at that
  moment, and a phase's clock never runs from before it began. A candidate counts only
  if it falls before G (or the phase is the last). The earliest one is the due date.
- A first-visit window (and each trigger event) adds start + window as a candidate
  while no counting visit falls on or after the start (the event).
- One obligation per role and duty: the earliest candidate over all active episodes and
  rules. A ``visit`` duty is met by seeing the child in person, a ``contact`` duty by any
  contact in which the child was reached (a call, a text), an ``attempt`` duty by any
  visit in person, whether or not the child was seen.
- Hour-counted windows ("within 24 hours") run from the event's time (its day's start
  when it has none) and also give ``due_at``, the instant in the profile's time zone.
- A per-child override adds a shorter cadence for one role while it lasts; it never
  removes a due date, so it can only tighten.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime

from .calendars import WorkingCalendar
from .cases import Case, Episode, Event, Visit, age_on
from .explanations import Basis, explain
from .hours import HourClock
from .overrides import override_bases
from .phases import events_of, period_start, phases_in_force
from .profiles import Phase, Profile, VisitRule
from .vocabulary import IN_PERSON_CONTACT_KINDS

DUE_SOON_WORKING_DAYS = 5
STATUSES = ("overdue", "due_today", "due_soon", "ok")


@dataclass(frozen=True)
class Obligation:
    role: str
    due: date
    plan_by: date
    status: str
    last_visit: date | None
    rule: str
    explanation: str
    plan_type: str
    duty: str = "visit"
    due_at: datetime | None = None

    @classmethod
    def built(cls, **values: object) -> Obligation:
        """The same object as ``Obligation(**values)``, every field given, about five times faster.

        A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
        is most of the cost of an obligation on the scheduler's hot path (one for each role of
        each case); filling the instance dictionary at once gives an equal, equally frozen object.
        Every field must be given: ``obligation_of`` gives them all, and a unit test checks the
        result against the constructor's.
        """
        obligation = object.__new__(cls)
        obligation.__dict__.update(values)
        return obligation

    def as_dict(self) -> dict[str, object]:
        """The JSON shape shared by the ``due`` command and the obligations endpoint."""
        return {
            "role": self.role,
            "due": self.due.isoformat(),
            "plan_by": self.plan_by.isoformat(),
            "status": self.status,
            "last_visit": self.last_visit.isoformat() if self.last_visit else None,
            "rule": self.rule,
            "explanation": self.explanation,
            "duty": self.duty,
            "due_at": self.due_at.isoformat() if self.due_at else None,
        }


Key = tuple[str, str]  # (role, duty)


def compute_obligations(
    case: Case, today: date, profile: Profile, calendar: WorkingCalendar, clock: HourClock | None = None
) -> tuple[Obligation, ...]:
    """Every role's and duty's next due date for ``case`` on ``today``, sorted by due date, role, duty.

    ``clock`` turns hour-counted due dates into instants (``due_at``); without one they are
    counted on the wall clock with no time zone.
    """
    clock = clock or HourClock(None)
    latest = latest_counting_visits(case.visits, today)
    best = earliest_bases(case, today, latest, profile, calendar, clock)
    if not best:
        return ()
    soon_limit = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    obligations = [obligation_of(basis, latest.get(key), today, soon_limit, calendar) for key, basis in best.items()]
    if len(obligations) > 1:
        obligations.sort(key=lambda obligation: (obligation.due, obligation.role, obligation.duty))
    return tuple(obligations)


def earliest_bases(
    case: Case, today: date, latest: dict[Key, date], profile: Profile, calendar: WorkingCalendar, clock: HourClock
) -> dict[Key, Basis]:
    """How each role's and duty's earliest due date on ``today`` arose, given ``latest``, the
    latest counting visits (``latest_counting_visits``): the obligations before they are worded.
    A replay of a child's history (core/replay.py) asks only for these."""
    event_types = {event.type for event in case.events}
    best: dict[Key, Basis] = {}
    for episode in case.episodes:
        if episode.is_active(today):
            _episode_bases(best, case, episode, event_types, latest, today, profile, calendar, clock)
    if case.overrides:
        for basis in override_bases(case, today, latest, calendar):
            _keep_earliest(best, (basis.rule.role, "visit"), basis)
    return best


def _episode_bases(
    best: dict[Key, Basis],
    case: Case,
    episode: Episode,
    event_types: set[str],
    latest: dict[Key, date],
    today: date,
    profile: Profile,
    calendar: WorkingCalendar,
    clock: HourClock,
) -> None:
    """Keep in ``best`` the earliest candidate of each rule that applies to one active episode."""
    found = profile.episode_rules(episode.type, episode.placement, episode.legal_status)
    # Most cases have none of the events that drive the event-only rules: one test leaves them all out.
    rules = found.standing if found.on_events.isdisjoint(event_types) else found.every
    age = age_today = None
    if found.age_limited:
        age, age_today = age_on(case.date_of_birth, episode.start), age_on(case.date_of_birth, today)
    for rule in rules:
        if rule.only_on_events and rule.only_on_events.isdisjoint(event_types):
            continue  # a rule driven only by events none of which happened
        if rule.age_limited and not rule.fits_age(age, age_today):
            continue
        if rule.first_placement_only and period_start(case, episode) != episode.start:
            continue
        if rule.without_carer_household and episode.carer_household is not None:
            continue  # the carers' own rules hold this duty (core/carers.py)
        key = rule.key
        basis = earliest_due(rule, episode, case, latest.get(key), today, calendar, clock, event_types)
        if basis is not None:  # _keep_earliest, inline: this loop runs for every rule of every case
            current = best.get(key)
            if current is None or basis.due < current.due:
                best[key] = basis


def _keep_earliest(best: dict[Key, Basis], key: Key, basis: Basis | None) -> None:
    if basis is not None:
        current = best.get(key)
        if current is None or basis.due < current.due:
            best[key] = basis


def latest_counting_visits(visits: tuple[Visit, ...], today: date) -> dict[Key, date]:
    """The latest visit on or before ``today`` that meets each (role, duty)."""
    # Hot path: most records are visits in person with the child seen, which meet every duty;
    # only the rest (calls, attempts) are sorted out by what they meet.
    seen_in_person: dict[str, date] = {}
    latest_seen, earliest, in_person = seen_in_person.get, date.min, IN_PERSON_CONTACT_KINDS
    others = []
    for visit in visits:
        day = visit.date
        if day <= today:
            if visit.child_seen and visit.kind in in_person:
                if day > latest_seen(visit.role, earliest):
                    seen_in_person[visit.role] = day
            else:
                others.append(visit)
    latest: dict[Key, date] = {}
    for role, day in seen_in_person.items():
        latest[(role, "visit")] = latest[(role, "contact")] = latest[(role, "attempt")] = day
    for visit in others:
        for duty in _DUTIES_MET[visit.kind in in_person, visit.child_seen]:
            if visit.date > latest.get((visit.role, duty), earliest):
                latest[(visit.role, duty)] = visit.date
    return latest


# (in person, child seen) -> the duties such a contact meets.
_DUTIES_MET: dict[tuple[bool, bool], tuple[str, ...]] = {
    (True, True): ("visit", "contact", "attempt"),
    (True, False): ("attempt",),
    (False, True): ("contact",),
    (False, False): (),
}


def earliest_due(
    rule: VisitRule,
    episode: Episode,
    case: Case,
    last_visit: date | None,
    today: date,
    calendar: WorkingCalendar,
    clock: HourClock | None = None,
    event_types: AbstractSet[str] | None = None,
) -> Basis | None:
    """The earliest candidate due date one rule gives for one episode, with how it arose;
    None when the rule has no cadence and its first visit and triggers are met.

    ``event_types``, the types of all the case's events when the caller has them, lets a
    trigger whose event never happened be passed over without looking through the events.
    """
    clock = clock or HourClock(None)
    best = _cadence_due(rule, episode, case, last_visit, today, calendar) if rule.phases else None
    if rule.first_visit is not None and (last_visit is None or last_visit < episode.start):
        due, due_at = clock.after(rule.first_visit, episode.start, None, calendar)
        if best is None or due < best.due:
            best = Basis(rule, episode, "first_visit", due, episode.start, rule.first_visit, due_at=due_at)
    for trigger in rule.triggers:
        if event_types is not None and trigger.event_type not in event_types:
            continue
        for event in events_of(case, trigger.event_type, episode, today):
            # A visit on the day of the event meets the trigger; only earlier visits leave it open.
            if (last_visit is None or last_visit < event.date) and _concerns(event, rule):
                due, due_at = clock.after(trigger.within, event.date, event.time, calendar)
                if best is None or due < best.due:
                    best = Basis(
                        rule,
                        episode,
                        "trigger",
                        due,
                        event.date,
                        trigger.within,
                        event_type=event.type,
                        due_at=due_at,
                        since_time=event.time,
                    )
    return best


def _concerns(event: Event, rule: VisitRule) -> bool:
    """An allocation event concerns only the role allocated."""
    return event.role is None or event.role == rule.role


def _cadence_due(
    rule: VisitRule, episode: Episode, case: Case, last_visit: date | None, today: date, calendar: WorkingCalendar
) -> Basis:
    since = last_visit if last_visit is not None else episode.start
    if len(rule.phases) == 1 and not rule.phases_end:
        # Most rules have one phase, in force from the start: the loop below, in one step.
        phase_start, phase = episode.start, rule.phases[0]
        gap_end = phase.every.after(since, calendar)
        due = phase_start if phase_start > gap_end else gap_end
    else:
        due, phase_start, phase = _earliest_phase_due(
            phases_in_force(rule, episode, case, today, calendar), since, calendar
        )
    return Basis(
        rule,
        episode,
        "phase",
        due,
        since,
        phase.every,
        phase=phase,
        phase_start=phase_start,
        from_visit=last_visit is not None,
    )


def _earliest_phase_due(
    phases: list[tuple[date, Phase]], since: date, calendar: WorkingCalendar
) -> tuple[date, date, Phase]:
    """(due, phase start, phase) of the phase giving the earliest due date: the Basis is built once."""
    best: tuple[date, date, Phase] | None = None
    last_index = len(phases) - 1
    for index, (phase_start, phase) in enumerate(phases):
        gap_end = phase.every.after(since, calendar)
        due = phase_start if phase_start > gap_end else gap_end
        if (index == last_index or due < phases[index + 1][0]) and (best is None or due < best[0]):
            best = (due, phase_start, phase)
    assert best is not None  # the last phase always yields a candidate
    return best


def project_due_dates(
    case: Case, today: date, profile: Profile, calendar: WorkingCalendar, role: str, count: int
) -> list[date]:
    """The next ``count`` due dates for ``role`` if each visit is made on its due date, or today
    when that date has passed: an overdue visit can be made no earlier, so the dates start today.

    A projection for planning only: it assumes the plan, placement and events stay as they are.
    """
    projected: list[date] = []
    visits = case.visits
    horizon = today
    for _ in range(count):
        obligations = compute_obligations(replace(case, visits=visits), horizon, profile, calendar)
        due = next(
            (obligation.due for obligation in obligations if obligation.role == role and obligation.duty == "visit"),
            None,
        )
        if due is None:
            break
        due = max(due, today)
        projected.append(due)
        visits = visits + (Visit(due, role, True),)
        horizon = max(horizon, due)
    return projected


def due_status(due: date, today: date, soon_limit: date) -> str:
    """One of STATUSES; ``soon_limit`` is DUE_SOON_WORKING_DAYS working days after ``today``."""
    if due < today:
        return "overdue"
    if due == today:
        return "due_today"
    return "due_soon" if due <= soon_limit else "ok"


def obligation_of(
    basis: Basis, last_visit: date | None, today: date, soon_limit: date, calendar: WorkingCalendar
) -> Obligation:
    due = basis.due
    status = due_status(due, today, soon_limit)
    plan_by = calendar.working_day_on_or_before(due)
    return Obligation.built(
        role=basis.rule.role,
        due=due,
        plan_by=plan_by,
        status=status,
        last_visit=last_visit,
        rule=basis.rule.id,
        explanation=explain(basis, plan_by, calendar),
        plan_type=basis.episode.type,
        duty=basis.rule.duty,
        due_at=basis.due_at,
    )
