"""Caseloads: each worker's obligations across the children allocated to them.

Used by the API, push reminders and calendar feeds alike, so the access rules live here
and in access.py, never in a view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..clock import today_in_london
from ..core.scheduling import Obligation
from ..core.vocabulary import PLAN_TYPES
from ..extensions import db
from ..persistence.children import Allocation
from ..persistence.repository import LoadedCase, load_cases
from ..schedules import Scheduler
from .access import current_allocation


@dataclass(frozen=True)
class CaseloadEntry:
    child_id: str
    reference: str
    initials: str
    full_name: str
    plan_type: str
    plan_label: str
    obligation: Obligation

    def as_dict(self) -> dict[str, object]:
        """The API's CaseloadObligation: the obligation's fields plus who and which plan."""
        return {
            **self.obligation.as_dict(),
            "child_id": self.child_id,
            "reference": self.reference,
            "initials": self.initials,
            "plan_type": self.plan_type,
            "plan_label": self.plan_label,
        }


def initials_of(name: str) -> str:
    """ "Jo Smith" -> "JS": enough for a worker to recognise a child on a lock screen, no more."""
    return "".join(part[0] for part in name.split() if part[:1].isalpha()).upper()[:3]


def scheduler() -> Scheduler:
    return current_app.extensions["scheduler"]


def worker_caseload(worker_id: str, as_of: date, today: date | None = None) -> list[CaseloadEntry]:
    """The worker's obligations on ``as_of`` for the children allocated to them ``today``
    (default: today in Europe/London), in the roles they hold, soonest first."""
    return workers_caseloads([worker_id], as_of, today).get(worker_id, [])


def workers_caseloads(worker_ids: list[str], as_of: date, today: date | None = None) -> dict[str, list[CaseloadEntry]]:
    """Caseloads of several workers at once (a team overview), in a fixed number of queries."""
    today = today or today_in_london()
    # One worker (every caseload request) compares by equality: an expanding IN costs a compile each time.
    held_by = Allocation.worker_id == worker_ids[0] if len(worker_ids) == 1 else Allocation.worker_id.in_(worker_ids)
    allocations = select(Allocation.child_id).where(held_by, current_allocation(today))
    held: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for worker_id, child_id, role in db.session.execute(
        select(Allocation.worker_id, Allocation.child_id, Allocation.role).where(held_by, current_allocation(today))
    ):
        held[child_id].add((worker_id, role))
    caseloads: dict[str, list[CaseloadEntry]] = defaultdict(list)
    for loaded in load_cases(allocations, latest_visits_on=as_of):
        for obligation in scheduler().obligations(loaded.case, as_of):
            for worker_id, role in held[loaded.child.id]:
                if role == obligation.role:
                    caseloads[worker_id].append(entry_for(loaded, obligation))
    for entries in caseloads.values():
        entries.sort(key=sort_key)
    return dict(caseloads)


def entry_for(loaded: LoadedCase, obligation: Obligation) -> CaseloadEntry:
    return CaseloadEntry(
        child_id=loaded.child.id,
        reference=loaded.child.reference,
        initials=initials_of(loaded.child.name),
        full_name=loaded.child.name,
        plan_type=obligation.plan_type,
        plan_label=PLAN_TYPES[obligation.plan_type],
        obligation=obligation,
    )


def sort_key(entry: CaseloadEntry) -> tuple[date, str, str]:
    return (entry.obligation.due, entry.obligation.role, entry.reference)
