"""``export-ssd`` and ``export-annex-a``: the visits recorded here in the sector's shapes.

Children are read ``BATCH_SIZE`` at a time, each batch its own short read transaction, so
an export of a whole authority holds no lock for long and needs memory for one batch.
Only visits in person count (a visit of no recorded kind was in person); a visit that was
withdrawn is left out. Cells go through ``safe_cell`` (no spreadsheet formulas).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from ..core.vocabulary import IN_PERSON_CONTACT_KINDS
from ..extensions import db
from ..persistence.children import Child, EpisodeRow, VisitRow
from ..persistence.repository import not_withdrawn
from ..persistence.visit_references import VisitReference
from .columns import ANNEX_A_CHILD_ID, ANNEX_A_DATE, ANNEX_A_LISTS, BEDROOM_COLUMNS, TABLES

BATCH_SIZE = 500
# OWASP's CSV injection advice: a cell a spreadsheet would read as a formula gets a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The plan a visit was made under picks its SSD table; care comes first when plans overlap.
PLAN_TABLES = (
    ("cared_for", "ssd_cla_visits"),
    ("child_protection", "ssd_cp_visits"),
    ("child_in_need", "ssd_cin_visits"),
)
ANNEX_A_PLANS = {
    "annex_a_list_6": "child_in_need",
    "annex_a_list_7": "child_protection",
    "annex_a_list_8": "cared_for",
    "annex_a_list_9": "care_leaver",
}
ANNEX_A_YEARS_BACK = 1  # a child is listed when such a plan was open in the year before today

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StoredVisit:
    id: str
    date: date
    role: str
    child_seen: bool
    seen_alone: bool | None
    in_person: bool
    reference: str | None
    bedroom_seen: bool | None = None


@dataclass
class ChildRecord:
    reference: str
    episodes: list[tuple[str, date, date | None]] = field(default_factory=list)
    visits: list[StoredVisit] = field(default_factory=list)


@dataclass
class ExportResult:
    rows: dict[str, int] = field(default_factory=dict)
    children: int = 0
    left_out: int = 0  # visits under no plan with an SSD visit table


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def yes_no(flag: bool | None, yes: str = "Y", no: str = "N") -> str:
    return "" if flag is None else (yes if flag else no)


def child_records(batch_size: int, progress: Progress | None) -> Iterator[ChildRecord]:
    total = db.session.scalar(select(db.func.count()).select_from(Child)) or 0
    last_id, done = "", 0
    while True:
        children = db.session.execute(
            select(Child.id, Child.reference).where(Child.id > last_id).order_by(Child.id).limit(batch_size)
        ).all()
        if not children:
            db.session.commit()
            return
        records = load_batch(dict(children))
        db.session.commit()  # end the read before the batch is written out
        yield from records.values()
        last_id, done = children[-1].id, done + len(children)
        if progress is not None:
            progress(done, total)


def load_batch(references: dict[str, str]) -> dict[str, ChildRecord]:
    records = {child_id: ChildRecord(reference) for child_id, reference in references.items()}
    episodes = select(EpisodeRow.child_id, EpisodeRow.type, EpisodeRow.start, EpisodeRow.end)
    for child_id, plan_type, start, end in db.session.execute(episodes.where(EpisodeRow.child_id.in_(records))):
        records[child_id].episodes.append((plan_type, start, end))
    query = (
        select(VisitRow, VisitReference.reference)
        .outerjoin(VisitReference, VisitReference.visit_id == VisitRow.id)
        # A visit withdrawn as recorded in error never happened.
        .where(VisitRow.child_id.in_(records), not_withdrawn())
        .order_by(VisitRow.date, VisitRow.recorded_at, VisitRow.id)
    )
    for visit, reference in db.session.execute(query):
        in_person = visit.kind is None or visit.kind in IN_PERSON_CONTACT_KINDS
        stored = StoredVisit(
            visit.id,
            visit.date,
            visit.role,
            visit.child_seen,
            visit.seen_alone,
            in_person,
            reference,
            visit.bedroom_seen,
        )
        records[visit.child_id].visits.append(stored)
    return records


def plan_on(record: ChildRecord, day: date, plan_type: str) -> bool:
    return any(
        kind == plan_type and start <= day and (end is None or end > day) for kind, start, end in record.episodes
    )


def ssd_table(record: ChildRecord, visit: StoredVisit) -> str | None:
    if visit.role != "social_worker" or not visit.in_person:
        return None
    return next((table for plan, table in PLAN_TABLES if plan_on(record, visit.date, plan)), None)


def ssd_row(table: str, record: ChildRecord, visit: StoredVisit) -> dict[str, str]:
    prefix = TABLES[table][0].split("_")[0]  # cinv, cppv, clav
    kind = {"cinv": "cin", "cppv": "cp", "clav": "cla"}[prefix]
    row = {
        f"{prefix}_{kind}_visit_id": visit.reference or visit.id,
        f"{prefix}_person_id": record.reference,
        f"{prefix}_{kind}_visit_date": visit.date.isoformat(),
        f"{prefix}_{kind}_visit_seen": yes_no(visit.child_seen),
        f"{prefix}_{kind}_visit_seen_alone": yes_no(visit.seen_alone),
    }
    if table in BEDROOM_COLUMNS:
        row[BEDROOM_COLUMNS[table]] = yes_no(visit.bedroom_seen)
    return row


def open_writers(
    directory: Path, headers: dict[str, tuple[str, ...]]
) -> tuple[list[TextIO], dict[str, csv.DictWriter[str]]]:
    directory.mkdir(parents=True, exist_ok=True)
    files: list[TextIO] = []
    writers: dict[str, csv.DictWriter[str]] = {}
    for name, header in headers.items():
        handle = (directory / f"{name}.csv").open("w", encoding="utf-8", newline="")
        files.append(handle)
        writers[name] = csv.DictWriter(handle, fieldnames=header, restval="")
        writers[name].writeheader()
    return files, writers


def export_ssd(directory: Path, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> ExportResult:
    """The three SSD visit tables, every column in the SSD's order (unknown ones left empty)."""
    tables = [table for _, table in PLAN_TABLES]
    files, writers = open_writers(directory, {table: TABLES[table] for table in tables})
    result = ExportResult(rows=dict.fromkeys(tables, 0))
    try:
        for record in child_records(batch_size, progress):
            result.children += 1
            for visit in record.visits:
                table = ssd_table(record, visit)
                if table is None:
                    result.left_out += 1
                    continue
                writers[table].writerow({key: safe_cell(value) for key, value in ssd_row(table, record, visit).items()})
                result.rows[table] += 1
    finally:
        for handle in files:
            handle.close()
    return result


def export_annex_a(
    directory: Path, today: date, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> ExportResult:
    """Annex A lists 6 to 9, the child's id and the columns about visits, dates as dd/mm/yyyy."""
    headers = {name: (ANNEX_A_CHILD_ID, *columns) for name, columns in ANNEX_A_LISTS.items()}
    files, writers = open_writers(directory, headers)
    result = ExportResult(rows=dict.fromkeys(headers, 0))
    since = today - timedelta(days=365 * ANNEX_A_YEARS_BACK)
    try:
        for record in child_records(batch_size, progress):
            result.children += 1
            for name, plan_type in ANNEX_A_PLANS.items():
                if any(
                    kind == plan_type and start <= today and (end is None or end > since)
                    for kind, start, end in record.episodes
                ):
                    row = dict(zip(headers[name], (record.reference, *annex_a_cells(name, record.visits)), strict=True))
                    writers[name].writerow({key: safe_cell(value) for key, value in row.items()})
                    result.rows[name] += 1
    finally:
        for handle in files:
            handle.close()
    return result


def annex_a_cells(name: str, visits: list[StoredVisit]) -> tuple[str, ...]:
    """Visits come in date order, so the last that qualifies is the latest."""
    social_work = [v for v in visits if v.role == "social_worker" and v.in_person]
    seen = [v for v in social_work if v.child_seen]
    contacts = [v for v in visits if v.role == "personal_adviser"]
    shown = defaultdict(str)
    if seen:
        shown["seen"], shown["alone"] = seen[-1].date.strftime(ANNEX_A_DATE), yes_no(seen[-1].seen_alone, "Yes", "No")
    if social_work:
        shown["visit"] = social_work[-1].date.strftime(ANNEX_A_DATE)
    if contacts:
        shown["contact"] = contacts[-1].date.strftime(ANNEX_A_DATE)
    return {
        "annex_a_list_6": (shown["seen"],),
        "annex_a_list_7": (shown["seen"], shown["alone"]),
        "annex_a_list_8": (shown["visit"],),
        "annex_a_list_9": (shown["contact"],),
    }[name]
