"""Rows to core objects: a child's case, as the engine reads it, loaded in a fixed number of queries.

``load_cases`` takes a subquery of child ids rather than a list, so that loading the
cases of 5 children and of 5,000 issues the same five statements (no N+1, no IN-list
batching).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from ..core.cases import Case, Episode, Event, Override, Visit
from ..core.intervals import parse_interval
from ..extensions import db
from .children import Child, EpisodeRow, EventRow, OverrideRow, VisitRow


@dataclass(frozen=True)
class ChildIdentity:
    """What a caseload row shows about a child; plain values, cheaper to load than ORM rows."""

    id: str
    reference: str
    name: str
    household: str | None = None


@dataclass(frozen=True)
class LoadedCase:
    child: ChildIdentity
    case: Case


def load_cases(child_ids: Select[Any], latest_visits_on: date | None = None) -> list[LoadedCase]:
    """Every child whose id ``child_ids`` selects, with its case, ordered by case reference.

    With ``latest_visits_on``, each case carries only its latest counting visit per role on or
    before that day: all the engine reads when it works out obligations on that day (see
    core/scheduling.py, ``latest_counting_visits``), where the full history is most of what a
    caseload would otherwise load.
    """
    children = [
        (ChildIdentity(child_id, reference, name, household), date_of_birth)
        for child_id, reference, name, household, date_of_birth in db.session.execute(
            select(Child.id, Child.reference, Child.name, Child.household, Child.date_of_birth)
            .where(Child.id.in_(child_ids))
            .order_by(Child.reference)
        )
    ]
    episodes: dict[str, list[Episode]] = defaultdict(list)
    # The carers' household too: where a placement names it, the supervising social worker's
    # visits are the carer's (core/carers.py) and the child's rules for them stand aside.
    for child_id, kind, start, end, placement, legal_status, household_key in db.session.execute(
        select(
            EpisodeRow.child_id,
            EpisodeRow.type,
            EpisodeRow.start,
            EpisodeRow.end,
            EpisodeRow.placement,
            EpisodeRow.legal_status,
            EpisodeRow.carer_household,
        )
        .where(EpisodeRow.child_id.in_(child_ids))
        .order_by(EpisodeRow.child_id, EpisodeRow.position, EpisodeRow.start)
    ):
        episodes[child_id].append(Episode(kind, start, end, placement, legal_status, household_key))
    events: dict[str, list[Event]] = defaultdict(list)
    for child_id, kind, day, at, role in db.session.execute(
        select(EventRow.child_id, EventRow.type, EventRow.date, EventRow.time, EventRow.role).where(
            EventRow.child_id.in_(child_ids)
        )
    ):
        events[child_id].append(Event(kind, day, at, role))
    visits: dict[str, list[Visit]] = defaultdict(list)
    for child_id, day, role, child_seen, contact_kind, written_up in db.session.execute(
        visit_query(child_ids, latest_visits_on)
    ):
        visits[child_id].append(Visit(day, role, child_seen, contact_kind or "home_visit", written_up))
    overrides = load_overrides(child_ids)
    return [
        LoadedCase(
            child,
            replace(
                case_of(child, date_of_birth, episodes[child.id], events[child.id], visits[child.id]),
                overrides=tuple(overrides[child.id]),
            ),
        )
        for child, date_of_birth in children
    ]


def load_overrides(child_ids: Select[Any]) -> dict[str, list[Override]]:
    """Each child's overrides; ``every`` was checked by the core when stored."""
    found: dict[str, list[Override]] = defaultdict(list)
    for row in db.session.scalars(
        select(OverrideRow).where(OverrideRow.child_id.in_(child_ids)).order_by(OverrideRow.starts_on)
    ):
        found[row.child_id].append(Override(row.role, parse_interval(row.every), row.starts_on, row.until, row.reason))
    return found


def visit_query(
    child_ids: Select[Any], latest_on: date | None
) -> Select[str, date, str, bool, str | None, date | None]:
    """The visits and contacts the engine reads. With ``latest_on``, only the latest of each
    role, kind and outcome on or before that day: enough for the engine to find the latest
    visit in person, contact and attempt of each role (core/scheduling.py, ``latest_counting_visits``),
    but not for write-up deadlines, which need every visit (those visits' ``written_up`` is their
    own date, so a trimmed case never shows a write-up as owed). A visit without a kind predates
    kinds and was in person."""
    if latest_on is None:
        return select(
            VisitRow.child_id, VisitRow.date, VisitRow.role, VisitRow.child_seen, VisitRow.kind, VisitRow.written_up
        ).where(VisitRow.child_id.in_(child_ids), not_withdrawn())
    latest = func.max(VisitRow.date)
    return (
        select(VisitRow.child_id, latest, VisitRow.role, VisitRow.child_seen, VisitRow.kind, latest)
        .where(VisitRow.child_id.in_(child_ids), VisitRow.date <= latest_on, not_withdrawn())
        .group_by(VisitRow.child_id, VisitRow.role, VisitRow.child_seen, VisitRow.kind)
    )


def unwritten_visits(child_ids: Select[Any]) -> dict[str, list[Visit]]:
    """Each child's visits not yet written up: what a case trimmed to its latest visits
    (``load_cases(latest_visits_on=...)``) lacks for its write-up deadlines. Usually few rows,
    so a caseload's deadlines cost one query, not every child's full history."""
    found: dict[str, list[Visit]] = defaultdict(list)
    for child_id, day, role, child_seen, contact_kind in db.session.execute(
        select(VisitRow.child_id, VisitRow.date, VisitRow.role, VisitRow.child_seen, VisitRow.kind).where(
            VisitRow.child_id.in_(child_ids), VisitRow.written_up.is_(None), not_withdrawn()
        )
    ):
        found[child_id].append(Visit(day, role, child_seen, contact_kind or "home_visit", None))
    return found


def not_withdrawn() -> ColumnElement[bool]:
    """A visit withdrawn as recorded in error stays in the history but never meets a due date."""
    return VisitRow.withdrawn_at.is_(None)


def load_case(child_id: str) -> LoadedCase | None:
    found = load_cases(select(Child.id).where(Child.id == child_id))
    return found[0] if found else None


def case_of(
    child: ChildIdentity, date_of_birth: date | None, episodes: list[Episode], events: list[Event], visits: list[Visit]
) -> Case:
    return Case(
        reference=child.reference,
        name=child.name,
        date_of_birth=date_of_birth,
        episodes=tuple(episodes),
        events=tuple(sorted(events, key=lambda event: (event.date, event.type))),
        visits=tuple(sorted(visits, key=lambda visit: (visit.date, visit.role))),
        household=child.household,
    )
