"""From the engine's obligations to feed entries: what a calendar provider may be shown.

Least data by default: initials (or the case reference when a child has none) and the
plan type; a full name only when an admin has allowed names, because calendar providers
store whatever a feed carries.
"""

from __future__ import annotations

from datetime import date

from backend.core.deadlines import Deadline
from backend.core.scheduling import Obligation
from backend.core.vocabulary import CARER_DUTY_SHORT, DEADLINE_KINDS, PLAN_TYPE_SHORT

from .model import OVERDUE, FeedEntry


def entry_from_obligation(
    *,
    child_key: str,
    label: str,
    reference: str,
    obligation: Obligation,
    url: str,
    episode_start: date,
    projected: tuple[date, ...] = (),
    assignee: str | None = None,
    cover_for: str | None = None,
) -> FeedEntry:
    """One feed entry. Its cycle starts at the last counting visit or, before the first one, ``episode_start``."""
    return FeedEntry(
        child_key=child_key,
        label=label,
        reference=reference,
        plan_label=PLAN_TYPE_SHORT.get(obligation.plan_type, obligation.plan_type),
        role=obligation.role,
        due=obligation.due,
        plan_by=obligation.plan_by,
        status=obligation.status,
        explanation=obligation.explanation,
        url=url,
        cycle_start=obligation.last_visit or episode_start,
        # The engine projects as if each visit is made on its due date; once that date has
        # passed the projection would sit too early, so it is shown again after the next visit.
        projected=() if obligation.status == OVERDUE else projected,
        assignee=assignee,
        cover_for=cover_for,
    )


def entry_from_carer_obligation(
    *,
    carer_id: str,
    label: str,
    reference: str,
    obligation: Obligation,
    url: str,
    assignee: str | None = None,
    cover_for: str | None = None,
) -> FeedEntry:
    """A visit due to a carer. Its key names the duty as well as the carer: a carer's supervisory
    and unannounced visits are due to one role and can share a cycle's start, but are two events.
    Before the first visit, the cycle starts at the due date (a carer has no episode)."""
    return FeedEntry(
        child_key=f"carer:{carer_id}:{obligation.duty}",
        label=label,
        reference=reference,
        plan_label=CARER_DUTY_SHORT.get(obligation.duty, "carer visit"),
        role=obligation.role,
        due=obligation.due,
        plan_by=obligation.plan_by,
        status=obligation.status,
        explanation=obligation.explanation,
        url=url,
        cycle_start=obligation.last_visit or obligation.due,
        assignee=assignee,
        cover_for=cover_for,
    )


def entry_from_deadline(
    *,
    child_id: str,
    label: str,
    reference: str,
    deadline: Deadline,
    url: str,
    assignee: str | None = None,
    cover_for: str | None = None,
) -> FeedEntry:
    """A deadline that is not a visit (a write-up, a core group), on its due day.

    Its key is the child and the rule, and its cycle starts at its due date: a deadline met
    disappears, the next one of a repeating clock (or another visit's write-up) is a new event.
    The kind stands where a visit shows its plan and its role, so the title names it.
    """
    kind = DEADLINE_KINDS.get(deadline.kind, deadline.kind)
    return FeedEntry(
        child_key=f"deadline:{child_id}:{deadline.rule}",
        label=label,
        reference=reference,
        plan_label=kind,
        role=kind,
        due=deadline.due,
        plan_by=deadline.due,
        status=deadline.status,
        explanation=deadline.explanation,
        url=url,
        cycle_start=deadline.due,
        assignee=assignee,
        kind="deadline",
        cover_for=cover_for,
    )
