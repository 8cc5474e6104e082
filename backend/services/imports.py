"""Importing case files: a JSON array of cases, or a CSV with one row per plan episode.

All or nothing: every row is checked first; if any is wrong, nothing is written and each
problem is reported by row. Children are matched by case reference (an upsert).

CSV columns (header row required, in any order):
  reference, name, date_of_birth, plan_type, plan_start, plan_end, placement,
  social_worker_email, personal_adviser_email
Rows sharing a reference are one child with several episodes; empty cells mean none.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from ..core.cases import Case, parse_case
from ..core.errors import InvalidCase
from ..core.vocabulary import VISIT_ROLES
from ..extensions import db
from ..persistence.children import Allocation, Child, EpisodeRow, EventRow, VisitRow
from ..persistence.people import Worker
from .children import store_case_facts

CSV_COLUMNS = (
    "reference",
    "name",
    "date_of_birth",
    "plan_type",
    "plan_start",
    "plan_end",
    "placement",
    "social_worker_email",
    "personal_adviser_email",
)
CSV_ALLOCATION_COLUMNS = {"social_worker_email": "social_worker", "personal_adviser_email": "personal_adviser"}
IMPORT_ROUTE = "CLI import-cases"


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
class ImportedCase:
    row: int
    case: Case
    allocations: tuple[tuple[str, str], ...]  # (role, worker id)


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


def read_case_rows(text: str, filename: str) -> list[tuple[int, Any]]:
    """(row number, case mapping) for each case in a JSON array or a CSV file."""
    if filename.lower().endswith(".csv"):
        return csv_cases(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as problem:
        raise InvalidCase(None, "(file)", f"not valid JSON: {problem}") from None
    if not isinstance(document, list):
        raise InvalidCase(None, "(file)", "expected a JSON array of cases")
    return list(enumerate(document, start=1))


def csv_cases(text: str) -> list[tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InvalidCase(None, "(header)", f"missing columns: {', '.join(missing)}")
    merged: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, row in enumerate(reader, start=2):
        cells = {key: (value or "").strip() for key, value in row.items() if key}
        first_row, case = merged.setdefault(cells["reference"] or f"(row {number})", (number, csv_case(cells)))
        if first_row != number:
            more = csv_case(cells)
            case["episodes"].extend(more["episodes"])
            held = {allocation["role"] for allocation in case["allocations"]}
            case["allocations"].extend(item for item in more["allocations"] if item["role"] not in held)
    return list(merged.values())


def csv_case(cells: dict[str, str]) -> dict[str, Any]:
    episode = {
        "type": cells["plan_type"] or None,
        "start": cells["plan_start"] or None,
        "end": cells["plan_end"] or None,
        "placement": cells["placement"] or None,
    }
    allocations = [
        {"worker_email": cells[column], "role": role}
        for column, role in CSV_ALLOCATION_COLUMNS.items()
        if cells[column]
    ]
    return {
        "reference": cells["reference"],
        "name": cells["name"],
        "date_of_birth": cells["date_of_birth"] or None,
        "episodes": [episode] if cells["plan_type"] or cells["plan_start"] else [],
        "allocations": allocations,
    }


def plan_import(rows: Iterable[tuple[int, Any]], today: date) -> ImportPlan:
    """Check every row; nothing is written."""
    plan = ImportPlan()
    seen: dict[str, int] = {}
    workers = {
        email: worker_id
        for email, worker_id in db.session.execute(select(Worker.email, Worker.id).where(Worker.active))
    }
    for number, raw in rows:
        try:
            imported = import_case(number, raw, workers, today)
        except InvalidCase as problem:
            plan.problems.append(RowProblem(number, problem.reference, problem.field, problem.problem))
            continue
        reference = imported.case.reference
        if reference in seen:
            plan.problems.append(RowProblem(number, reference, "reference", f"repeats row {seen[reference]}"))
            continue
        seen[reference] = number
        plan.cases.append(imported)
    references = list(seen)
    plan.existing = (
        set(db.session.scalars(select(Child.reference).where(Child.reference.in_(references)))) if references else set()
    )
    return plan


def import_case(number: int, raw: Any, workers: dict[str, str], today: date) -> ImportedCase:
    case = parse_case(raw)
    for index, visit in enumerate(case.visits):
        if visit.date > today:
            raise InvalidCase(case.reference, f"visits[{index}].date", "is in the future")
    allocations = []
    for index, allocation in enumerate(raw.get("allocations") or []):
        email = str(allocation.get("worker_email", "")).strip().lower() if isinstance(allocation, dict) else ""
        role = allocation.get("role") if isinstance(allocation, dict) else None
        if email not in workers:
            raise InvalidCase(case.reference, f"allocations[{index}].worker_email", "no active worker has this email")
        if role not in VISIT_ROLES:
            raise InvalidCase(case.reference, f"allocations[{index}].role", f"unknown role {role!r}")
        allocations.append((role, workers[email]))
    return ImportedCase(number, case, tuple(allocations))


def apply_import(plan: ImportPlan, today: date) -> None:
    """Write a checked plan in one transaction."""
    if plan.problems:
        raise ValueError("an import with problems is never applied")
    teams = {worker_id: team_id for worker_id, team_id in db.session.execute(select(Worker.id, Worker.team_id))}
    for imported in plan.cases:
        upsert_case(imported, teams, today)
    db.session.commit()


def upsert_case(imported: ImportedCase, teams: dict[str, str | None], today: date) -> None:
    case = imported.case
    child = db.session.scalar(select(Child).where(Child.reference == case.reference))
    if child is None:
        team_id = next((teams.get(worker_id) for _, worker_id in imported.allocations), None)
        child = Child(reference=case.reference, name=case.name, date_of_birth=case.date_of_birth, team_id=team_id)
        db.session.add(child)
        db.session.flush()
        store_case_facts(child.id, case)
    else:
        child.name, child.date_of_birth = case.name, case.date_of_birth
        replace_case_facts(child.id, case)
    for role, worker_id in imported.allocations:
        allocate(child.id, role, worker_id, today)


def replace_case_facts(child_id: str, case: Case) -> None:
    """The file's episodes and events replace the stored ones; its visits are added when new
    (visits recorded on phones are never dropped by an import)."""
    db.session.execute(delete(EpisodeRow).where(EpisodeRow.child_id == child_id))
    db.session.execute(delete(EventRow).where(EventRow.child_id == child_id))
    stored_visits = select(VisitRow.date, VisitRow.role, VisitRow.child_seen).where(VisitRow.child_id == child_id)
    stored = {tuple(row) for row in db.session.execute(stored_visits)}
    store_case_facts(child_id, Case(case.reference, case.name, case.date_of_birth, case.episodes, case.events, ()))
    db.session.add_all(
        VisitRow(id=str(uuid.uuid4()), child_id=child_id, date=visit.date, role=visit.role, child_seen=visit.child_seen)
        for visit in case.visits
        if (visit.date, visit.role, visit.child_seen) not in stored
    )


def allocate(child_id: str, role: str, worker_id: str, today: date) -> None:
    current = db.session.scalars(
        select(Allocation).where(Allocation.child_id == child_id, Allocation.role == role, Allocation.ends_on.is_(None))
    ).all()
    if any(allocation.worker_id == worker_id for allocation in current):
        return
    for allocation in current:
        allocation.ends_on = max(today, allocation.starts_on)
    db.session.add(Allocation(child_id=child_id, worker_id=worker_id, role=role, starts_on=today))
