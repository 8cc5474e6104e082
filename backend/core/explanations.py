"""One sentence a social worker understands for every due date, with the rule's source.

"Child protection plan: every 10 working days since the visit on 18 Dec 2026;
25 Dec, 28 Dec and 1 Jan are bank holidays, so due Wed 6 Jan 2027."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .intervals import Interval
from .vocabulary import CARER_EVENT_TYPES, EVENT_TYPES
from .wording import day_month, long_date, short_date

if TYPE_CHECKING:
    from .calendars import WorkingCalendar
    from .cases import Episode
    from .profiles import Phase, VisitRule


# Not frozen, with slots: one is built for every rule of every active episode on the scheduler's
# hot path, and a frozen dataclass sets each of its fields through a slow ``object.__setattr__``.
# Nothing changes one after it is built.
@dataclass(slots=True)
class Basis:
    """How a candidate due date arose: which rule, which clock, counted from what."""

    rule: VisitRule
    episode: Episode
    kind: str  # "phase", "first_visit", "trigger" or "override"
    due: date
    since: date
    interval: Interval
    event_type: str | None = None
    phase: Phase | None = None
    phase_start: date | None = None
    from_visit: bool = False
    # The instant, for an hour-counted window ("within 24 hours"), and the event's time it ran from.
    due_at: datetime | None = None
    since_time: time | None = None


ONE_DAY = timedelta(days=1)

# How each duty is met, as explanations name it.
DUTY_WORDS = {
    "visit": "visit",
    "contact": "contact (a call or message counts)",
    "attempt": "attempted visit",
    "unannounced": "unannounced visit",
}


def explain(basis: Basis, plan_by: date, calendar: WorkingCalendar) -> str:
    rule = basis.rule
    what = DUTY_WORDS.get(rule.duty, "visit")
    from_phase_start = _clock_from_phase_start(basis)
    if basis.kind == "first_visit":
        reason = f"first {what} within {basis.interval.describe()} of the start on {short_date(basis.since)}"
    elif basis.kind == "trigger":
        event_type = basis.event_type or ""
        event_name = EVENT_TYPES.get(event_type) or CARER_EVENT_TYPES.get(event_type, event_type or "event")
        at = f" at {basis.since_time.strftime('%H:%M')}" if basis.since_time and basis.due_at else ""
        reason = f"a {what} within {basis.interval.describe()} of the {event_name} on {short_date(basis.since)}{at}"
    else:
        reason = _cadence_reason(basis, from_phase_start)
    counted_from = basis.phase_start if from_phase_start else basis.since
    holidays = holiday_clause(basis.interval, counted_from, basis.due, calendar)
    sentence = f"{rule.label}: {reason}{holidays}, so due {long_date(basis.due)}"
    if basis.due_at is not None:
        sentence += f" at {basis.due_at.strftime('%H:%M')}"
    if plan_by != basis.due:
        sentence += f" (plan by {long_date(plan_by)}, the last working day before)"
    if basis.kind == "override":
        sentence += ". An override only tightens: the profile's own due date applies whenever it is sooner"
    return f"{sentence}.{rule.source.closing}"


def _clock_from_phase_start(basis: Basis) -> bool:
    return basis.kind == "phase" and basis.phase_start is not None and basis.due == basis.phase_start != basis.since


def _cadence_reason(basis: Basis, from_phase_start: bool) -> str:
    every = basis.interval.describe_every()
    if from_phase_start and basis.phase is not None and basis.phase_start is not None:
        last = f"the visit on {short_date(basis.since)}" if basis.from_visit else "the start"
        return (
            f"{every} from {basis.phase.describe_start()} on {short_date(basis.phase_start)}, "
            f"and {last} was already more than {basis.interval.describe()} before then"
        )
    if basis.from_visit:
        return f"{every} since the visit on {short_date(basis.since)}"
    return f"{every} from the start on {short_date(basis.since)}, with no visit since"


def holiday_clause(interval: Interval, after: date | None, due: date, calendar: WorkingCalendar) -> str:
    """Name the bank holidays that pushed a working-day count later; other units skip none."""
    if interval.unit != "working_days" or after is None or after >= due:
        return ""
    upcoming = calendar.next_holiday_on_or_after(after + ONE_DAY)
    if upcoming is None or upcoming > due:
        return ""  # the usual case, found with one search: no holiday in between
    skipped = calendar.holidays_between(after, due)
    if not skipped:
        return ""
    days = [day_month(day) for day, _ in skipped]
    listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
    kind = "non-working day" if any(day in calendar.closure_dates for day, _ in skipped) else "bank holiday"
    verb = "is a" if len(days) == 1 else "are"
    return f"; {listed} {verb} {kind}{'' if len(days) == 1 else 's'}"
