"""Children and what the scheduler needs about them: allocations, plan episodes, events, visits.

Least data: a case reference, a name and a date of birth; case recording stays in the
council's case-management system.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime, new_id


class Child(Model):
    __tablename__ = "children"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    date_of_birth: Mapped[date | None]
    # The team responsible for the child even while nobody is allocated (set when a manager adds it).
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # A family or sibling-group key from the case-management system (the SSD's fami_family_id):
    # children sharing it are listed together and can be seen in one household visit.
    household: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class Allocation(Model):
    """A worker holds a child in one visiting role from ``starts_on`` until ``ends_on`` (exclusive)."""

    __tablename__ = "allocations"
    __table_args__ = (
        Index("ix_allocations_worker_current", "worker_id", "ends_on"),
        Index("ix_allocations_child_role", "child_id", "role"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"))
    role: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]


class EpisodeRow(Model):
    __tablename__ = "episodes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    start: Mapped[date]
    end: Mapped[date | None]
    placement: Mapped[str | None] = mapped_column(String(40))
    legal_status: Mapped[str | None] = mapped_column(String(40))
    # The carers' household the child is placed with (persistence/carers.py), if named.
    carer_household: Mapped[str | None] = mapped_column(String(64), index=True)
    # Keeps the order episodes were given in: of two equally early due dates the engine
    # explains the first episode's, and the API must explain what the `due` command explains.
    position: Mapped[int] = mapped_column(default=0)


class EventRow(Model):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    date: Mapped[date]
    # Europe/London wall time, for hour-counted duties; the role allocated, for an "allocated" event.
    time: Mapped[time | None]
    role: Mapped[str | None] = mapped_column(String(40))


class OverrideRow(Model):
    """A more frequent cadence agreed for one child and role (it only ever tightens)."""

    __tablename__ = "overrides"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    every: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date]
    until: Mapped[date | None]
    reason: Mapped[str] = mapped_column(String(500))
    # The manager who agreed it through the API; None for one imported from a case file, whose
    # reason says who agreed it.
    agreed_by: Mapped[str | None] = mapped_column(ForeignKey("workers.id"))


class VisitRow(Model):
    """A visit; its id is chosen by the phone that recorded it, so a replay finds the same row."""

    __tablename__ = "visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    date: Mapped[date]
    role: Mapped[str] = mapped_column(String(40))
    child_seen: Mapped[bool]
    # Unknown (None) for visits imported from a case file.
    seen_alone: Mapped[bool | None]
    # Practice conditions (core/practice_checks.py); None when not said.
    bedroom_seen: Mapped[bool | None]
    seen_awake: Mapped[bool | None]
    visitor_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    # How contact was made (core.vocabulary.CONTACT_KINDS); None for visits recorded before
    # contacts had kinds, all of them visits in person. Only contact in person reaches the engine.
    kind: Mapped[str | None] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # Withdrawn as recorded in error (services/visit_withdrawals.py): kept in the history, never
    # counted for a due date.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(ForeignKey("workers.id"))
    # The day the visit's record was completed (None: not yet); its write-up deadline runs until then.
    written_up: Mapped[dt.date | None]
