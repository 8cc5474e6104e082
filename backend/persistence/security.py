"""Server-side sign-in sessions, failed sign-in attempts (for throttling) and sign-ins under way
at the organisation's identity provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime


class SessionRow(Model):
    """One signed-in device. Only a hash of the cookie's token is stored, so a database
    leak does not hand out live sessions."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class LoginFailure(Model):
    """A failed sign-in, keyed by a hash of the account or of the address it came from."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class OrganisationSignInRow(Model):
    """A sign-in begun at the organisation's identity provider and not yet come back: the
    PKCE verifier and nonce it needs, under a hash of its ``state``. The callback deletes
    the row as it reads it, so a state (and its code) serves once; the browser that began
    it proves itself with a cookie whose hash is kept here (no sign-in forced on a victim)."""

    __tablename__ = "organisation_sign_ins"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
