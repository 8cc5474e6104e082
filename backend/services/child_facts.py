"""Changing a child's schedule one fact at a time: plan episodes, events and who holds each role.

Each change is allowed only to a worker whose visits it moves (or a manager), is noted in the
audit log and committed here; ``services/children.py`` adds children and reads them back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..persistence.children import Allocation, EpisodeRow, EventRow
from .access import Viewer, may_act_in, require_manager, visible_child
from .allocations import allocatable_worker, give_role
from .audit import note_change
from .caseload import scheduler
from .errors import Forbidden, InvalidInput, NotFound


def add_episode(viewer: Viewer, child_id: str, fields: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    child = visible_child(viewer, child_id, today)
    require_episode_role(viewer, child.id, fields["type"], today)
    check_episode_dates(fields["start"], fields.get("end"))
    position = db.session.scalar(
        select(func.coalesce(func.max(EpisodeRow.position) + 1, 0)).where(EpisodeRow.child_id == child.id)
    )
    episode = EpisodeRow(
        child_id=child.id,
        type=fields["type"],
        start=fields["start"],
        end=fields.get("end"),
        placement=fields.get("placement"),
        legal_status=fields.get("legal_status"),
        carer_household=fields.get("carer_household"),
        position=position,
    )
    db.session.add(episode)
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return episode_as_dict(episode)


def change_episode(
    viewer: Viewer, child_id: str, episode_id: str, fields: dict[str, Any], today: date, route: str
) -> dict[str, Any]:
    """End (or re-open, with ``end: null``) a plan episode, or record its legal status as it now
    stands. The engine reads an episode's legal status as holding for the whole episode (it picks
    the rules that apply) and a care order from its ``care_order_made`` event (reg 28(5)'s visit
    within a week runs from the order), so a status change stays on the same episode: a new
    episode would be a new placement to the engine, restarting reg 28(2)'s first week."""
    child = visible_child(viewer, child_id, today)
    episode = db.session.scalar(select(EpisodeRow).where(EpisodeRow.id == episode_id, EpisodeRow.child_id == child.id))
    if episode is None:
        raise NotFound(episode_id)
    require_episode_role(viewer, child.id, episode.type, today)
    if "end" in fields:
        check_episode_dates(episode.start, fields["end"])
        episode.end = fields["end"]
    if "legal_status" in fields:
        episode.legal_status = fields["legal_status"]
    if "carer_household" in fields:
        episode.carer_household = fields["carer_household"]
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return episode_as_dict(episode)


def require_episode_role(viewer: Viewer, child_id: str, plan_type: str, today: date) -> None:
    """An episode sets whose visits are due: a worker may add, end or re-open one only when the
    rules visit its plan type in a role allocated to them for the child, so a personal adviser
    cannot end the child protection plan a social worker visits. Rules for any plan (a return
    interview after a missing episode) react to events, not to the plan, so they do not count."""
    roles = {rule.role for rule in scheduler().profile().rules_of_type(plan_type)}
    require_duty_role(viewer, child_id, roles, f"{plan_type} episodes", today)


def require_event_role(viewer: Viewer, child_id: str, event_type: str, event_role: str | None, today: date) -> None:
    """An event can start, speed up or slow down a role's visits (a long-term home agreed): only
    a worker holding a role whose rules react to it may record it."""
    roles = {
        rule.role
        for rule in scheduler().profile().rules
        if any(trigger.event_type == event_type for trigger in rule.triggers)
        or any(anchor.event_type == event_type for phase in rule.phases for anchor in phase.starts)
    }
    if event_role is not None:
        # An event naming a role (an allocation) concerns that role's duties only, as the engine reads it.
        roles &= {event_role}
    require_duty_role(viewer, child_id, roles, f"{event_type} events", today)


def require_duty_role(viewer: Viewer, child_id: str, roles: set[str], what: str, today: date) -> None:
    """Forbidden unless the viewer may act in one of ``roles`` (the roles whose visits the
    change moves; managers and admins always). A change no rule reacts to moves nobody's duty."""
    if roles and not may_act_in(viewer, child_id, roles, today):
        raise Forbidden(f"{what} set visits in the role {' or '.join(sorted(roles))}, not yours for this child.")


def check_episode_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise InvalidInput.field("end", f"Ends {end.isoformat()}, before it starts {start.isoformat()}.")


def add_event(viewer: Viewer, child_id: str, fields: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    child = visible_child(viewer, child_id, today)
    require_event_role(viewer, child.id, fields["type"], fields.get("role"), today)
    event = EventRow(
        child_id=child.id, type=fields["type"], date=fields["date"], time=fields.get("time"), role=fields.get("role")
    )
    db.session.add(event)
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return event_as_dict(event)


def reallocate(viewer: Viewer, child_id: str, fields: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    """Give the child's ``role`` to a worker from ``from`` on, ending whoever held it (history is kept)."""
    child = visible_child(viewer, child_id, today)
    require_manager(viewer)
    worker = allocatable_worker(viewer, email=fields.get("worker_email"), worker_id=fields.get("worker_id"))
    if worker is None:
        field = "worker_email" if fields.get("worker_email") else "worker_id"
        raise InvalidInput.field(field, "No active worker with this id that you may allocate.")
    allocation = give_role(child.id, worker, fields["role"], fields.get("from") or today, today)
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return allocation_as_dict(allocation, worker.name)


def episode_as_dict(episode: EpisodeRow) -> dict[str, Any]:
    return {
        "id": episode.id,
        "type": episode.type,
        "start": episode.start,
        "end": episode.end,
        "placement": episode.placement,
        "legal_status": episode.legal_status,
        "carer_household": episode.carer_household,
    }


def event_as_dict(event: EventRow) -> dict[str, Any]:
    return {"id": event.id, "type": event.type, "date": event.date, "time": event.time, "role": event.role}


def allocation_as_dict(allocation: Allocation, worker_name: str) -> dict[str, Any]:
    return {
        "worker_id": allocation.worker_id,
        "worker_name": worker_name,
        "role": allocation.role,
        "from": allocation.starts_on,
        "to": allocation.ends_on,
    }
