"""Recording the visit a plan was for, in one tap, idempotently.

The visit gets the plan's child, role and kind, and by default the plan's local date; its id
is the client's ``visit_id`` or, when none is sent, one derived from the plan's id, so that a
retried request (or a second tap) finds the visit the first one made. The derivation is keyed
with the app's secret: plan ids are seen by everyone who sees the child, and an id anyone could
compute could be taken first by another worker, leaving the plan impossible to complete.

The visit is recorded through services/visits.py exactly as ``PUT /api/visits/<id>`` records
one, then the plan is marked complete; a request that dies between the two is finished by its
retry.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app

from ..clock import LONDON, today_in_london
from ..extensions import db
from ..persistence.children import VisitRow
from ..persistence.plans import PlanRow
from ..services.access import Viewer
from ..services.audit import note_change
from ..services.errors import Conflict
from ..services.visits import VisitReport, record_visit
from .service import close_plan, current_deadline, own_plan, plan_as_dict

# The unkeyed derivation of earlier versions; still honoured for the planner's own visit, so a
# completion interrupted before an upgrade is finished by its retry without a second visit.
VISIT_FROM_PLAN = uuid.UUID("6f1d3c52-8f0e-4a53-9a57-3b8c2a0e7d41")
# A phone call or a text does not see the child unless the worker says otherwise.
SEEN_BY_DEFAULT = frozenset({"home_visit", "visit_elsewhere", "video"})


@dataclass(frozen=True)
class Completion:
    date: date | None = None
    child_seen: bool | None = None
    seen_alone: bool | None = None
    visit_id: str | None = None


def visit_id_for(plan_id: str, secret: str) -> str:
    """A UUID (version 4 layout) from an HMAC of the plan id: stable for retries, unguessable."""
    digest = hmac.new(secret.encode(), f"visit-from-plan:{plan_id}".encode(), hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def derived_visit_id(viewer: Viewer, row: PlanRow) -> str:
    earlier = db.session.get(VisitRow, str(uuid.uuid5(VISIT_FROM_PLAN, row.id)))
    if (
        earlier is not None
        and earlier.visitor_id == viewer.worker_id
        and earlier.child_id == row.child_id
        and earlier.withdrawn_at is None
    ):
        return earlier.id
    secret = current_app.config["SECRET_KEY"]
    candidate = visit_id_for(row.id, secret)
    # A withdrawn visit reopened the plan (services/visit_withdrawals.py): the next completion
    # takes the next id of a chain, the same for every retry of it.
    while (found := db.session.get(VisitRow, candidate)) is not None and found.withdrawn_at is not None:
        candidate = visit_id_for(f"{row.id}:{candidate}", secret)
    return candidate


def complete_plan(
    viewer: Viewer, plan_id: str, completion: Completion, now: datetime, route: str
) -> tuple[dict[str, Any], bool]:
    """Record the plan's visit and mark the plan complete; returns ({"plan", "visit"}, visit created)."""
    today = today_in_london(now)
    row = own_plan(viewer, db.session.get(PlanRow, plan_id), today, plan_id)
    visit_id = completion.visit_id or row.visit_id or derived_visit_id(viewer, row)
    if row.status == "cancelled":
        raise Conflict("This plan was cancelled; record the visit on its own.")
    if row.status == "completed" and row.visit_id != visit_id:
        raise Conflict("This plan is already completed with another visit.")
    deadline = current_deadline(row, today) if row.status == "planned" else None
    visit, created = record_visit(viewer, visit_id, visit_report(row, completion), today, route)
    # A replay of a completion whose visit was withdrawn since: the withdrawal stands, the plan stays open.
    if row.status == "planned" and visit["withdrawn_at"] is None:
        close_plan(row, "completed", deadline)
        row.visit_id = visit_id
        if not created:  # a new visit was already audited as this request's change
            note_change(viewer.worker_id, row.child_id, route)
        db.session.commit()
    return {"plan": plan_as_dict(viewer, row, now), "visit": visit}, created


def visit_report(row: PlanRow, completion: Completion) -> VisitReport:
    child_seen = completion.child_seen if completion.child_seen is not None else row.kind in SEEN_BY_DEFAULT
    return VisitReport(
        child_id=row.child_id,
        date=completion.date or row.starts_at.astimezone(LONDON).date(),
        role=row.role,
        child_seen=child_seen,
        seen_alone=completion.seen_alone,
        kind=row.kind,
    )
