"""Children: adding them from a case file, changing them one fact at a time, and reading them back."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.cases import Case, parse_case
from ..core.errors import CalendarRangeError
from ..extensions import db
from ..persistence.case_rows import episode_rows, event_rows, override_rows, visit_row
from ..persistence.children import Allocation, Child, EpisodeRow, EventRow, OverrideRow, VisitRow
from ..persistence.people import Worker
from ..persistence.repository import load_case
from .access import Viewer, may_act_in, require_manager, visible_child, visible_child_ids
from .allocations import give_role
from .audit import note_change, note_refusal
from .caseload import scheduler
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .labels import initials_of
from .overrides import overrides_of
from .visits import visit_as_dict


def case_json(payload: dict[str, Any]) -> dict[str, Any]:
    """The case-file mapping again, with dates as text, so the core checks it as it checks a file."""

    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return {key: plain(value) for key, value in payload.items() if key != "allocations"}


def create_child(viewer: Viewer, payload: dict[str, Any], today: date, route: str) -> str:
    """Add a child from the engine's case JSON (plus optional allocations); returns its id."""
    require_manager(viewer)
    case = parse_case(case_json(payload))
    reject_future_visits(case, today)
    workers = allocation_workers(viewer, payload.get("allocations") or [])
    refuse_taken_reference(viewer, case.reference, route)
    team_id = viewer.team_id if not viewer.is_admin else next((worker.team_id for worker, _ in workers), None)
    child = Child(reference=case.reference, name=case.name, date_of_birth=case.date_of_birth, team_id=team_id)
    db.session.add(child)
    db.session.flush()
    store_case_facts(child.id, case)
    for worker, role in workers:
        db.session.add(Allocation(child_id=child.id, worker_id=worker.id, role=role, starts_on=today))
    note_change(viewer.worker_id, child.id, route)
    commit_or_refuse(viewer, case.reference, route)
    return child.id


def store_case_facts(child_id: str, case: Case) -> None:
    db.session.add_all(EpisodeRow(**row) for row in episode_rows(child_id, case))
    db.session.add_all(EventRow(**row) for row in event_rows(child_id, case))
    db.session.add_all(OverrideRow(**row) for row in override_rows(child_id, case))
    db.session.add_all(VisitRow(**visit_row(child_id, visit)) for visit in case.visits)


def reject_future_visits(case: Case, today: date) -> None:
    for index, visit in enumerate(case.visits):
        if visit.date > today:
            raise InvalidInput.field(f"visits.{index}.date", "A visit cannot be recorded before it happens.")


def allocation_workers(viewer: Viewer, allocations: list[dict[str, Any]]) -> list[tuple[Worker, str]]:
    chosen: list[tuple[Worker, str]] = []
    errors: dict[str, list[str]] = {}
    for index, allocation in enumerate(allocations):
        worker = allocatable_worker(viewer, email=allocation["worker_email"])
        if worker is None:
            errors[f"allocations.{index}.worker_email"] = ["No active worker with this email that you may allocate."]
        elif any(role == allocation["role"] for _, role in chosen):
            errors[f"allocations.{index}.role"] = ["Only one worker per role."]
        else:
            chosen.append((worker, allocation["role"]))
    if errors:
        raise InvalidInput(errors)
    return chosen


def allocatable_worker(viewer: Viewer, *, email: str | None = None, worker_id: str | None = None) -> Worker | None:
    query = select(Worker).where(Worker.active.is_(True))
    query = query.where(Worker.email == email.strip().lower()) if email else query.where(Worker.id == worker_id)
    if not viewer.is_admin:
        query = query.where(Worker.team_id == viewer.team_id)
    return db.session.scalar(query)


# One answer whoever holds the reference (the caller's team, another team, a request that won a
# race), naming nothing of that child. References stay unique across the authority, since two
# records of one child would split their visits, so a refusal cannot look like a success: what
# it tells a manager, that the reference is in use, is audited against the child holding it.
REFERENCE_TAKEN = "This case reference is already in use. If the child is not in your list, ask an admin."


def refuse_taken_reference(viewer: Viewer, reference: str, route: str) -> None:
    holder = db.session.scalar(select(Child.id).where(Child.reference == reference))
    if holder is not None:
        note_refusal(viewer.worker_id, holder, route)
        raise Conflict(REFERENCE_TAKEN)


def commit_or_refuse(viewer: Viewer, reference: str, route: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        refuse_taken_reference(viewer, reference, route)
        raise Conflict(REFERENCE_TAKEN) from None


def child_detail(viewer: Viewer, child_id: str, today: date) -> dict[str, Any]:
    child = visible_child(viewer, child_id, today)
    episodes = db.session.scalars(
        select(EpisodeRow).where(EpisodeRow.child_id == child.id).order_by(EpisodeRow.position, EpisodeRow.start)
    )
    events = db.session.scalars(select(EventRow).where(EventRow.child_id == child.id).order_by(EventRow.date))
    visits = db.session.scalars(
        select(VisitRow)
        .where(VisitRow.child_id == child.id)
        .order_by(VisitRow.date.desc(), VisitRow.recorded_at.desc())
    )
    allocations = db.session.execute(
        select(Allocation, Worker.name)
        .join(Worker, Worker.id == Allocation.worker_id)
        .where(Allocation.child_id == child.id)
        .order_by(Allocation.starts_on.desc(), Allocation.role)
    )
    return {
        "id": child.id,
        "reference": child.reference,
        "name": child.name,
        "initials": initials_of(child.name),
        "date_of_birth": child.date_of_birth,
        "episodes": [episode_as_dict(episode) for episode in episodes],
        "events": [event_as_dict(event) for event in events],
        "visits": [visit_as_dict(visit) for visit in visits],
        "allocations": [allocation_as_dict(allocation, name) for allocation, name in allocations],
        "overrides": overrides_of(child.id),
    }


def visible_children(viewer: Viewer, today: date, query: str | None = None) -> list[dict[str, str]]:
    """The children ``viewer`` sees, by reference; with ``query``, those whose reference holds it
    or whose initials are it (either case): how an admin finds any child."""
    select_children = (
        select(Child.id, Child.reference, Child.name)
        .where(Child.id.in_(visible_child_ids(viewer, today)))
        .order_by(Child.reference)
    )
    wanted = query.strip().upper() if query else None
    children = []
    for child_id, reference, name in db.session.execute(select_children):
        initials = initials_of(name)
        if wanted is None or wanted in reference.upper() or wanted == initials.upper():
            children.append({"id": child_id, "reference": reference, "initials": initials})
    return children


def update_child(viewer: Viewer, child_id: str, changes: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    child = visible_child(viewer, child_id, today)
    require_manager(viewer)
    if "reference" in changes and changes["reference"] != child.reference:
        refuse_taken_reference(viewer, changes["reference"], route)
    for key in ("reference", "name", "date_of_birth"):
        if key in changes:
            setattr(child, key, changes[key])
    note_change(viewer.worker_id, child.id, route)
    commit_or_refuse(viewer, changes.get("reference", child.reference), route)
    return child_detail(viewer, child_id, today)


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
    allocation = give_role(child.id, worker, fields["role"], fields.get("from") or today)
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return allocation_as_dict(allocation, worker.name)


def require_visible_child(viewer: Viewer, child_id: str, today: date) -> None:
    """NotFound unless ``viewer`` may see the child: the access decision alone, made before any cache."""
    visible_child(viewer, child_id, today)


def obligations_of(child_id: str, as_of: date) -> dict[str, list[Any]]:
    """A visible child's obligations and unscheduled plans: exactly what ``flask due`` prints for the
    same case and date (its reference aside), the same for every viewer, so rendered once for all."""
    loaded = load_case(child_id)
    assert loaded is not None
    return {
        "obligations": [obligation.as_dict() for obligation in scheduler().obligations(loaded.case, as_of)],
        "unscheduled": [entry.as_dict() for entry in scheduler().unscheduled(loaded.case, as_of)],
    }


def child_projections(viewer: Viewer, child_id: str, as_of: date, count: int, today: date) -> list[dict[str, Any]]:
    visible_child(viewer, child_id, today)
    loaded = load_case(child_id)
    assert loaded is not None
    roles = [obligation.role for obligation in scheduler().obligations(loaded.case, as_of)]
    return [{"role": role, "dates": projections_in_calendar(loaded.case, as_of, role, count)} for role in roles]


def projections_in_calendar(case: Case, as_of: date, role: str, count: int) -> list[date]:
    """Up to ``count`` projected due dates: fewer where the later ones run past the calendar's last year."""
    for wanted in range(count, 0, -1):
        try:
            return scheduler().projections(case, as_of, role, wanted)
        except CalendarRangeError:
            continue
    return []


def episode_as_dict(episode: EpisodeRow) -> dict[str, Any]:
    return {
        "id": episode.id,
        "type": episode.type,
        "start": episode.start,
        "end": episode.end,
        "placement": episode.placement,
        "legal_status": episode.legal_status,
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
