"""Debian's chromium under Playwright, and the app served on loopback, for the browser tests."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(path).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but chromium is missing at {path}")
        pytest.skip(f"chromium not found at {path} (scripts/test installs it)")
    return path


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The access log would drown the test output; failures carry their own detail."""


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """The app on a free loopback port in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def wait_until(
    check: Callable[[], Any], *, page: Page | None = None, timeout: float = 20.0, what: str = "condition"
) -> Any:
    """Poll from Python: the app's CSP forbids the eval that page.wait_for_function relies on.

    With a page, the pause is page.wait_for_timeout, which lets Playwright deliver events
    (CDP events, routes) meanwhile; time.sleep would hold them back.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {result!r})")
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
