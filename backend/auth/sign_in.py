"""Signing in and out with any identity provider; throttled per account and per address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..extensions import db
from ..persistence.people import Worker
from ..services.errors import Unauthenticated
from .providers import IdentityProvider
from .sessions import end_session, start_session
from .throttle import release_attempt, reserve_attempt, throttle_keys

WRONG_CREDENTIALS = "Email or password is wrong."


def sign_in(
    provider: IdentityProvider, email: str, secret: str, address: str | None, config: Mapping[str, Any]
) -> tuple[str, Worker]:
    """A new session token and its worker; Throttled or Unauthenticated otherwise."""
    worker = throttled_authenticate(provider, email, secret, address, config)
    if worker is None:
        raise Unauthenticated(WRONG_CREDENTIALS)
    token = start_session(worker.id, provider.name)
    db.session.commit()
    return token, worker


def throttled_authenticate(
    provider: IdentityProvider, email: str, secret: str, address: str | None, config: Mapping[str, Any]
) -> Worker | None:
    """The worker these credentials prove, or None (the attempt then counts as a failure);
    Throttled once the account or the address has used up its attempts. The caller commits."""
    keys = throttle_keys(email, address)
    attempt = reserve_attempt(keys, config["LOGIN_MAX_FAILURES"], config["LOGIN_WINDOW_SECONDS"])
    worker = provider.authenticate(email, secret)
    if worker is None:
        db.session.rollback()
        return None
    release_attempt(attempt, keys[0])
    return worker


def sign_out(token_hash: str) -> None:
    end_session(token_hash)
    db.session.commit()
