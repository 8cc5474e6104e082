"""JSON bodies rendered once per data version and kept per app server (caseloads, obligations).

Working out a caseload loads every child's case and runs the engine over it; workers' phones
ask again and again while nothing has changed. A body is served again only while the data
version token (services/data_version.py) is the one it was rendered under, and the token is
read from the database on every request (with the session, auth/sessions.py), so a change
made through any app server shows on the next request to every other. Today's date is part
of every key, so nothing outlives the day it was computed for either.

Views still do their own access checks and audit logging around a cached body: only the
rendering is cached, never the decision to serve it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Response, current_app

from ..services.data_version import current_token
from .guard import current_session


class RenderedCache:
    """A least-recently-used map from a key to (version token, body), bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0  # bodies rendered rather than served from here

    def get(self, key: Hashable, token: str | None, render: Callable[[], bytes]) -> bytes:
        """The body for ``key`` rendered under ``token``; rendered now if there is none.

        Without a token (the version row is missing) nothing is kept or reused."""
        if token is not None:
            with self._lock:
                cached = self._entries.get(key)
                if cached is not None and cached[0] == token:
                    self._entries.move_to_end(key)
                    return cached[1]
        body = render()
        with self._lock:
            self.renders += 1
            if token is not None:
                self._store(key, token, body)
        return body

    def _store(self, key: Hashable, token: str, body: bytes) -> None:
        replaced = self._entries.pop(key, None)
        if replaced is not None:
            self._bytes -= len(replaced[1])
        self._entries[key] = (token, body)
        self._bytes += len(body)
        while self._bytes > self._max_bytes and self._entries:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= len(evicted)


def init_app(app: Any) -> None:
    app.extensions["rendered_cache"] = RenderedCache(app.config.get("RENDERED_CACHE_MAX_BYTES", 64 * 1024 * 1024))


def cached_json(key: Hashable, document: Callable[[], dict[str, Any]]) -> Response:
    """A JSON response of ``document()``, reused while the data it was computed from is unchanged.

    ``key`` must hold everything else the document depends on: the viewer, the dates, the filters.
    """
    cache: RenderedCache = current_app.extensions["rendered_cache"]
    body = cache.get(key, _data_version(), lambda: render_json(document()))
    return current_app.response_class(body, mimetype="application/json")


def _data_version() -> str | None:
    """The token as read with the caller's session at the start of the request, which is
    early enough: a body rendered after a later change is newer than its token, never staler,
    and the next request, reading the new token, renders again."""
    session = current_session()
    return session.data_version if session is not None else current_token()


def render_json(document: dict[str, Any]) -> bytes:
    """The bytes flask-smorest's jsonify would send for the same (already dumped) document."""
    return f"{current_app.json.dumps(document, separators=(',', ':'))}\n".encode()
