"""Signing in and out with any identity provider, and changing one's own password;
throttled per account and per address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update

from ..extensions import db
from ..persistence.people import Worker
from ..services.errors import InvalidInput, Unauthenticated
from .accounts import ensure_password_allowed
from .passwords import hash_password
from .providers import IdentityProvider
from .sessions import end_session, end_worker_sessions, start_session
from .throttle import release_attempt, reserve_attempt, throttle_keys

WRONG_CREDENTIALS = "Email or password is wrong."
NOT_CURRENT = "This is not your current password."


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


def change_password(
    provider: IdentityProvider,
    worker: Worker,
    current: str,
    new: str,
    session: tuple[str, str | None],
    config: Mapping[str, Any],
) -> None:
    """The worker's new password, proven by the current one (throttled like signing in);
    every other session of theirs ends. ``session``: the asking session's token hash and address."""
    token_hash, address = session
    email, name = worker.email, worker.name
    ensure_password_allowed(new, email, name, "new_password")
    if new == current:
        raise InvalidInput.field("new_password", "Choose a password different from the current one.")
    db.session.rollback()
    proven = throttled_authenticate(provider, email, current, address, config)
    if proven is None:
        raise InvalidInput.field("current_password", NOT_CURRENT)
    worker_id = proven.id
    db.session.commit()
    # Hashed only once the current password is proven (a throttled caller makes no argon2 work),
    # and outside any transaction: on SQLite one would hold the write lock while it ran.
    new_hash = hash_password(new)
    db.session.execute(update(Worker).where(Worker.id == worker_id).values(password_hash=new_hash))
    end_worker_sessions(worker_id, keep_token_hash=token_hash)
    db.session.commit()
