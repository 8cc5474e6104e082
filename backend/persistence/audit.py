"""Who read or changed which child's record, when, and through which route (nothing more)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_child_at", "child_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # Plain ids rather than foreign keys: the log outlives the rows it mentions.
    worker_id: Mapped[str | None] = mapped_column(String(32), index=True)
    child_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(200))
