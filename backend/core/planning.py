"""Planned contacts: whether a plan answers its due date in time, and what a worker should know.

The engine (scheduling.py) is untouched by planning: a plan never changes a due date; only a
recorded visit in person does. This module reads an ``Obligation`` the engine has already
worked out and says of a plan:

- ``on_time``: the plan's local date is on or before the obligation's ``plan_by`` (the last
  working day on or before the due date) for the planner's role. With no obligation for that
  role there is nothing to be late for, and the plan is on time.
- warnings, each a code and a sentence without personal data (feeds and notifications never
  carry them; the note to self is not read here at all):
  ``after_due`` (after the statutory due date itself) or else ``after_plan_by`` (after the last
  working day before it): only the more serious of the two is given;
  ``not_in_person`` (phone, video and text contacts do not satisfy the visiting cadence);
  ``weekend``; ``bank_holiday`` (or ``closure_day``, a local closure of the calendar's
  profile); ``school_hours`` (see schooling.py); ``in_the_past``.

Which plan answers an obligation: an open plan in person, for the same child and role, dated
after the obligation's last counting visit (a plan on or before that day has been overtaken by
the visit). The earliest such plan is the one that counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from .calendars import WorkingCalendar
from .scheduling import Obligation
from .schooling import is_school_age, is_school_day, overlaps_school_hours
from .vocabulary import CONTACT_KINDS, IN_PERSON_CONTACT_KINDS
from .wording import long_date

SATURDAY = 5
PLAN_STANDINGS = ("on_time", "late", "none")


@dataclass(frozen=True)
class ContactPlan:
    """A planned contact: when it starts (an aware instant), how, and for how long if said."""

    starts_at: datetime
    kind: str
    duration_minutes: int | None = None

    def local_start(self, zone: tzinfo) -> datetime:
        return self.starts_at.astimezone(zone)

    def local_date(self, zone: tzinfo) -> date:
        return self.local_start(zone).date()

    @property
    def duration(self) -> timedelta | None:
        return timedelta(minutes=self.duration_minutes) if self.duration_minutes else None


@dataclass(frozen=True)
class PlanWarning:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Deadline:
    """The dates a plan is judged against: an obligation's due date and its plan-by date."""

    due: date
    plan_by: date

    @classmethod
    def of(cls, obligation: Obligation | None) -> Deadline | None:
        return cls(obligation.due, obligation.plan_by) if obligation is not None else None


@dataclass(frozen=True)
class PlanCheck:
    """What a worker is told about a plan the moment they make it."""

    on_time: bool
    due: date | None
    plan_by: date | None
    warnings: tuple[PlanWarning, ...]


def counts_as_visit(kind: str | None) -> bool:
    """Whether a contact of ``kind`` satisfies a visiting cadence. Visits recorded before
    contacts had kinds (``None``) were visits in person."""
    return kind is None or kind in IN_PERSON_CONTACT_KINDS


def is_on_time(day: date, deadline: Deadline | Obligation | None) -> bool:
    return deadline is None or day <= deadline.plan_by


def check_plan(
    plan: ContactPlan,
    deadline: Deadline | None,
    date_of_birth: date | None,
    calendar: WorkingCalendar,
    zone: tzinfo,
    now: datetime | None,
) -> PlanCheck:
    """On-time and warnings for ``plan`` against the planner's ``deadline`` (None: nothing due).

    ``now`` None leaves out ``in_the_past``: a completed or cancelled plan is meant to be past.
    """
    day = plan.local_date(zone)
    warnings = [
        *deadline_warnings(day, deadline),
        *kind_warnings(plan.kind, deadline),
        *day_warnings(day, calendar),
        *school_warnings(plan, date_of_birth, calendar, zone),
    ]
    if now is not None and plan.starts_at < now:
        warnings.append(PlanWarning("in_the_past", "This time has already passed."))
    return PlanCheck(
        on_time=is_on_time(day, deadline),
        due=deadline.due if deadline else None,
        plan_by=deadline.plan_by if deadline else None,
        warnings=tuple(warnings),
    )


def deadline_warnings(day: date, deadline: Deadline | None) -> list[PlanWarning]:
    if deadline is None:
        return []
    if day > deadline.due:
        return [PlanWarning("after_due", f"After the statutory due date, {describe(deadline.due)}.")]
    if day > deadline.plan_by:
        return [
            PlanWarning(
                "after_plan_by",
                f"After {describe(deadline.plan_by)}, the last working day before the visit is due "
                f"({describe(deadline.due)}).",
            )
        ]
    return []


def kind_warnings(kind: str, deadline: Deadline | None) -> list[PlanWarning]:
    if counts_as_visit(kind):
        return []
    still_due = f" The visit due {describe(deadline.due)} still needs contact in person." if deadline else ""
    return [
        PlanWarning(
            "not_in_person",
            f"A {CONTACT_KINDS[kind].lower()} is recorded but does not count as a visit.{still_due}",
        )
    ]


def day_warnings(day: date, calendar: WorkingCalendar) -> list[PlanWarning]:
    if day.weekday() >= SATURDAY:
        return [PlanWarning("weekend", f"{describe(day)} is a weekend day.")]
    name = calendar.non_working_names.get(day)
    if name is None:
        return []
    if day in calendar.closure_dates:
        return [PlanWarning("closure_day", f"{describe(day)} is a closure day ({name}).")]
    return [PlanWarning("bank_holiday", f"{describe(day)} is a bank holiday ({name}).")]


def school_warnings(
    plan: ContactPlan, date_of_birth: date | None, calendar: WorkingCalendar, zone: tzinfo
) -> list[PlanWarning]:
    start = plan.local_start(zone)
    day = start.date()
    if not (is_school_age(date_of_birth, day) and is_school_day(day, calendar)):
        return []
    if not overlaps_school_hours(start, plan.duration):
        return []
    return [PlanWarning("school_hours", "In school hours (09:00-15:00) on a school day for a school-age child.")]


def answers(obligation: Obligation, day: date, kind: str) -> bool:
    """Whether an open plan on ``day`` of ``kind`` answers ``obligation`` (same child and role)."""
    return counts_as_visit(kind) and (obligation.last_visit is None or day > obligation.last_visit)


def standing(obligation: Obligation, answering_day: date | None) -> str:
    """``on_time``, ``late`` or ``none``: how the earliest answering plan (if any) stands."""
    if answering_day is None:
        return "none"
    return "on_time" if is_on_time(answering_day, obligation) else "late"


def describe(day: date) -> str:
    """A date as a worker reads it: "Tue 24 Nov 2026" (whatever the process locale)."""
    return long_date(day)
