"""One visit that saw several children of a household: its id is the phone's, and each child's
visit is an ordinary row of ``visits`` under an id derived from it (services/household_visits.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime


class HouseholdVisitRow(Model):
    """What a replay is compared with: who recorded it and a digest of the whole request, so a
    different list of children (which no per-child row can show) answers as a conflict."""

    __tablename__ = "household_visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visitor_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    date: Mapped[date]
    # SHA-256 of the request's canonical form, in hex.
    digest: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
