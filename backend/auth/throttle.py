"""Sign-in throttling: too many attempts for one account, or from one address, in a window.

Kept in the database rather than in memory so that every app server process counts the
same attempts. Keys are hashes: the table holds no email addresses or IP addresses.

An attempt is reserved (written as a failure) before its password is checked, in a short
transaction that counts and writes under a lock, and released only if the password was
right. Checking first and recording after let concurrent guesses all pass the count
before any of them was recorded; reserving first lets at most the limit through.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, text

from ..clock import utc_now
from ..extensions import db
from ..persistence.security import LoginFailure
from ..services.errors import Throttled


@dataclass(frozen=True)
class Attempt:
    """A reserved attempt: the rows that count it against each key until it is released."""

    row_ids: tuple[int, ...]


def throttle_keys(email: str, address: str | None) -> tuple[str, str]:
    return _key("account", email.strip().lower()), _key("address", address or "unknown")


def start_key(address: str | None) -> str:
    """Beginning a sign-in at the organisation's provider counts apart from failed sign-ins:
    a worker who starts twice must not use up the attempts their callback needs."""
    return _key("start", address or "unknown")


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:64]}"


def reserve_attempt(keys: tuple[str, ...], max_attempts: int, window_seconds: int) -> Attempt:
    """Counts the attempt against every key, or raises Throttled; commits either way."""
    _lock(keys)
    now = utc_now()
    since = now - timedelta(seconds=window_seconds)
    # Old failures no longer count; dropping them keeps the table the size of one window.
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= since))
    for key in keys:
        recent = db.session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.failed_at > since)
        )
        if (recent or 0) >= max_attempts:
            db.session.commit()
            raise Throttled(retry_after=window_seconds)
    rows = [LoginFailure(key=key, failed_at=now) for key in keys]
    db.session.add_all(rows)
    db.session.flush()
    attempt = Attempt(tuple(row.id for row in rows))
    db.session.commit()
    return attempt


def _lock(keys: tuple[str, ...]) -> None:
    """Serialises reservations for the same keys until the transaction ends.

    SQLite needs nothing more: every transaction outside a read-only request starts with
    BEGIN IMMEDIATE (persistence/sqlite.py), which holds the database's write lock. On
    PostgreSQL, read committed lets two transactions count at once, so each takes a
    transaction-scoped advisory lock per key, in a fixed order so two never deadlock."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(keys):
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": lock_id})


def release_attempt(attempt: Attempt, account_key: str) -> None:
    """After a right password: the attempt was no failure, and the account's earlier ones are forgiven."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt.row_ids)))
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
