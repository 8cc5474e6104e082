"""Rendered bodies kept per app server: caseloads, obligations and calendar feeds alike, and
each feed event's bytes (feeds/service.py), so a changed feed rebuilds only its changed events.

Working out a caseload loads every child's case and runs the engine over it, while phones and
calendar clients ask again and again with nothing changed. A body is served again only while
its fingerprint is the one it was rendered under: the data version token
(services/data_version.py, changed in the very transaction that changes the data) plus
whatever else the body depends on (today's date, the feed's link base). The token lives in
the database, so a change made through any app server shows on the next request to every
other; each server keeps its own bodies (a render per server per change is cheaper than
sharing bytes across processes).

Only the rendering is cached, never the decision to serve it: callers decide access before
asking.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


def strong_etag(body: bytes) -> str:
    """The same bytes, the same tag (RFC 9110 section 8.8.3)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Rendered:
        return cls(body, strong_etag(body))


class RenderedCache:
    """A least-recently-used map from a key to (fingerprint, rendered body), bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[Hashable, tuple[Hashable, Rendered]] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0  # bodies rendered rather than served from here

    def get(self, key: Hashable, fingerprint: Hashable | None, render: Callable[[], bytes]) -> Rendered:
        """The body for ``key`` rendered under ``fingerprint``; rendered now if there is none.

        Without a fingerprint (the version row is missing) nothing is kept or reused."""
        if fingerprint is not None:
            with self._lock:
                cached = self._entries.get(key)
                if cached is not None and cached[0] == fingerprint:
                    self._entries.move_to_end(key)
                    return cached[1]
        rendered = Rendered.of(render())
        with self._lock:
            self.renders += 1
            if fingerprint is not None:
                self._store(key, fingerprint, rendered)
        return rendered

    def _store(self, key: Hashable, fingerprint: Hashable, rendered: Rendered) -> None:
        replaced = self._entries.pop(key, None)
        if replaced is not None:
            self._bytes -= len(replaced[1].body)
        self._entries[key] = (fingerprint, rendered)
        self._bytes += len(rendered.body)
        while self._bytes > self._max_bytes and self._entries:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)
