"""The latest visits' conditions (seen alone, bedroom seen, seen awake) that the practice checks
read (core/practice_checks.py): a few rows per child whatever its history, in one statement."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select

from ..core.practice_checks import VisitConditions
from ..core.vocabulary import IN_PERSON_CONTACT_KINDS
from ..extensions import db
from .children import VisitRow
from .repository import not_withdrawn


def latest_visit_conditions(child_ids: Select[Any], per_role: int, on: date) -> dict[str, list[VisitConditions]]:
    """Each child's latest ``per_role`` visits of each role on or before ``on`` in which the child
    was seen in person (a visit without a kind predates kinds and was in person), latest first."""
    rank = (
        func.row_number()
        .over(
            partition_by=(VisitRow.child_id, VisitRow.role),
            order_by=(VisitRow.date.desc(), VisitRow.recorded_at.desc(), VisitRow.id),
        )
        .label("rank")
    )
    ranked = (
        select(
            VisitRow.child_id,
            VisitRow.date,
            VisitRow.role,
            VisitRow.seen_alone,
            VisitRow.bedroom_seen,
            VisitRow.seen_awake,
            rank,
        )
        .where(
            VisitRow.child_id.in_(child_ids),
            VisitRow.child_seen.is_(True),
            VisitRow.date <= on,
            or_(VisitRow.kind.is_(None), VisitRow.kind.in_(sorted(IN_PERSON_CONTACT_KINDS))),
            not_withdrawn(),
        )
        .subquery()
    )
    found: dict[str, list[VisitConditions]] = defaultdict(list)
    query = select(ranked).where(ranked.c.rank <= per_role).order_by(ranked.c.child_id, ranked.c.date.desc())
    for child_id, day, role, alone, bedroom, awake, _ in db.session.execute(query):
        found[child_id].append(VisitConditions(day, role, alone, bedroom, awake))
    return found
