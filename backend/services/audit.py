"""The audit trail: who read or changed which child's record, when, through which route.

A change is recorded in the change's own, fully durable, transaction. A read is recorded
once the read's own transaction has ended, as a lone statement (persistence/lone_statements.py):
a plain INSERT, since reads are the hot path and a cached caseload costs little more than
this entry, committed on its own with relaxed durability. The entry survives the app being
killed at any moment; only a power cut in the moment after it can lose it.
"""

from __future__ import annotations

from sqlalchemy import bindparam

from ..clock import utc_now
from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.lone_statements import LoneStatement, write_alone
from ..persistence.types import table_of

READ = "read"
CHANGE = "change"
# A child added by an import (the API records its additions as changes, as it always has).
CREATE = "create"
REFUSED = "refused"
ENTRY_COLUMNS = ("worker_id", "child_id", "action", "route", "at")
# Built once: building a statement costs more than running this one.
READ_ENTRY = LoneStatement(table_of(AuditEntry).insert().values({name: bindparam(name) for name in ENTRY_COLUMNS}))


def record_read(worker_id: str, child_id: str | None, route: str) -> None:
    """A read of one child's record, or (child_id None) of a listing: the caseload, the children
    list or a team overview, whose rows follow from the allocations in force at that moment."""
    # A cached response read nothing through the request's session, which then was never made.
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()
    entry = {"worker_id": worker_id, "child_id": child_id, "action": READ, "route": route, "at": utc_now()}
    write_alone(READ_ENTRY, entry)


def note_change(worker_id: str, child_id: str | None, route: str) -> None:
    """Adds the entry to the change's own transaction, so it commits (or not) with the change
    (``child_id`` None: a change to no child's record, a carer's say, which the route names)."""
    db.session.add(AuditEntry(worker_id=worker_id, child_id=child_id, action=CHANGE, route=route))


def note_refusal(worker_id: str, child_id: str, route: str) -> None:
    """A refused attempt that touched a child's record (a case reference it holds), committed on
    its own: the refusal tells the caller little, and this entry shows who asked."""
    db.session.add(AuditEntry(worker_id=worker_id, child_id=child_id, action=REFUSED, route=route))
    db.session.commit()


def note_team_change(worker_id: str, route: str) -> None:
    """A change that names no child (cover granted or ended), in the change's own transaction."""
    db.session.add(AuditEntry(worker_id=worker_id, child_id=None, action=CHANGE, route=route))
