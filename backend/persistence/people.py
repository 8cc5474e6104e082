"""Teams and workers (the people who sign in and visit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime, new_id

WORKER_ROLES = ("social_worker", "personal_adviser", "team_manager", "admin")


class Team(Model):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Worker(Model):
    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Stored lower-cased: sign-in and imports match emails without regard to case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # None for accounts that sign in only through an organisation's identity provider.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # The organisation's identity provider's stable id for the person (Entra's ``oid``, else the
    # ID token's ``sub``), recorded at their first sign-in there: an email can be reassigned.
    idp_subject: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The directory's own id for the person, as its SCIM provisioning client sends it.
    scim_external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    team: Mapped[Team | None] = relationship(lazy="joined")
