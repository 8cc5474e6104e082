"""Children: adding them from a case file, changing their record, and reading them back.

Changing their schedule one fact at a time (episodes, events, allocations) is
``services/child_facts.py``'s."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.cases import Case, future_visit_field, parse_case
from ..core.errors import CalendarRangeError
from ..core.labels import initials_of
from ..extensions import db
from ..persistence.case_rows import child_fields, episode_rows, event_rows, override_rows, visit_row
from ..persistence.children import Allocation, Child, EpisodeRow, EventRow, OverrideRow, VisitRow
from ..persistence.people import Worker
from ..persistence.repository import load_case
from .access import Viewer, require_manager, visible_child, visible_child_ids
from .allocations import allocation_workers
from .audit import note_change, note_refusal
from .caseload import scheduler
from .child_facts import allocation_as_dict, episode_as_dict, event_as_dict
from .errors import Conflict, InvalidInput
from .overrides import overrides_of
from .practice_checks import flags_by_child
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
    child = Child(reference=case.reference, team_id=team_id, **child_fields(case))
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
    found = future_visit_field(case, today)
    if found is not None:
        index, field = found
        raise InvalidInput.field(f"visits.{index}.{field}", "A visit cannot be recorded before it happens.")


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
        "household": child.household,
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
    for key in ("reference", "name", "date_of_birth", "household"):
        if key in changes:
            setattr(child, key, changes[key])
    note_change(viewer.worker_id, child.id, route)
    commit_or_refuse(viewer, changes.get("reference", child.reference), route)
    return child_detail(viewer, child_id, today)


def require_visible_child(viewer: Viewer, child_id: str, today: date) -> None:
    """NotFound unless ``viewer`` may see the child: the access decision alone, made before any cache."""
    visible_child(viewer, child_id, today)


def obligations_of(child_id: str, as_of: date) -> dict[str, list[Any]]:
    """A visible child's obligations and unscheduled plans: exactly what ``flask due`` prints for the
    same case and date (its reference aside), the same for every viewer, so rendered once for all."""
    loaded = load_case(child_id)
    assert loaded is not None
    flags = flags_by_child({child_id: loaded.case}, select(Child.id).where(Child.id == child_id), as_of)
    return {
        "obligations": [obligation.as_dict() for obligation in scheduler().obligations(loaded.case, as_of)],
        "unscheduled": [entry.as_dict() for entry in scheduler().unscheduled(loaded.case, as_of)],
        "practice_checks": [flag.as_dict() for flag in flags.get(child_id, ())],
    }


def deadlines_of(child_id: str, as_of: date) -> dict[str, list[Any]]:
    """A visible child's deadlines that are not visits: what ``flask due`` prints for the same case
    and date, the same for every viewer, so rendered once for all."""
    loaded = load_case(child_id)
    assert loaded is not None
    return {"deadlines": [deadline.as_dict() for deadline in scheduler().deadlines(loaded.case, as_of)]}


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
