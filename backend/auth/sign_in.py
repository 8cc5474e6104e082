"""Signing in and out with any identity provider; throttled per account and per address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..extensions import db
from ..persistence.people import Worker
from ..services.errors import Unauthenticated
from .providers import IdentityProvider
from .sessions import end_session, start_session
from .throttle import ensure_not_throttled, forget_failures, record_failure, throttle_keys

WRONG_CREDENTIALS = "Email or password is wrong."


def sign_in(
    provider: IdentityProvider, email: str, secret: str, address: str | None, config: Mapping[str, Any]
) -> tuple[str, Worker]:
    """A new session token and its worker; Throttled or Unauthenticated otherwise."""
    keys = throttle_keys(email, address)
    window = config["LOGIN_WINDOW_SECONDS"]
    ensure_not_throttled(keys, config["LOGIN_MAX_FAILURES"], window)
    worker = provider.authenticate(email, secret)
    if worker is None:
        db.session.rollback()
        record_failure(keys, window)
        db.session.commit()
        raise Unauthenticated(WRONG_CREDENTIALS)
    forget_failures(keys[0])
    token = start_session(worker.id, provider.name)
    db.session.commit()
    return token, worker


def sign_out(token_hash: str) -> None:
    end_session(token_hash)
    db.session.commit()
