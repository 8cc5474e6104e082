"""The audit trail: who read or changed which child's record, when, through which route.

A read is recorded once the read's own transaction has ended, as a lone statement on a
connection of its own (a plain INSERT: reads are the hot path, and a cached caseload costs
little more than this entry), committed with relaxed durability
(persistence/lone_statements.py): the entry survives the app being killed at any moment, and only
a power cut in the moment after it can lose it. A change is recorded in the change's own,
fully durable, transaction.
"""

from __future__ import annotations

from sqlalchemy import bindparam

from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.lone_statements import LoneStatement, write_alone_relaxed
from ..persistence.types import utc_now

READ = "read"
CHANGE = "change"
# Built once: building a statement costs more than running this one.
ENTRY_COLUMNS = ("worker_id", "child_id", "action", "route", "at")
READ_ENTRY = LoneStatement(AuditEntry.__table__.insert().values({name: bindparam(name) for name in ENTRY_COLUMNS}))


def record_read(worker_id: str, child_id: str | None, route: str) -> None:
    """A read of one child's record, or (child_id None) of a listing: the caseload, the children
    list or a team overview, whose rows follow from the allocations in force at that moment."""
    if db.session().in_transaction():  # a cached response read nothing through the session
        db.session.commit()
    entry = {"worker_id": worker_id, "child_id": child_id, "action": READ, "route": route, "at": utc_now()}
    write_alone_relaxed(db.engine, READ_ENTRY, entry)


def note_change(worker_id: str, child_id: str, route: str) -> None:
    """Adds the entry to the change's own transaction, so it commits (or not) with the change."""
    db.session.add(AuditEntry(worker_id=worker_id, child_id=child_id, action=CHANGE, route=route))
