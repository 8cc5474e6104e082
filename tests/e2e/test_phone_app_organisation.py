"""The phone app's sign-in page offers the organisation's button when it is configured, and the
button signs in through a real OpenID provider on loopback (npm's oidc-provider), service
worker and all, ending on the worker's list; a refused sign-in comes back to the sign-in page."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext
from werkzeug.serving import make_server

from tests.e2e.apps import make_app
from tests.e2e.browser import QuietHandler
from tests.e2e.phone import wait_ready
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, running_provider
from tests.support.world import add_team, add_worker

pytestmark = pytest.mark.browser
ACCOUNTS = {"default": {"email": "sam@example.org", "name": "Sam Patel", "roles": ["Visits.SocialWorker"]}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_sign_in_page_offers_the_organisations_button_which_signs_in(
    context: BrowserContext, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_provider(ACCOUNTS, callback=f"{base}/api/session/organisation/callback") as issuer:
        app = make_app(
            tmp_path,
            OIDC_ISSUER=issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_ROLES="Visits.SocialWorker=social_worker/North",
            OIDC_BUTTON_LABEL="Sign in with Example Council",
            LOCAL_PASSWORDS=False,
        )
        add_worker(app, "social_worker", add_team(app, "North"), email="sam@example.org", name="Sam Patel")
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            page = context.new_page()
            # A refusal on the way back (here the provider's own) lands on the sign-in page, saying so.
            page.goto(base + "/api/session/organisation/callback?error=access_denied&state=s")
            page.wait_for_selector("#sign-in-error:has-text('did not complete')")
            assert page.url == base + "/sign-in?problem=401"
            page.goto(base + "/")
            button = page.wait_for_selector("#sign-in-organisation:not([hidden])")
            assert button.text_content() == "Sign in with Example Council"
            assert page.is_hidden("#sign-in-form")  # local passwords are off
            button.click()
            page.wait_for_selector("#screen-visits:not([hidden])")
            wait_ready(page)
            assert page.url == base + "/"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
