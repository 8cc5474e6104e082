"""Each worker's deadlines that are not visits, due soon or overdue, across their children.

The worker's list ("due this week": a write-up, a core group, a review) and the due-date
reminder read the same answer. A caseload's cases carry only their latest visits
(``load_cases(latest_visits_on=...)``): the visits not yet written up are added back here, the
only part of a child's full history the deadlines need, so it costs one query per caseload.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import current_app

from ..core.cases import Visit
from ..core.deadlines import Deadline
from ..core.labels import initials_of
from ..persistence.repository import LoadedCase
from .scheduler import Scheduler

# "Due this week": the day asked about and the six after it.
WEEK_AHEAD = timedelta(days=6)


@dataclass(frozen=True)
class WorkerDeadline:
    """One deadline of one of the worker's children, as the list and a reminder show it."""

    child_id: str
    reference: str
    initials: str
    deadline: Deadline
    # For a calendar feed where an admin allowed names; never in the JSON nor a reminder.
    full_name: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "child_id": self.child_id,
            "reference": self.reference,
            "initials": self.initials,
            **self.deadline.as_dict(),
        }


def soon_deadlines(loaded: LoadedCase, unwritten: list[Visit], as_of: date, until: date) -> list[WorkerDeadline]:
    """The child's deadlines on ``as_of`` that are overdue or due by ``until``."""
    known = set(loaded.case.visits)
    visits = tuple(
        sorted(
            (*loaded.case.visits, *(visit for visit in unwritten if visit not in known)), key=lambda visit: visit.date
        )
    )
    scheduler: Scheduler = current_app.extensions["scheduler"]
    child = loaded.child
    return [
        WorkerDeadline(child.id, child.reference, initials_of(child.name), deadline, child.name)
        for deadline in scheduler.deadlines(replace(loaded.case, visits=visits), as_of)
        if deadline.status == "overdue" or deadline.due <= until
    ]


def sort_key(entry: WorkerDeadline) -> tuple[date, str, str, str]:
    return (entry.deadline.due, entry.deadline.kind, entry.reference, entry.deadline.rule)


def deadline_identity(entry: WorkerDeadline) -> tuple[str, str, date]:
    """One deadline of one child, whoever holds the child (a child two workers hold has one)."""
    return (entry.child_id, entry.deadline.rule, entry.deadline.due)
