"""Per-request sign-in and CSRF checks for ``/api``, and who the current worker is.

Every ``/api`` endpoint needs a signed-in worker unless its handler is marked ``@public``,
and every POST, PUT, PATCH and DELETE needs the session's CSRF token in ``X-CSRF-Token``
unless marked ``@csrf_exempt`` (only signing in, which has no session yet).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, Request, Response, current_app, g, request
from flask.sessions import SessionInterface

from ..auth.cookies import set_session_cookie
from ..auth.sessions import ActiveSession, csrf_token_matches, resolve_session, touch_session
from ..extensions import db
from ..persistence.people import Worker
from ..services.access import Viewer
from .problems import problem

CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Endpoints of other libraries' views, which cannot carry the @public mark.
PUBLIC_ENDPOINTS = frozenset({"api-docs.openapi_json"})
F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a handler as reachable without signing in."""
    view._public = True  # type: ignore[attr-defined]
    return view


def csrf_exempt(view: F) -> F:
    view._csrf_exempt = True  # type: ignore[attr-defined]
    return view


def current_session() -> ActiveSession | None:
    return g.get("active_session")


def current_worker() -> Worker | None:
    """The signed-in worker's whole row, loaded on demand: most requests need only the
    id, role and team that the session lookup already read (``current_viewer``)."""
    session = current_session()
    return db.session.get(Worker, session.worker_id) if session else None


def current_viewer() -> Viewer:
    """The signed-in worker as the plain value services take; only called behind the guard."""
    session = current_session()
    if session is None:
        raise RuntimeError("current_viewer() outside a signed-in request")
    return Viewer(worker_id=session.worker_id, role=session.role, team_id=session.team_id)


class NoFlaskSession(SessionInterface):
    """Sign-in lives in server-side sessions; Flask's own session, a signed cookie, is unused.
    Left in place, it would try to decode our session cookie (the same configured name) as
    one of its own on every request. Anything that writes ``flask.session`` now fails loudly."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask puts a NullSession in its place

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


def init_app(app: Flask) -> None:
    app.session_interface = NoFlaskSession()
    app.before_request(_load_session)
    app.before_request(_guard_api)
    app.after_request(_refresh_session)


def _load_session() -> None:
    token = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    if not token:
        return
    idle_limit = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    session = resolve_session(token, idle_limit)
    if session is not None and session.needs_touch:
        touch_session(session.token_hash)
        db.session.commit()
    g.active_session = session


def _guard_api() -> Response | None:
    if not request.path.startswith("/api/") or request.endpoint is None:
        return None
    handler = _handler()
    if request.endpoint in PUBLIC_ENDPOINTS or getattr(handler, "_public", False):
        return None
    session = current_session()
    if session is None:
        return problem(401, "Sign in first.")
    needs_csrf = request.method in UNSAFE_METHODS and not getattr(handler, "_csrf_exempt", False)
    presented = request.headers.get(CSRF_HEADER)
    if needs_csrf and not csrf_token_matches(session.token_hash, current_app.config["SECRET_KEY"], presented):
        return problem(403, f"Missing or wrong {CSRF_HEADER} header.")
    return None


def _handler() -> Any:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, request.method.lower(), None)
    return view


def _refresh_session(response: Response) -> Response:
    """Slide the cookie's expiry along with the session's, whenever the session was touched."""
    session = current_session()
    if session is not None and session.needs_touch and not g.get("session_ended"):
        set_session_cookie(response, request.cookies[current_app.config["SESSION_COOKIE_NAME"]])
    return response
