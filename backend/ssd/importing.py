"""``import-ssd``: an SSD extract checked and written by the same pipeline as every case import.

The extract is mapped into case rows (mapping.py), each checked through the caller's
``check_row`` (the API's schema) and the core by ``plan_import``; problems come back named
by the SSD file, line and column they came from. Writing is ``apply_import``'s short batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..services.imports import ImportPlan, RowCheck, RowProblem, plan_import
from .mapping import Mapping, map_extract
from .reading import read_extract


@dataclass
class SsdImport:
    plan: ImportPlan = field(default_factory=ImportPlan)
    problems: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    @property
    def visits(self) -> int:
        return sum(len(item.case.visits) for item in self.plan.cases)


def plan_ssd_import(
    directory: Path,
    today: date,
    check_row: RowCheck | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SsdImport:
    """Read, map and check the whole extract; nothing is written. ``progress(done, total)``
    as the children are checked (the longest part of a dry run), every hundredth of them."""
    extract = read_extract(directory)
    if extract.problems:
        return SsdImport(problems=extract.problems)
    mapping = map_extract(extract, today)
    plan = plan_import(counted(mapping.rows, progress), today, check_row)
    plan.cases = [replace(item, visit_details=mapping.details[item.row]) for item in plan.cases]
    problems = mapping.problems + [described(problem, mapping) for problem in plan.problems]
    return SsdImport(plan, problems, mapping.unmapped)


def counted(rows: Sequence[tuple[int, Any]], progress: Callable[[int, int], None] | None) -> Iterator[tuple[int, Any]]:
    total = len(rows)
    step = max(1, total // 100)
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)


def described(problem: RowProblem, mapping: Mapping) -> str:
    """A case problem (``visits[3].date``) as the SSD cell it came from (file, line, column)."""
    sources = mapping.sources.get(problem.row, {})
    key = max(
        (key for key in sources if problem.field == key or problem.field.startswith(key + ".")), key=len, default=None
    )
    who = f" ({problem.reference})" if problem.reference else ""
    if key is None:
        person = sources.get("reference")
        where = f"ssd_person.csv line {person.line}" if person else f"person {problem.row}"
        return f"{where}{who}: {problem.field}: {problem.message}"
    source = sources[key]
    column = source.columns.get(problem.field[len(key) + 1 :]) or source.columns.get("", problem.field)
    return f"{source.file} line {source.line}{who}: {column}: {problem.message}"
