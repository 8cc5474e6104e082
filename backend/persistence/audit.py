"""Who read or changed which child's (or carer's) record, when, and through which route (nothing more)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime

# Only the reads and changes of one child's record: the question with a deadline is "who read
# this child's record" (a subject access request). Every request that shows child data adds a
# row, and each index is another page written per row, so listings (no child) skip this one and
# there is no index by worker: an investigation of one worker's reads scans the table.
PER_CHILD = text("child_id IS NOT NULL")
# The same question for a carer ("who read this foster carer's record"): a carer is a person
# with the same rights, and far fewer rows name one, so this index costs little.
PER_CARER = text("carer_id IS NOT NULL")


class AuditEntry(Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_child_at", "child_id", "at", sqlite_where=PER_CHILD, postgresql_where=PER_CHILD),
        Index("ix_audit_log_carer_at", "carer_id", "at", sqlite_where=PER_CARER, postgresql_where=PER_CARER),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # Plain ids rather than foreign keys: the log outlives the rows it mentions.
    worker_id: Mapped[str | None] = mapped_column(String(32))
    child_id: Mapped[str | None] = mapped_column(String(32))
    # A carer's record (reads and changes of carers and their visits); None for everything else.
    carer_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(200))
