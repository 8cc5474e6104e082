"""JSON bodies (caseloads, obligations) from the one rendered-response cache (services/rendered_cache.py).

The data version token is read from the database on every request, with the session
(auth/sessions.py), so a change made through any app server shows on the next request to every
other. Today's date is part of every key, so nothing outlives the day it was computed for either.

Views decide access and write the audit row on every request, before and after asking for a
body: only the rendering is cached, never the decision to serve it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Response, current_app

from ..services.data_version import current_token
from ..services.rendered_cache import RenderedCache
from .guard import current_session


def init_app(app: Any) -> None:
    app.extensions["rendered_cache"] = RenderedCache(app.config.get("RENDERED_CACHE_MAX_BYTES", 64 * 1024 * 1024))


def cached_json(key: Hashable, document: Callable[[], dict[str, Any]]) -> Response:
    """A JSON response of ``document()``, reused while the data it was computed from is unchanged.

    ``key`` must hold everything else the document depends on: the viewer, the dates, the filters.
    """
    cache: RenderedCache = current_app.extensions["rendered_cache"]
    rendered = cache.get(key, _data_version(), lambda: render_json(document()))
    return current_app.response_class(rendered.body, mimetype="application/json")


def _data_version() -> str | None:
    """The token as read with the caller's session at the start of the request, which is
    early enough: a body rendered after a later change is newer than its token, never staler,
    and the next request, reading the new token, renders again."""
    session = current_session()
    return session.data_version if session is not None else current_token()


def render_json(document: dict[str, Any]) -> bytes:
    """The bytes flask-smorest's jsonify would send for the same (already dumped) document."""
    return f"{current_app.json.dumps(document, separators=(',', ':'))}\n".encode()
