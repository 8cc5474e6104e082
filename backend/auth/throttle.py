"""Sign-in throttling: too many failures for one account, or from one address, in a window.

Kept in the database rather than in memory so that every app server process counts the
same failures. Keys are hashes: the table holds no email addresses or IP addresses.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..persistence.security import LoginFailure
from ..persistence.types import utc_now
from ..services.errors import Throttled


def throttle_keys(email: str, address: str | None) -> tuple[str, str]:
    return _key("account", email.strip().lower()), _key("address", address or "unknown")


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:64]}"


def ensure_not_throttled(keys: tuple[str, ...], max_failures: int, window_seconds: int) -> None:
    since = utc_now() - timedelta(seconds=window_seconds)
    for key in keys:
        failures = db.session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.failed_at > since)
        )
        if (failures or 0) >= max_failures:
            raise Throttled(retry_after=window_seconds)


def record_failure(keys: tuple[str, ...], window_seconds: int) -> None:
    now = utc_now()
    # Old failures no longer count; dropping them keeps the table the size of one window.
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - timedelta(seconds=window_seconds)))
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in keys)


def forget_failures(key: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
