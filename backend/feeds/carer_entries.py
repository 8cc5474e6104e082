"""The visits due to carers a worker supervises, as feed entries (beside their children's)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from ..core.labels import child_label
from ..services.carers import supervised_carers
from .entries import entry_from_carer_obligation
from .model import FeedEntry


def carer_entries(
    worker_ids: list[str],
    today: date,
    app_url: str,
    names_allowed: bool,
    assignees: Mapping[str, str] | None = None,
    statuses: Collection[str] | None = None,
    cover_for: Mapping[str, str] | None = None,
) -> tuple[FeedEntry, ...]:
    """Each worker's carers' visits due; on a team feed (``assignees`` naming the workers) only
    those with one of ``statuses``. A carer is named as a child is: initials unless names are allowed.
    ``cover_for`` maps the absent colleagues among ``worker_ids`` to their initials: their carers
    are named by initials whatever is allowed, as cover."""
    entries = []
    cover_for = cover_for or {}
    for worker_id, caseload in supervised_carers(worker_ids, today).items():
        covering = cover_for.get(worker_id)
        for item in caseload:
            if statuses is not None and item.obligation.status not in statuses:
                continue
            entries.append(
                entry_from_carer_obligation(
                    carer_id=item.carer_id,
                    label=child_label(item.reference, item.initials, item.full_name, names_allowed and not covering),
                    reference=item.reference,
                    obligation=item.obligation,
                    url=f"{app_url}/",
                    assignee=assignees.get(worker_id) if assignees else None,
                    cover_for=covering,
                )
            )
    return tuple(entries)
