"""Practice checks beside due dates: a child's raised checks, and a team's count of them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select

from ..core.cases import Case
from ..core.practice_checks import CONDITIONS, PracticeFlag, practice_flags
from ..persistence.visit_conditions import latest_visit_conditions
from .caseload import scheduler


def flags_by_child(cases: Mapping[str, Case], child_ids: Select[Any], on: date) -> dict[str, tuple[PracticeFlag, ...]]:
    """The checks each case raises on ``on`` under the default profile; children with none left out."""
    checks = scheduler().profile().practice_checks
    if not checks or not cases:
        return {}
    visits = latest_visit_conditions(child_ids, max(check.visits for check in checks), on)
    raised = {child_id: practice_flags(checks, case, visits.get(child_id, []), on) for child_id, case in cases.items()}
    return {child_id: flags for child_id, flags in raised.items() if flags}


def check_counts(flags: Mapping[str, tuple[PracticeFlag, ...]]) -> dict[str, int]:
    """How many children raise any check, and how many each condition."""
    counts = {"children": len(flags), **dict.fromkeys(CONDITIONS, 0)}
    for raised in flags.values():
        for condition in {flag.condition for flag in raised}:
            counts[condition] += 1
    return counts
