"""The audit trail: who read or changed which child's record, when, through which route.

A read is written after the read's own transaction has ended, so that on SQLite the audit
insert opens a fresh write transaction instead of upgrading a stale read snapshot.
"""

from __future__ import annotations

from sqlalchemy import insert

from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.types import utc_now

READ = "read"
CHANGE = "change"


def record_read(worker_id: str, child_id: str | None, route: str) -> None:
    """A read of one child's record, or (child_id None) of a listing: the caseload, the children
    list or a team overview, whose rows follow from the allocations in force at that moment."""
    db.session.commit()
    # A plain INSERT rather than an ORM object: reads are the hot path (a cached caseload or
    # obligations response costs little more than this entry), and nothing reads the row back.
    db.session.execute(
        insert(AuditEntry).values(worker_id=worker_id, child_id=child_id, action=READ, route=route, at=utc_now())
    )
    db.session.commit()


def note_change(worker_id: str, child_id: str, route: str) -> None:
    """Adds the entry to the change's own transaction, so it commits (or not) with the change."""
    db.session.add(AuditEntry(worker_id=worker_id, child_id=child_id, action=CHANGE, route=route))
