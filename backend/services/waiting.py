"""The team's children and carers that wait on its manager, for the overview: those held by a
worker of another team (``allocated_outside``, ``supervised_outside``) and those held by nobody
(``unallocated``, ``unsupervised``), each with its soonest visit due. Who they are is decided in
reallocations.py; the manager acts on them there (children) and through the carer route."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..core.cases import Case
from ..core.scheduling import Obligation
from .carers import with_soonest_visit
from .caseload import BAD_DATES, CHECK_THIS_CHILDS_DATES, log_unschedulable, scheduler
from .reallocations import allocated_outside, supervised_outside, unallocated_candidates, unsupervised


def waiting_on_the_manager(team_id: str, cases: dict[str, Case], as_of: date, today: date) -> dict[str, Any]:
    """The four lists of the overview, by name; ``cases`` are the team's children's."""
    candidates = unallocated_candidates(team_id, scheduler().profile(), as_of, today)
    return {
        "allocated_outside": [soonest_due(row, cases, as_of) for row in allocated_outside(team_id, today)],
        "supervised_outside": with_soonest_visit(supervised_outside(team_id), as_of),
        "unallocated": unallocated_list(candidates, cases, as_of),
        "unsupervised": with_soonest_visit(unsupervised(team_id), as_of),
    }


def soonest_due(row: dict[str, Any], cases: dict[str, Case], as_of: date) -> dict[str, Any]:
    """The row with its role's soonest visit due, ``due`` and ``status`` (null: none, or dates the
    engine cannot use, which the unscheduled list of the worker's team names)."""
    soonest = soonest_in(duties_of(row["child_id"], cases.get(row["child_id"]), as_of) or (), row["role"])
    return row | {"due": soonest.due if soonest else None, "status": soonest.status if soonest else None}


def unallocated_list(candidates: list[dict[str, Any]], cases: dict[str, Case], as_of: date) -> list[dict[str, Any]]:
    """Each candidate role (reallocations.unallocated_candidates) with a visit due in it, with the
    soonest; each active plan no rule covers of a child allocated in no role, with why; and each
    candidate of a child whose dates the engine cannot use, with that reason. Soonest due first
    (so the overdue lead), then those with no due date."""
    by_child: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in candidates:
        by_child[row["child_id"]].append(row)
    listed: list[dict[str, Any]] = []
    for child_id, rows in by_child.items():
        # Every candidate is a child the team holds, so one of ``cases``.
        case = cases[child_id]
        try:
            duties = scheduler().obligations(case, as_of)
            gaps = scheduler().unscheduled(case, as_of) if any(row["role"] is None for row in rows) else ()
        except BAD_DATES as error:
            log_unschedulable(child_id, error)
            listed.extend(unscheduled_row(row, None, CHECK_THIS_CHILDS_DATES) for row in rows)
            continue
        for row in rows:
            if row["role"] is None:
                listed.extend(unscheduled_row(row, gap.plan_type, gap.reason) for gap in gaps)
            elif soonest := soonest_in(duties, row["role"]):
                fields = {"plan_type": soonest.plan_type, "due": soonest.due, "status": soonest.status, "reason": None}
                listed.append(row | fields)
    return sorted(
        listed, key=lambda row: (row["due"] is None, row["due"] or as_of, row["reference"], row["role"] or "")
    )


def unscheduled_row(row: dict[str, Any], plan_type: str | None, reason: str) -> dict[str, Any]:
    return row | {"plan_type": plan_type, "due": None, "status": None, "reason": reason}


def duties_of(child_id: str, case: Case | None, as_of: date) -> tuple[Obligation, ...] | None:
    """The child's obligations on ``as_of``; None (logged by id) where its dates defeat the engine."""
    try:
        return scheduler().obligations(case, as_of) if case else ()
    except BAD_DATES as error:
        log_unschedulable(child_id, error)
        return None


def soonest_in(duties: Iterable[Obligation], role: str) -> Obligation | None:
    return min((duty for duty in duties if duty.role == role), key=lambda duty: duty.due, default=None)
