"""Rendered feeds kept per process, keyed by a cheap fingerprint of everything they depend on.

A calendar client polls every few minutes to every few hours whether or not anything
changed. Working out a caseload runs the engine over every child, so a poll first
compares the fingerprint (the data version, today's date and the settings; see
feeds/service.py) with the one the cached bytes were built from, and only a mismatch
rebuilds. Each gunicorn worker keeps its own copy: a rebuild per worker per change is
cheaper than sharing bytes across processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .render import feed_etag


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> RenderedFeed:
        return cls(body, feed_etag(body))


class FeedCache:
    def __init__(self, max_feeds: int = 2048) -> None:
        self._max_feeds = max_feeds
        self._entries: OrderedDict[Hashable, tuple[Hashable, RenderedFeed]] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0  # how many times a feed was rendered rather than served from here

    def get(self, key: Hashable, fingerprint: Hashable, build: Callable[[], bytes]) -> RenderedFeed:
        """The cached feed for ``key`` if it was built from ``fingerprint``; otherwise build it now."""
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None and cached[0] == fingerprint:
                self._entries.move_to_end(key)
                return cached[1]
        rendered = RenderedFeed.of(build())
        with self._lock:
            self.builds += 1
            self._entries[key] = (fingerprint, rendered)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_feeds:
                self._entries.popitem(last=False)
        return rendered
