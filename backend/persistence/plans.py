"""Planned contacts: a worker's booking of the next contact with a child.

The id is chosen by the phone that made the plan, as for visits, so a plan queued offline
replays onto the same row. ``starts_at`` is the instant; local wall time is worked out from
it in Europe/London wherever it is shown.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime

PLAN_STATUSES = ("planned", "completed", "cancelled")
NOTE_LENGTH = 500


class PlanRow(Model):
    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_child_role_status", "child_id", "role", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(40))
    planner_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(20))
    # A note to self: returned to the planner only, never to feeds or notifications.
    note: Mapped[str] = mapped_column(String(NOTE_LENGTH), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    # The visit recorded from the plan; a plain id, as the visit may be made before this row sees it.
    visit_id: Mapped[str | None] = mapped_column(String(36))
    # The due date and plan-by date the plan answered when it was completed or cancelled; an
    # open plan is judged afresh against the current due date instead.
    answered_due: Mapped[date | None]
    answered_plan_by: Mapped[date | None]
    # How many times the plan was replaced (moved): a calendar feed's SEQUENCE for its event.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
