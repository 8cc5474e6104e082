"""What a team manager's supervision adds: escalations of overdue visits, and cover ("act for")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Insert, String, UniqueConstraint
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model, db
from .types import UTCDateTime, new_id


class EscalationRow(Model):
    """A child's visit in one role that went overdue, escalated to the team's manager once: the
    unique (child, role, due) is what makes the escalation job send one message per missed due date."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("child_id", "role", "due", name="uq_escalations_child_id_role_due"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(40))
    due: Mapped[date]
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    escalated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class CoverRow(Model):
    """A colleague acts for an absent worker from ``starts_on`` to ``until`` (inclusive): they see
    and record visits on the absent worker's caseload in the roles allocated to them."""

    __tablename__ = "covers"
    __table_args__ = (Index("ix_covers_covering_id_until", "covering_id", "until"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    absent_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    covering_id: Mapped[str] = mapped_column(ForeignKey("workers.id"))
    starts_on: Mapped[date]
    until: Mapped[date]
    granted_by: Mapped[str] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


def insert_escalations_ignoring_duplicates(rows: list[dict[str, Any]]) -> Insert:
    """INSERT of escalation rows that skips any (child, role, due) already escalated."""
    keys = ["child_id", "role", "due"]
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(EscalationRow).values(rows).on_conflict_do_nothing(index_elements=keys)
    if dialect == "sqlite":
        return sqlite.insert(EscalationRow).values(rows).on_conflict_do_nothing(index_elements=keys)
    raise RuntimeError(f"escalations support PostgreSQL and SQLite, not {dialect}")
