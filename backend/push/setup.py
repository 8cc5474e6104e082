"""Wire push into an app: VAPID keys, the one sender, and the ``send-reminders`` command."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .commands import send_escalations_command, send_reminders_command
from .context import PushSetup
from .sender import PushSender, RetryPolicy
from .subscriptions import EndpointPolicy, resolve_addresses
from .vapid import VapidSigner, load_vapid_keys

DEFAULTS = {
    "VAPID_SUBJECT": "mailto:visit-scheduler@example.org",
    "PUSH_ALLOW_HTTP_LOOPBACK": False,
    "PUSH_ALLOWED_HOSTS": "",
    "PUSH_MAX_CONCURRENCY": 8,
    "PUSH_RETRY_ATTEMPTS": 4,
    "PUSH_RETRY_BASE_DELAY": 1.0,
    "PUSH_RETRY_MAX_DELAY": 60.0,
    "PUSH_TIMEOUT_SECONDS": 10.0,
    "PUSH_DEADLINE_SECONDS": 30.0,
}


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    environ = {name: str(app.config.get(name) or "") for name in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY")}
    keys = load_vapid_keys(Path(app.instance_path), environ)
    policy = RetryPolicy(
        attempts=int(app.config["PUSH_RETRY_ATTEMPTS"]),
        base_delay=float(app.config["PUSH_RETRY_BASE_DELAY"]),
        max_delay=float(app.config["PUSH_RETRY_MAX_DELAY"]),
        read_timeout=float(app.config["PUSH_TIMEOUT_SECONDS"]),
        deadline=float(app.config["PUSH_DEADLINE_SECONDS"]),
    )
    endpoints = EndpointPolicy.from_settings(
        app.config["PUSH_ALLOWED_HOSTS"], bool(app.config["PUSH_ALLOW_HTTP_LOOPBACK"])
    )
    sender = PushSender(
        VapidSigner(keys, app.config["VAPID_SUBJECT"]),
        policy=policy,
        max_workers=int(app.config["PUSH_MAX_CONCURRENCY"]),
        endpoints=endpoints,
    )
    # Said when push is first used (push_setup), not here: commands that never push (``due``,
    # ``import-cases``...) build the app too, and a warning about push would only mislead there.
    placeholder = app.config["VAPID_SUBJECT"] == DEFAULTS["VAPID_SUBJECT"] and app.config.get("APP_ENV") == "production"
    app.extensions["push"] = PushSetup(keys, sender, endpoints, resolve_addresses, warn_placeholder_subject=placeholder)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(send_escalations_command)
