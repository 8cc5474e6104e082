"""Feed secrets, log scrubbing and the rendered-feed cache: the parts that need no app."""

from __future__ import annotations

import logging
import subprocess
import sys

from backend.feeds.logscrub import FeedTokenFilter, scrub
from backend.feeds.tokens import looks_like_token, mint_token, token_hash
from backend.services.rendered_cache import RenderedCache


def test_a_minted_token_carries_256_random_bits_and_looks_like_one() -> None:
    tokens = {mint_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) == 43 and looks_like_token(token) for token in tokens)


def test_the_stored_hash_is_sha256_hex_and_not_the_token() -> None:
    token = mint_token()
    digest = token_hash(token)
    assert len(digest) == 64 and token not in digest
    assert token_hash(token) == digest


def test_anything_not_minted_is_refused_before_a_lookup() -> None:
    for text in ("", "short", "x" * 44, "a" * 42 + "/", "../../etc/passwd" + "a" * 27, "a" * 42 + "é"):
        assert not looks_like_token(text)


def test_scrub_hides_the_token_in_a_request_line() -> None:
    token = mint_token()
    line = f'127.0.0.1 - - [23/Nov/2026] "GET /feeds/{token}.ics HTTP/1.1" 200 -'
    assert token not in scrub(line)
    assert '"GET /feeds/[token].ics HTTP/1.1"' in scrub(line)


def test_the_filter_scrubs_werkzeug_style_arguments_and_gunicorn_atoms() -> None:
    token = mint_token()
    werkzeug = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '"%s" %s %s', (f"GET /feeds/{token}.ics HTTP/1.1", "200", "-"), None
    )
    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(U)s", None, None)
    gunicorn.args = {"r": f"GET /feeds/{token}.ics HTTP/1.1", "U": f"/feeds/{token}.ics", "s": "200"}
    for record in (werkzeug, gunicorn):
        assert FeedTokenFilter().filter(record)
        assert token not in record.getMessage()
        assert "/feeds/[token].ics" in record.getMessage()


def test_the_cache_builds_once_per_fingerprint() -> None:
    cache = RenderedCache(max_bytes=1024)
    built: list[bytes] = []

    def build(body: bytes):
        return lambda: built.append(body) or body

    first = cache.get("feed-1", (1, "2026-11-23"), build(b"one"))
    again = cache.get("feed-1", (1, "2026-11-23"), build(b"never built"))
    changed = cache.get("feed-1", (2, "2026-11-23"), build(b"two"))
    assert (first.body, again.body, changed.body) == (b"one", b"one", b"two")
    assert built == [b"one", b"two"] and cache.renders == 2
    assert first.etag == again.etag != changed.etag


def test_the_cache_forgets_the_least_recently_used_body() -> None:
    cache = RenderedCache(max_bytes=2)
    for key in ("a", "b", "a", "c"):
        cache.get(key, 1, lambda key=key: key.encode())
    cache.get("a", 1, lambda: b"rebuilt")
    cache.get("b", 1, lambda: b"rebuilt")
    assert cache.renders == 4  # a, b, c, then b again: a stayed, b was evicted


def test_without_a_fingerprint_nothing_is_kept() -> None:
    cache = RenderedCache(max_bytes=1024)
    cache.get("a", None, lambda: b"one")
    assert cache.get("a", None, lambda: b"two").body == b"two" and cache.renders == 2


def test_the_renderer_loads_no_web_framework_or_orm() -> None:
    probe = (
        "import sys, backend.feeds.render, backend.feeds.tokens, backend.feeds.logscrub\n"
        "import backend.services.rendered_cache\n"
        "print(','.join(name for name in ('flask', 'sqlalchemy', 'marshmallow') if name in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
