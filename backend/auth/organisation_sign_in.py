"""Signing in through the organisation's identity provider, ending like a local sign-in in a
server-side session (sessions.py), throttled per address and then per account (throttle.py).

The worker comes from the ID token: found by the provider's id for them (or, the first time,
by their email), their role and team set from the token's app roles (app_roles.py). A person
with no mapped app role, a disabled worker, and a person who is no worker yet are refused,
unless the configuration lets a first sign-in create workers of that role (audited).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select

from ..clock import utc_now
from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.people import Worker
from ..persistence.security import OrganisationSignInRow
from ..services.errors import Forbidden, Throttled
from .accounts import team_named
from .organisation import OrganisationProvider, refuse
from .sessions import start_session
from .throttle import release_attempt, reserve_attempt, start_key, throttle_keys

CALLBACK_ROUTE = "/api/session/organisation/callback"
WORKER_CREATED = "worker_create"
WORKER_CHANGED = "worker_change"
NO_ROLE = "Your organisation has not given you a role in this service. Ask your administrator."
NOT_A_WORKER = "You are not set up in this service. Ask your administrator."
DISABLED = "This account is disabled."
BUSY = "Too many sign-ins are under way. Try again in a minute."
log = logging.getLogger(__name__)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def begin_sign_in(
    provider: OrganisationProvider, redirect_uri: str, address: str | None, config: Mapping[str, Any]
) -> tuple[str, str]:
    """The provider's authorization address to send the browser to, and the secret the
    browser keeps in a cookie to prove, on its way back, that it began this sign-in.

    Throttled when this address has begun too many, or too many are under way: anyone may
    begin one, and each is a row until it ends or expires."""
    state, nonce, browser = (secrets.token_urlsafe(32) for _ in range(3))
    code_verifier = secrets.token_urlsafe(64)
    _make_room(config)
    reserve_attempt((start_key(address),), config["OIDC_STARTS_PER_ADDRESS"], config["LOGIN_WINDOW_SECONDS"])
    url = provider.authorization_url(state, nonce, code_verifier, redirect_uri)  # committed: nothing open
    db.session.add(
        OrganisationSignInRow(
            state_hash=_hash(state), browser_hash=_hash(browser), nonce=nonce, code_verifier=code_verifier
        )
    )
    db.session.commit()
    return url, browser


def _make_room(config: Mapping[str, Any]) -> None:
    """Drops expired sign-ins, then refuses (committing) if the rest reach the ceiling. Checked
    before the address is counted, so a refused start leaves no row behind in either table."""
    lifetime = config["OIDC_SIGN_IN_SECONDS"]
    expired = utc_now() - timedelta(seconds=lifetime)
    db.session.execute(delete(OrganisationSignInRow).where(OrganisationSignInRow.created_at < expired))
    pending = db.session.scalar(select(func.count()).select_from(OrganisationSignInRow)) or 0
    db.session.commit()
    if pending >= config["OIDC_PENDING_MAX"]:
        log.warning("organisation sign-in start refused: %d sign-ins under way", pending)
        # The oldest under way expires within its lifetime; a shorter wait would mostly fail again.
        raise Throttled(retry_after=min(lifetime, 60), message=BUSY)


def finish_sign_in(
    provider: OrganisationProvider,
    callback: tuple[str, str, str | None],
    redirect_uri: str,
    address: str | None,
    config: Mapping[str, Any],
) -> tuple[str, Worker]:
    """``callback``: the code and state the provider sent back and the browser's cookie. A new
    session token and its worker; Throttled, Unauthenticated or Forbidden otherwise."""
    code, state, browser = callback
    address_key = throttle_keys("", address)[1]
    attempt = reserve_attempt((address_key,), config["LOGIN_MAX_FAILURES"], config["LOGIN_WINDOW_SECONDS"])
    code_verifier, nonce = _take_pending(state, browser, config)
    claims = provider.claims_for_code(code, code_verifier, nonce, redirect_uri)  # nothing open: committed above
    worker = worker_for_claims(provider, claims)
    release_attempt(attempt, throttle_keys(worker.email, address)[0])
    token = start_session(worker.id, provider.name)
    db.session.commit()
    return token, worker


def _take_pending(state: str, browser: str | None, config: Mapping[str, Any]) -> tuple[str, str]:
    """The begun sign-in's verifier and nonce, deleted as they are read (a state serves once)."""
    taken = db.session.execute(
        delete(OrganisationSignInRow)
        .where(OrganisationSignInRow.state_hash == _hash(state))
        .returning(
            OrganisationSignInRow.browser_hash,
            OrganisationSignInRow.code_verifier,
            OrganisationSignInRow.nonce,
            OrganisationSignInRow.created_at,
        )
    ).first()
    db.session.commit()
    if taken is None:
        refuse("unknown or already used state")
    browser_hash, code_verifier, nonce, created_at = taken
    if browser is None or not hmac.compare_digest(browser_hash, _hash(browser)):
        refuse("the state was begun in another browser")
    if utc_now() - created_at > timedelta(seconds=config["OIDC_SIGN_IN_SECONDS"]):
        refuse("the sign-in took too long")
    return code_verifier, nonce


def worker_for_claims(provider: OrganisationProvider, claims: Mapping[str, Any]) -> Worker:
    """The active worker the checked claims name, their role and team as the app roles say."""
    grant = provider.settings.roles.grant_for(claims.get("roles"))
    if grant is None:
        raise Forbidden(NO_ROLE)
    subject = str(claims.get("oid") or claims["sub"])
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    worker = db.session.scalar(select(Worker).where(Worker.idp_subject == subject))
    if worker is None and "@" in email:
        worker = db.session.scalar(select(Worker).where(Worker.email == email, Worker.idp_subject.is_(None)))
    if worker is None:
        if grant.role not in provider.settings.creatable_roles or "@" not in email:
            raise Forbidden(NOT_A_WORKER)
        worker = Worker(email=email, name=_name(claims, email), role=grant.role, idp_subject=subject)
        db.session.add(worker)
        action = WORKER_CREATED
    elif not worker.active:
        raise Forbidden(DISABLED)
    else:
        action = WORKER_CHANGED if _changed(worker, role=grant.role) else ""
        _changed(worker, idp_subject=subject)
    if grant.team is not None and _changed(worker, team_id=team_named(grant.team).id) and not action:
        action = WORKER_CHANGED
    db.session.flush()
    if action:
        db.session.add(AuditEntry(worker_id=worker.id, child_id=None, action=action, route=f"GET {CALLBACK_ROUTE}"))
    return worker


def _changed(worker: Worker, **values: Any) -> bool:
    """Sets only what differs: an unchanged worker stays clean, so a repeated sign-in does not
    move the data version that cached caseloads hang on (services/data_version.py)."""
    changed = False
    for name, value in values.items():
        if getattr(worker, name) != value:
            setattr(worker, name, value)
            changed = True
    return changed


def _name(claims: Mapping[str, Any], email: str) -> str:
    name = str(claims.get("name") or "").strip()
    return name[:200] if name and name.isprintable() else email
