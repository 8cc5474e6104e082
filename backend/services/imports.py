"""Importing case files (services/import_files.py reads them): check every row, then write.

Validate everything first: each row meets the checks a ``POST /api/children`` body meets
(the caller passes the API's schema as ``check_row``) and then the core's; if any row is
wrong nothing is written and every problem is reported by row and field. Only then is the
file written, in batches of ``BATCH_SIZE`` cases, each its own short transaction, so the
write lock (SQLite) is never held for long and a phone's visit saved meanwhile waits a
fraction of a second, not the whole import. The price: a failure while writing (the disk
full, the process killed) leaves the batches already committed in place. Each is whole and
an upsert by case reference, so running the same file again completes the import.

Children are matched by case reference (an upsert); each child created or changed gets an
audit entry (action create or change, route ``IMPORT_ROUTE``, no worker).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select, update

from ..clock import utc_now
from ..core.cases import Case, future_visit_field, parse_case
from ..core.errors import InvalidCase
from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.case_rows import child_fields, episode_rows, event_rows, override_rows, visit_row
from ..persistence.children import Allocation, Child, EpisodeRow, EventRow, OverrideRow, VisitRow
from ..persistence.people import Worker
from ..persistence.types import new_id, table_of
from ..persistence.visit_references import VisitReference
from .allocations import hand_over, handover_refusal
from .audit import CHANGE, CREATE
from .children import case_json
from .errors import InvalidInput

IMPORT_ROUTE = "CLI import-cases"
BATCH_SIZE = 250
# Between batches on SQLite, the write lock is left free for longer than the longest nap
# (100 ms) of SQLite's busy handler, so every writer waiting for it (a phone saving a visit)
# wakes while it is free and gets in: without the pause the next batch takes it at once.
SQLITE_PAUSE_S = 0.11
# Well under every database's limit on bound parameters in one statement.
LOOKUP_CHUNK = 500

RowCheck = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class RowProblem:
    row: int
    reference: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f" ({self.reference})" if self.reference else ""
        return f"row {self.row}{who}: {self.field}: {self.message}"


@dataclass(frozen=True)
class VisitDetail:
    """What an import from another system knows of one visit beyond the case file: the id
    to store it under (the same on every run, so a second run adds nothing), whether the
    child was seen alone, and its id in the source (kept in ``visit_references``)."""

    id: str
    seen_alone: bool | None
    source: str
    reference: str
    bedroom_seen: bool | None = None


@dataclass(frozen=True)
class ImportedCase:
    row: int
    case: Case
    allocations: tuple[tuple[str, str], ...]  # (role, worker id)
    # One per visit of ``case`` when the source names its visits; empty for a case file.
    visit_details: tuple[VisitDetail, ...] = ()


@dataclass
class ImportPlan:
    cases: list[ImportedCase] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    existing: set[str] = field(default_factory=set)

    @property
    def creates(self) -> int:
        return sum(1 for item in self.cases if item.case.reference not in self.existing)

    @property
    def updates(self) -> int:
        return len(self.cases) - self.creates


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def plan_import(rows: Iterable[tuple[int, Any]], today: date, check_row: RowCheck | None = None) -> ImportPlan:
    """Check every row; nothing is written, and no transaction is left open.

    ``check_row`` loads one raw row as the API would (raising InvalidInput by field); without
    it, rows are trusted to be what the API's schema yields (tests build them so)."""
    plan = ImportPlan()
    seen: dict[str, int] = {}
    workers = dict(db.session.execute(select(Worker.email, Worker.id).where(Worker.active)).all())
    db.session.commit()  # the checks below read nothing; on SQLite this transaction holds the write lock
    for number, raw in rows:
        try:
            imported = import_case(number, check_row(raw) if check_row else raw, workers, today)
        except InvalidInput as problem:
            reference = shown_reference(raw)
            plan.problems.extend(
                RowProblem(number, reference, name, " ".join(why)) for name, why in problem.errors.items()
            )
            continue
        except InvalidCase as problem:
            plan.problems.append(RowProblem(number, problem.reference, problem.field, problem.problem))
            continue
        reference = imported.case.reference
        if reference in seen:
            plan.problems.append(RowProblem(number, reference, "reference", f"repeats row {seen[reference]}"))
            continue
        seen[reference] = number
        plan.cases.append(imported)
    plan.existing = existing_references(list(seen))
    plan.problems.extend(refused_handovers(plan.cases, today))
    return plan


def refused_handovers(cases: Sequence[ImportedCase], today: date) -> Iterator[RowProblem]:
    """Allocations the API would refuse: handing over a role whose holder starts after ``today``."""
    wanted = {
        (item.case.reference, role): (item, index, worker)
        for item in cases
        for index, (role, worker) in enumerate(item.allocations)
    }
    for chunk in chunks(sorted({reference for reference, _ in wanted}), LOOKUP_CHUNK):
        held = db.session.execute(
            select(Child.reference, Allocation.role, Allocation.worker_id, Allocation.starts_on)
            .join(Allocation, Allocation.child_id == Child.id)
            .where(
                Child.reference.in_(chunk),
                or_(Allocation.ends_on.is_(None), Allocation.ends_on > today),
                Allocation.starts_on > today,
            )
        ).all()
        db.session.commit()
        for reference, role, holder, held_since in held:
            item, index, worker = wanted.get((reference, role), (None, 0, holder))
            refusal = handover_refusal(held_since, today)
            if item is not None and worker != holder and refusal:
                yield RowProblem(item.row, reference, f"allocations[{index}].role", refusal)


def shown_reference(raw: Any) -> str | None:
    """The row's reference for a problem report, when it is one printable line of sane length."""
    reference = raw.get("reference") if isinstance(raw, dict) else None
    if isinstance(reference, str) and 0 < len(reference) <= 64 and reference.isprintable():
        return reference.strip()
    return None


def existing_references(references: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(references, LOOKUP_CHUNK):
        found.update(db.session.scalars(select(Child.reference).where(Child.reference.in_(chunk))))
        db.session.commit()
    return found


def import_case(number: int, payload: Any, workers: dict[str, str], today: date) -> ImportedCase:
    if not isinstance(payload, dict):
        raise InvalidCase(None, "(case)", "expected a JSON object")
    case = parse_case(case_json(payload))
    future = future_visit_field(case, today)
    if future is not None:
        raise InvalidCase(case.reference, f"visits[{future[0]}].{future[1]}", "is in the future")
    allocations: list[tuple[str, str]] = []
    for index, allocation in enumerate(payload.get("allocations") or []):
        email = str(allocation.get("worker_email", "")).strip().lower() if isinstance(allocation, dict) else ""
        role = allocation.get("role") if isinstance(allocation, dict) else None
        if email not in workers:
            raise InvalidCase(case.reference, f"allocations[{index}].worker_email", "no active worker has this email")
        if any(role == held for held, _ in allocations):
            raise InvalidCase(case.reference, f"allocations[{index}].role", "only one worker per role")
        allocations.append((str(role), workers[email]))
    return ImportedCase(number, case, tuple(allocations))


def apply_import(
    plan: ImportPlan,
    today: date,
    *,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write a checked plan, ``batch_size`` cases per transaction; ``progress(done, total)`` after each."""
    batch_size = batch_size or BATCH_SIZE
    if plan.problems:
        raise ValueError("an import with problems is never applied")
    teams = dict(db.session.execute(select(Worker.id, Worker.team_id)).all())
    db.session.commit()
    pause = SQLITE_PAUSE_S if db.engine.dialect.name == "sqlite" else 0.0
    result, done = ImportResult(), 0
    for batch in chunks(plan.cases, batch_size):
        created = write_batch(batch, teams, today)
        db.session.commit()
        result.created += created
        result.updated += len(batch) - created
        done += len(batch)
        if progress is not None:
            progress(done, len(plan.cases))
        if done < len(plan.cases):
            time.sleep(pause)
    return result


def write_batch(batch: Sequence[ImportedCase], teams: dict[str, str | None], today: date) -> int:
    """Upsert one batch in the open transaction, a few statements for all its cases; the count created."""
    references = [imported.case.reference for imported in batch]
    stored = dict(db.session.execute(select(Child.reference, Child.id).where(Child.reference.in_(references))).all())
    ids = {reference: stored.get(reference) or new_id() for reference in references}
    new = [imported for imported in batch if imported.case.reference not in stored]
    kept = [imported for imported in batch if imported.case.reference in stored]
    if new:
        db.session.execute(table_of(Child).insert(), [child_row(ids, imported, teams) for imported in new])
    if kept:
        db.session.execute(update(Child), [child_row(ids, imported) for imported in kept])
        kept_ids = [ids[imported.case.reference] for imported in kept]
        db.session.execute(delete(EpisodeRow).where(EpisodeRow.child_id.in_(kept_ids)))
        db.session.execute(delete(EventRow).where(EventRow.child_id.in_(kept_ids)))
        db.session.execute(delete(OverrideRow).where(OverrideRow.child_id.in_(kept_ids)))
    insert_facts(batch, ids, stored_visits(list(stored.values())), stored_visit_ids(batch))
    allocate(batch, ids, today)
    audit(batch, ids, set(stored))
    return len(new)


def audit(batch: Sequence[ImportedCase], ids: dict[str, str], changed: set[str]) -> None:
    """One entry per child, in the batch's own transaction: committed with the change or not at all."""
    now = utc_now()
    entries = [
        {
            "worker_id": None,  # the command line acts for no worker; the route names it
            "child_id": ids[imported.case.reference],
            "action": CHANGE if imported.case.reference in changed else CREATE,
            "route": IMPORT_ROUTE,
            "at": now,
        }
        for imported in batch
    ]
    db.session.execute(table_of(AuditEntry).insert(), entries)


def child_row(ids: dict[str, str], imported: ImportedCase, teams: dict[str, str | None] | None = None) -> dict:
    case = imported.case
    row = {"id": ids[case.reference], **child_fields(case)}
    if teams is not None:  # a new child belongs to the team of its first allocated worker
        team_id = next((teams.get(worker_id) for _, worker_id in imported.allocations), None)
        row.update(reference=case.reference, team_id=team_id)
    return row


def stored_visits(child_ids: list[str]) -> set[tuple[str, date, str, bool]]:
    if not child_ids:
        return set()
    query = select(VisitRow.child_id, VisitRow.date, VisitRow.role, VisitRow.child_seen)
    return {
        (row[0], row[1], row[2], row[3]) for row in db.session.execute(query.where(VisitRow.child_id.in_(child_ids)))
    }


def stored_visit_ids(batch: Sequence[ImportedCase]) -> set[str]:
    named = [detail.id for imported in batch for detail in imported.visit_details]
    found: set[str] = set()
    for chunk in chunks(named, LOOKUP_CHUNK):
        found.update(db.session.scalars(select(VisitRow.id).where(VisitRow.id.in_(chunk))))
    return found


def insert_facts(
    batch: Sequence[ImportedCase], ids: dict[str, str], visits_held: set[tuple], ids_held: Set[str] = frozenset()
) -> None:
    """The file's episodes and events replace the stored ones; its visits are added when new
    (visits recorded on phones are never dropped by an import)."""
    episodes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    overrides: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    references: list[dict[str, Any]] = []
    for imported in batch:
        case, child_id = imported.case, ids[imported.case.reference]
        episodes.extend(episode_rows(child_id, case))
        events.extend(event_rows(child_id, case))
        overrides.extend(override_rows(child_id, case))
        for index, v in enumerate(case.visits):
            detail = imported.visit_details[index] if imported.visit_details else None
            if (child_id, v.date, v.role, v.child_seen) in visits_held or (detail and detail.id in ids_held):
                continue
            if detail is None:
                visits.append(visit_row(child_id, v))
            else:
                visits.append(visit_row(child_id, v, detail.id, detail.seen_alone, detail.bedroom_seen))
                references.append({"visit_id": detail.id, "source": detail.source, "reference": detail.reference})
    # Statements on the tables, not the ORM's bulk insert, which runs one INSERT per row to
    # learn the ids it generated; executemany runs one statement for all.
    tables = (
        (EpisodeRow, episodes),
        (EventRow, events),
        (OverrideRow, overrides),
        (VisitRow, visits),
        (VisitReference, references),
    )
    for model, rows in tables:
        if rows:
            db.session.execute(table_of(model).insert(), rows)


def allocate(batch: Sequence[ImportedCase], ids: dict[str, str], today: date) -> None:
    """A listed allocation replaces the current holder of that role from ``today``, by the API's
    rule (services/allocations.py); plan_import has refused handovers that rule refuses."""
    wanted = {(ids[item.case.reference], role): worker_id for item in batch for role, worker_id in item.allocations}
    if not wanted:
        return
    current = db.session.scalars(
        select(Allocation).where(
            Allocation.child_id.in_({child_id for child_id, _ in wanted}),
            # A holder booked to end after today holds the role today too: cut short, as by the API.
            or_(Allocation.ends_on.is_(None), Allocation.ends_on > today),
        )
    ).all()
    held = {(allocation.child_id, allocation.role, allocation.worker_id) for allocation in current}
    handed_over = [
        allocation
        for allocation in current
        if wanted.get((allocation.child_id, allocation.role), allocation.worker_id) != allocation.worker_id
    ]
    hand_over(handed_over, today)
    added = [
        {"child_id": child_id, "worker_id": worker_id, "role": role, "starts_on": today}
        for (child_id, role), worker_id in wanted.items()
        if (child_id, role, worker_id) not in held
    ]
    if added:
        db.session.execute(table_of(Allocation).insert(), added)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
