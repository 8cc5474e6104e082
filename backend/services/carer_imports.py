"""Importing carers from the ``carers`` list of a JSON import file, beside its cases.

As for cases (services/imports.py): every row is checked first (the caller passes the
API-side schema as ``check_row``, then the core's ``parse_carer``), and nothing is written if
any row is wrong. Carers are matched by reference (an upsert); a carer's imported visits are
replaced by the file's on every run, so running it again adds nothing, while visits recorded
through the app (which name their visitor) are kept. The carer's team is their supervising
worker's. Each carer created or changed gets an audit entry, as each child does (action create
or change, route ``IMPORT_ROUTE``, no worker; ``carer_id`` names the carer, nothing more), so
"who changed this carer's record" finds the import too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from ..core.carers import Carer, parse_carer
from ..core.errors import InvalidCase
from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.carers import CarerRow, CarerVisitRow
from ..persistence.people import Worker
from .audit import CHANGE, CREATE
from .carers import copy_fields
from .children import case_json
from .errors import InvalidInput
from .imports import IMPORT_ROUTE, RowCheck, RowProblem

# Imported visits get ids derived from the carer and the visit, so two runs agree on them.
VISIT_NAMESPACE = uuid.UUID("6f1d7c1e-6b0a-4f5e-9a43-0c2f3b7d9e51")


@dataclass(frozen=True)
class ImportedCarer:
    row: int
    carer: Carer
    supervising_worker_id: str | None


@dataclass
class CarerImportPlan:
    carers: list[ImportedCarer] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def plan_carer_import(
    rows: Iterable[tuple[int, Any]], today: date, check_row: RowCheck | None = None
) -> CarerImportPlan:
    """Check every carer row; nothing is written."""
    plan = CarerImportPlan()
    workers = dict(db.session.execute(select(Worker.email, Worker.id).where(Worker.active)).all())
    db.session.commit()
    seen: set[str] = set()
    for number, raw in rows:
        reference = raw.get("reference") if isinstance(raw, dict) and isinstance(raw.get("reference"), str) else None
        try:
            imported = import_carer(number, check_row(raw) if check_row else raw, workers, today)
        except InvalidInput as problem:
            plan.problems.extend(
                RowProblem(number, reference, name, " ".join(texts)) for name, texts in problem.errors.items()
            )
            continue
        except InvalidCase as problem:
            plan.problems.append(RowProblem(number, reference, problem.field, problem.problem))
            continue
        if imported.carer.reference in seen:
            plan.problems.append(RowProblem(number, reference, "reference", "the same carer twice in one file"))
            continue
        seen.add(imported.carer.reference)
        plan.carers.append(imported)
    return plan


def import_carer(number: int, row: dict[str, Any], workers: dict[str, str], today: date) -> ImportedCarer:
    carer = parse_carer(case_json(row))
    for index, visit in enumerate(carer.visits):
        if visit.date > today:
            raise InvalidInput.field(f"visits[{index}].date", "A visit cannot be recorded before it happens.")
    email = row.get("supervising_worker_email")
    worker_id = workers.get(email.strip().lower()) if email else None
    if email and worker_id is None:
        raise InvalidInput.field("supervising_worker_email", "No active worker with this email.")
    return ImportedCarer(number, carer, worker_id)


def apply_carer_import(plan: CarerImportPlan) -> tuple[int, int]:
    """Write the checked carers, and an audit entry for each, in one transaction; returns (created, updated)."""
    references = [item.carer.reference for item in plan.carers]
    existing = {
        row.reference: row for row in db.session.scalars(select(CarerRow).where(CarerRow.reference.in_(references)))
    }
    teams = dict(db.session.execute(select(Worker.id, Worker.team_id)).all())
    for item in plan.carers:
        row = existing.get(item.carer.reference) or CarerRow(id=uuid.uuid4().hex)
        action = CHANGE if item.carer.reference in existing else CREATE
        # In the write's own transaction: committed with the change or not at all.
        db.session.add(AuditEntry(worker_id=None, carer_id=row.id, action=action, route=IMPORT_ROUTE))
        copy_fields(row, item.carer)
        row.supervising_worker_id = item.supervising_worker_id
        row.team_id = teams.get(item.supervising_worker_id) if item.supervising_worker_id else row.team_id
        db.session.add(row)
        db.session.execute(
            delete(CarerVisitRow).where(CarerVisitRow.carer_id == row.id, CarerVisitRow.visitor_id.is_(None))
        )
        for index, visit in enumerate(item.carer.visits):
            visit_id = str(uuid.uuid5(VISIT_NAMESPACE, f"{row.id}/{index}/{visit.date.isoformat()}"))
            db.session.add(CarerVisitRow(id=visit_id, carer_id=row.id, date=visit.date, unannounced=visit.unannounced))
    db.session.commit()
    return len(plan.carers) - len(existing), len(existing)
