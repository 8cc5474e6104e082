"""Per-child overrides: a more frequent cadence for one role, agreed by a manager (a plan,
strategy meeting or risk assessment set it; Sefton S:337, S:782, S:858), with the reason and
who agreed it.

The engine only ever lets an override tighten (core/overrides.py): it adds one more candidate
due date, and the earliest wins. A looser ``every`` than the rule's is therefore stored as the
case file stores it and changes nothing: the rule's due date stands, with the rule's
explanation. It is not refused, since whether it is looser depends on the phase the child's
plan is in on each day, which changes while the override runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..core.intervals import parse_interval
from ..extensions import db
from ..persistence.children import Child, OverrideRow
from ..persistence.people import Worker
from .access import Viewer, can_oversee_team, visible_child
from .audit import note_change
from .errors import Forbidden, InvalidInput, NotFound


def require_team_manager(viewer: Viewer, child: Child) -> None:
    """Only the team manager of the child's team, or an admin, agrees a child's cadence."""
    if not (viewer.is_admin or (child.team_id is not None and can_oversee_team(viewer, child.team_id))):
        raise Forbidden("Only the team manager of the child's team or an admin may set or end an override.")


def add_override(viewer: Viewer, child_id: str, fields: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    child = visible_child(viewer, child_id, today)
    require_team_manager(viewer, child)
    override = OverrideRow(
        child_id=child.id,
        role=fields["role"],
        # Stored as the engine writes it, as imports store a case file's (persistence/case_rows.py).
        every=parse_interval(fields["every"]).describe(),
        starts_on=fields["from"],
        until=fields.get("until"),
        reason=fields["reason"],
        agreed_by=viewer.worker_id,
    )
    db.session.add(override)
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return override_as_dict(override, worker_name(viewer.worker_id))


def end_override(
    viewer: Viewer, child_id: str, override_id: str, fields: dict[str, Any], today: date, route: str
) -> dict[str, Any]:
    """Set the last day an override applies (``until: null`` lets it run on again)."""
    child = visible_child(viewer, child_id, today)
    override = db.session.scalar(
        select(OverrideRow).where(OverrideRow.id == override_id, OverrideRow.child_id == child.id)
    )
    if override is None:
        raise NotFound(override_id)
    require_team_manager(viewer, child)
    until = fields["until"]
    if until is not None and until < override.starts_on:
        raise InvalidInput.field(
            "until", f"Ends {until.isoformat()}, before it starts {override.starts_on.isoformat()}."
        )
    override.until = until
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return override_as_dict(override, worker_name(override.agreed_by))


def overrides_of(child_id: str) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(OverrideRow, Worker.name)
        .outerjoin(Worker, Worker.id == OverrideRow.agreed_by)
        .where(OverrideRow.child_id == child_id)
        .order_by(OverrideRow.starts_on, OverrideRow.id)
    )
    return [override_as_dict(override, name) for override, name in rows]


def worker_name(worker_id: str | None) -> str | None:
    return None if worker_id is None else db.session.scalar(select(Worker.name).where(Worker.id == worker_id))


def override_as_dict(override: OverrideRow, agreed_by_name: str | None) -> dict[str, Any]:
    return {
        "id": override.id,
        "role": override.role,
        "every": override.every,
        "from": override.starts_on,
        "until": override.until,
        "reason": override.reason,
        "agreed_by": override.agreed_by,
        "agreed_by_name": agreed_by_name,
    }
