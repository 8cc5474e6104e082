"""npm's oidc-provider (the certified Node implementation) on loopback, started by the tests.

tests/js/oidc_provider.mjs runs it with the accounts and clients given here; a browser (a
``requests`` session) follows its redirects, naming the account in ``login_hint``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

JS_DIR = Path(__file__).resolve().parents[1] / "js"
CLIENT_ID = "visits"
CLIENT_SECRET = "loopback-client-secret-for-tests-only"
APP_ORIGIN = "http://localhost"
CALLBACK = f"{APP_ORIGIN}/api/session/organisation/callback"


@contextmanager
def running_provider(accounts: dict[str, dict[str, Any]], callback: str = CALLBACK) -> Iterator[str]:
    """The issuer URL of a provider holding ``accounts`` (sub -> email, name, roles, tamper),
    sending the browser back to ``callback``."""
    node = shutil.which("node")
    if node is None or not (JS_DIR / "node_modules" / "oidc-provider").is_dir():
        message = "node and tests/js/node_modules (npm ci in tests/js) are needed for oidc-provider"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    clients = [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [callback],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        }
    ]
    process = subprocess.Popen(
        [node, str(JS_DIR / "oidc_provider.mjs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps({"accounts": accounts, "clients": clients}) + "\n")
        process.stdin.flush()
        yield json.loads(process.stdout.readline())["issuer"]
    finally:
        process.kill()
        process.wait(timeout=10)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


def authorize(authorization_url: str, account: str) -> str:
    """Follows the provider's redirects as a browser would, signed in there as ``account``;
    returns the address the provider sends the browser back to (this app's callback)."""
    browser = requests.Session()
    url = f"{authorization_url}&login_hint={account}"
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), (response.status_code, response.text[:300])
        url = urljoin(url, response.headers["Location"])
        if url.startswith(APP_ORIGIN + "/"):
            return url
    raise AssertionError("the provider never sent the browser back")
