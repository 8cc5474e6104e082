"""Carers (foster carers and connected persons) and the supervising social worker's visits to them.

Least data, as for children: a reference, a name, the dates the schedule needs and the
household key that children's placements name (``EpisodeRow.carer_household``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime, new_id


class CarerRow(Model):
    __tablename__ = "carers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # core.vocabulary.CARER_TYPES
    type: Mapped[str] = mapped_column(String(40))
    approved: Mapped[date]
    # Transfer to the supervising team after approval; supervision runs from it when known.
    transferred: Mapped[date | None]
    # The day the carer stopped fostering (resigned, deregistered): no visits due from then.
    ended: Mapped[date | None]
    household: Mapped[str | None] = mapped_column(String(64), index=True)
    supervising_worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    # The fostering team that holds the carer (its manager oversees them, as for a child).
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class CarerVisitRow(Model):
    """A visit to a carer; its id is chosen by the phone that recorded it, so a replay finds the same row."""

    __tablename__ = "carer_visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    carer_id: Mapped[str] = mapped_column(ForeignKey("carers.id", ondelete="CASCADE"), index=True)
    date: Mapped[date]
    unannounced: Mapped[bool]
    visitor_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
