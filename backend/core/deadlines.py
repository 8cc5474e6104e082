"""Deadlines that are not visits: when a conference, review, assessment, plan or write-up is due.

A functional core, as ``scheduling.py``: a ``Case``, the evaluation date, a ``Profile`` (its
``deadlines``, see ``deadline_rules.py``) and a ``WorkingCalendar`` in; frozen ``Deadline``
objects out, sorted by due date. The contract, in words:

- A deadline met by its event (or a visit's ``written_up`` date) on or before ``today``
  disappears; one that passed unmet stays ``overdue``. ``status`` is worded as for obligations.
- Events and write-ups count only on or before ``today``; a meeting dated later is scheduled,
  and gives only its backward deadlines (a report shared before a conference), which are
  shown until the meeting's day.
- One deadline per kind (the earliest of every rule for it: statute is the floor and a local
  standard only brings it forward), except write-ups (one per visit) and backward deadlines
  (one per scheduled meeting). A repeating clock counts from its latest trigger only (a new
  initial conference restarts the core groups and review conferences).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from .calendars import WorkingCalendar
from .cases import Case, Visit
from .deadline_rules import DeadlineRule, SchoolTerm, Step
from .deadline_terms import termly_due
from .errors import CalendarRangeError
from .explanations import holiday_clause
from .hours import HourClock
from .intervals import Interval, plus_months
from .phases import birthday
from .scheduling import DUE_SOON_WORKING_DAYS, due_status
from .vocabulary import EVENT_TYPES, IN_PERSON_CONTACT_KINDS
from .wording import long_date, short_date


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: date
    status: str
    rule: str
    explanation: str
    due_at: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON shape shared by the ``due`` command and the deadlines endpoint."""
        return {
            "kind": self.kind,
            "due": self.due.isoformat(),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "status": self.status,
            "rule": self.rule,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Candidate:
    """One deadline before its status: when, why (the words after the label), and the count to explain."""

    rule: DeadlineRule
    due: date
    reason: str
    counted_from: date | None = None
    interval: Interval | None = None
    due_at: datetime | None = None


Period = tuple[date, date | None]


def compute_deadlines(
    case: Case,
    today: date,
    rules: tuple[DeadlineRule, ...],
    calendar: WorkingCalendar,
    terms: tuple[SchoolTerm, ...] = (),
    clock: HourClock | None = None,
) -> tuple[Deadline, ...]:
    """Every open deadline of ``case`` on ``today``, sorted by due date then kind."""
    clock = clock or HourClock(None)
    best: dict[tuple[object, ...], Candidate] = {}
    for rule in rules:
        try:
            found = list(_candidates(rule, case, today, calendar, terms, clock))
        except CalendarRangeError:
            # A count that runs past the working-day calendar's years gives no date to show: the
            # rule is left out rather than failing the whole list of the child.
            continue
        for key, candidate in found:
            current = best.get(key)
            if current is None or candidate.due < current.due:
                best[key] = candidate
    soon_limit = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    deadlines = [_deadline(candidate, today, soon_limit, calendar) for candidate in best.values()]
    deadlines.sort(key=lambda deadline: (deadline.due, deadline.kind, deadline.rule))
    return tuple(deadlines)


def _deadline(candidate: Candidate, today: date, soon_limit: date, calendar: WorkingCalendar) -> Deadline:
    rule, due = candidate.rule, candidate.due
    holidays = ""
    if candidate.interval is not None and candidate.counted_from is not None:
        holidays = holiday_clause(candidate.interval, candidate.counted_from, due, calendar)
    sentence = f"{rule.label}: {candidate.reason}{holidays}, so due {long_date(due)}"
    if candidate.due_at is not None:
        sentence += f" at {candidate.due_at.strftime('%H:%M')}"
    return Deadline(
        rule.kind,
        due,
        due_status(due, today, soon_limit),
        rule.id,
        f"{sentence}.{rule.source.closing}",
        candidate.due_at,
    )


def _candidates(
    rule: DeadlineRule,
    case: Case,
    today: date,
    calendar: WorkingCalendar,
    terms: tuple[SchoolTerm, ...],
    clock: HourClock,
) -> Iterator[tuple[tuple[object, ...], Candidate]]:
    if rule.before is not None:
        yield from _backward(rule, case, today, calendar)
    elif rule.trigger.kind == "visit":
        yield from _write_ups(rule, case, today, calendar, clock)
    else:
        occurrences = _occurrences(rule, case, today)
        if rule.then or rule.termly:
            occurrences = occurrences[-1:]  # a repeating clock restarts at its latest trigger
        for start, what in occurrences:
            found = _clock(rule, case, start, what, today, calendar, terms, clock)
            if found is not None:
                yield (rule.kind,), found


def _write_ups(
    rule: DeadlineRule, case: Case, today: date, calendar: WorkingCalendar, clock: HourClock
) -> Iterator[tuple[tuple[object, ...], Candidate]]:
    assert rule.within is not None
    periods = _periods(case, rule.plan_types) if rule.plan_types is not None else None
    for index, visit in enumerate(case.visits):
        if visit.date > today or (visit.written_up is not None and visit.written_up <= today):
            continue
        if not rule.any_contact and visit.kind not in IN_PERSON_CONTACT_KINDS:
            continue
        if periods is not None and not any(_within(period, visit.date) for period in periods):
            continue
        due, due_at = clock.after(rule.within, visit.date, None, calendar)
        reason = f"the {_visit_words(visit)} on {short_date(visit.date)} written up within {rule.within.describe()}"
        yield (rule.kind, index), Candidate(rule, due, reason, visit.date, rule.within, due_at)


def _visit_words(visit: Visit) -> str:
    return "visit" if visit.kind in IN_PERSON_CONTACT_KINDS else "contact"


def _occurrences(rule: DeadlineRule, case: Case, today: date) -> list[tuple[date, str]]:
    """The dates the rule's clock starts, each with its words, in date order; only those
    in a period of the rule's plans that is still running, and not stopped by a plan's end."""
    trigger = rule.trigger
    periods = _periods(case, rule.plan_types) if rule.plan_types is not None else None
    found: list[tuple[date, str]] = []
    if trigger.kind == "event":
        name = EVENT_TYPES[trigger.event_type or ""]
        found = [(e.date, f"the {name}") for e in case.events if e.type == trigger.event_type and e.date <= today]
        if periods is not None:
            found = [item for item in found if any(_within(p, item[0]) and _running(p, today) for p in periods)]
    elif periods is not None and trigger.kind == "start":
        found = [(start, "the start") for start, end in periods if _running((start, end), today)]
    elif periods is not None and trigger.kind == "birthday" and case.date_of_birth is not None:
        turns = birthday(case.date_of_birth, trigger.years or 0)
        for start, end in periods:
            if _running((start, end), today) and (end is None or end > turns):
                found.append((turns, f"the {trigger.years}th birthday") if start <= turns else (start, "the start"))
    if trigger.offset is not None:
        found = [
            (trigger.offset.after(day, _NO_WORKING_DAYS), f"{trigger.offset.describe()} after {what}")
            for day, what in found
        ]
    found = [item for item in found if item[0] <= today or rule.within is not None]
    return sorted(item for item in found if not _stopped(rule, case, item[0], today))


class _CalendarDays:
    """Trigger offsets are calendar lengths ("9 months after the 16th birthday"), checked at load."""

    def add_working_days(self, day: date, count: int) -> date:
        raise AssertionError("a trigger's offset is never in working days")


_NO_WORKING_DAYS = _CalendarDays()


def _clock(
    rule: DeadlineRule,
    case: Case,
    start: date,
    what: str,
    today: date,
    calendar: WorkingCalendar,
    terms: tuple[SchoolTerm, ...],
    clock: HourClock,
) -> Candidate | None:
    meet_from = _before(rule.early, start, calendar) if rule.early is not None else start
    met_by = set(rule.met_by)
    meetings = sorted({e.date for e in case.events if e.type in met_by and meet_from <= e.date <= today})
    if rule.within is None:
        meetings = sorted({start, *(day for day in meetings if day >= start)})
    elif not meetings:
        due, due_at = clock.after(rule.within, start, None, calendar)
        reason = f"within {rule.within.describe()} of {what} on {short_date(start)}"
        return Candidate(rule, due, reason, start, rule.within, due_at)
    if rule.termly:
        found = termly_due(rule.school_age, case.date_of_birth, meetings, terms, today)
        return Candidate(rule, found[0], found[1]) if found else None
    if not rule.then:
        return None  # met
    due, every = _next_after(rule.then, meetings, case.date_of_birth, calendar)
    last = meetings[-1]
    met_name = EVENT_TYPES[rule.met_by[0]] if rule.met_by else "meeting"
    return Candidate(
        rule, due, f"{every.describe_every()} since the {met_name} on {short_date(last)}", last, every, None
    )


def _next_after(
    steps: tuple[Step, ...], meetings: list[date], date_of_birth: date | None, calendar: WorkingCalendar
) -> tuple[date, Interval]:
    """The engine's phase rule over the steps in force: max(step start, last + every), kept
    only when it falls before the next step starts (or the step is the last)."""
    last = meetings[-1]
    in_force: list[tuple[date, int, Step]] = []
    for position, step in enumerate(steps):
        if step.start == "start":
            in_force.append((date.min, position, step))
        elif step.start == "meeting" and step.number <= len(meetings):
            in_force.append((meetings[step.number - 1], position, step))
        elif step.start == "birthday" and date_of_birth is not None:
            in_force.append((birthday(date_of_birth, step.number), position, step))
    in_force.sort(key=lambda item: (item[0], item[1]))
    best: tuple[date, Interval] | None = None
    for index, (step_start, _, step) in enumerate(in_force):
        due = max(step_start, step.every.after(last, calendar))
        if (index == len(in_force) - 1 or due < in_force[index + 1][0]) and (best is None or due < best[0]):
            best = (due, step.every)
    assert best is not None  # the last step always gives one
    return best


def _backward(
    rule: DeadlineRule, case: Case, today: date, calendar: WorkingCalendar
) -> Iterator[tuple[tuple[object, ...], Candidate]]:
    """``by`` before each meeting of the ``before`` type on or after ``today`` (a scheduled one)."""
    assert rule.by is not None
    meeting_days = sorted({e.date for e in case.events if e.type == rule.before})
    met_days = [e.date for e in case.events if e.type in rule.met_by and e.date <= today]
    name = EVENT_TYPES[rule.before or ""]
    previous = date.min
    for day in meeting_days:
        if day >= today and not any(previous < met <= day for met in met_days):
            due = _before(rule.by, day, calendar)
            reason = f"at least {rule.by.describe()} before the {name} on {short_date(day)}"
            yield (rule.kind, day), Candidate(rule, due, reason)
        previous = day


def _before(length: Interval, day: date, calendar: WorkingCalendar) -> date:
    if length.unit == "working_days":
        return calendar.subtract_working_days(day, length.count)
    if length.fixed_length is not None:
        return (datetime.combine(day, datetime.min.time()) - length.fixed_length).date()
    return plus_months(day, -(length.count * (12 if length.unit == "years" else 1)))


def _periods(case: Case, plan_types: frozenset[str] | None) -> list[Period]:
    """Unbroken runs of episodes of these plan types (a move between placements is no gap)."""
    # An open episode (no end) sorts after an ended one of the same start: comparing None with a date
    # would raise where two episodes share a start.
    spans = sorted(
        ((e.start, e.end) for e in case.episodes if plan_types is None or e.type in plan_types),
        key=lambda span: (span[0], span[1] or date.max),
    )
    merged: list[Period] = []
    for start, end in spans:
        if merged and (merged[-1][1] is None or merged[-1][1] >= start):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def _within(period: Period, day: date) -> bool:
    return period[0] <= day and (period[1] is None or day < period[1])


def _running(period: Period, today: date) -> bool:
    return period[0] <= today and (period[1] is None or period[1] > today)


def _stopped(rule: DeadlineRule, case: Case, start: date, today: date) -> bool:
    """An episode of ``ends_with_plan`` ended after the clock started, by ``today``."""
    if rule.ends_with_plan is None:
        return False
    return any(
        episode.type in rule.ends_with_plan and episode.end is not None and start < episode.end <= today
        for episode in case.episodes
        if episode.start <= today
    )
