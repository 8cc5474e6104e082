"""Identity providers: each one turns credentials into a known, active worker (or nothing).

Local accounts are one provider. An organisation's identity provider (Microsoft Entra ID over
OpenID Connect) would be another, with its own redirect and callback routes that end, like
local sign-in, in ``sessions.start_session(worker_id, provider=...)``: sessions, CSRF and
access rules do not care how the worker proved who they are.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select

from ..extensions import db
from ..persistence.people import Worker
from .passwords import hash_password, needs_rehash, verify_password


class IdentityProvider(Protocol):
    name: str

    def authenticate(self, email: str, secret: str) -> Worker | None:
        """The active worker these credentials prove, or None; never says which part was wrong."""


class LocalPasswordProvider:
    name = "local"

    def authenticate(self, email: str, secret: str) -> Worker | None:
        worker = db.session.scalar(select(Worker).where(Worker.email == email.strip().lower()))
        stored_hash = worker.password_hash if worker is not None and worker.active else None
        if not verify_password(stored_hash, secret) or worker is None:
            return None
        if stored_hash and needs_rehash(stored_hash):
            worker.password_hash = hash_password(secret)
        return worker
