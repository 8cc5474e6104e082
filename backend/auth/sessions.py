"""Server-side sessions: the cookie carries a random token, the database a hash of it.

Deleting the row ends the session on every app server at once (signing out, disabling a
worker). The CSRF token is derived from the session, so it lives exactly as long as the
session does: a visit queued offline for days replays with the token it was queued with.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, select, update

from ..clock import utc_now
from ..extensions import db
from ..persistence.lone_statements import LoneStatement, read_alone
from ..persistence.people import Worker
from ..persistence.security import SessionRow
from ..persistence.versions import ROW_ID, DataVersion

# last_seen_at is written at most this often, so reads do not turn into writes.
TOUCH_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True)
class ActiveSession:
    """A live session and what every request needs of its worker, read in one statement."""

    token_hash: str
    worker_id: str
    role: str
    team_id: str | None
    needs_touch: bool
    # The data version as the session was read (services/data_version.py): read here because
    # a cached caseload needs nothing else from the database, so it costs no second query.
    data_version: str | None


def _session_lookup() -> LoneStatement:
    """Built once per process: this runs on every request (persistence/lone_statements.py)."""
    sessions, workers, versions = SessionRow.__table__.c, Worker.__table__.c, DataVersion.__table__.c
    data_version = select(versions.token).where(versions.id == ROW_ID).scalar_subquery()
    return LoneStatement(
        select(sessions.last_seen_at, workers.id, workers.role, workers.team_id, workers.active, data_version)
        .join_from(SessionRow.__table__, Worker.__table__, workers.id == sessions.worker_id)
        .where(sessions.token_hash == bindparam("token_hash"))
    )


SESSION_LOOKUP = _session_lookup()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(worker_id: str, provider: str) -> str:
    """A new session for the worker; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(SessionRow(token_hash=hash_token(token), worker_id=worker_id, provider=provider))
    return token


def resolve_session(token: str, idle_limit: timedelta) -> ActiveSession | None:
    """The live session behind a cookie token: unknown, idle too long or a disabled worker is none."""
    token_hash = hash_token(token)
    row = read_alone(SESSION_LOOKUP, {"token_hash": token_hash})
    if row is None:
        return None
    last_seen, worker_id, role, team_id, active, data_version = row
    now = utc_now()
    if not active or now - last_seen > idle_limit:
        return None
    return ActiveSession(
        token_hash, worker_id, role, team_id, needs_touch=now - last_seen > TOUCH_INTERVAL, data_version=data_version
    )


def touch_session(token_hash: str) -> None:
    db.session.execute(update(SessionRow).where(SessionRow.token_hash == token_hash).values(last_seen_at=utc_now()))


def end_session(token_hash: str) -> None:
    db.session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))


def end_worker_sessions(worker_id: str, keep_token_hash: str | None = None) -> None:
    """Every session of the worker ends, except the one that asked (after a password change)."""
    ending = delete(SessionRow).where(SessionRow.worker_id == worker_id)
    if keep_token_hash is not None:
        ending = ending.where(SessionRow.token_hash != keep_token_hash)
    db.session.execute(ending)


def csrf_token_for(token_hash: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), f"csrf:{token_hash}".encode(), hashlib.sha256).hexdigest()


def csrf_token_matches(token_hash: str, secret_key: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token_for(token_hash, secret_key), presented)
