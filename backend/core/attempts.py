"""Visits attempted without access: the worker went, and did not see the child.

An attempt meets no ``visit`` duty (core/scheduling.py), so the visit stays due; but a worker
and their manager reading the list need to know it was tried, and when, to tell a child nobody
went to from a child whose door stayed shut.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .cases import Visit
from .vocabulary import IN_PERSON_CONTACT_KINDS


def last_no_access(visits: Iterable[Visit], role: str, after: date | None, today: date) -> date | None:
    """The latest attempt in person in ``role`` with the child not seen, on or before ``today``
    and after ``after`` (the last visit that met the duty): an older attempt was answered by it."""
    attempts = [
        visit.date
        for visit in visits
        if visit.role == role
        and not visit.child_seen
        and visit.kind in IN_PERSON_CONTACT_KINDS
        and visit.date <= today
        and (after is None or visit.date > after)
    ]
    return max(attempts, default=None)
