"""An app with a migrated database, workers, children and devices, for the push tests.

SQLite in a temporary folder by default; ``postgres_database_url`` makes a throwaway
PostgreSQL database on the server TEST_DATABASE_URL names (skipped when it is unset,
failing instead under CI=true).
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from backend.app import create_app
from backend.auth.accounts import create_worker
from backend.push.devices import register_subscription
from backend.push.vapid import VapidKeys
from backend.services.imports import apply_import, plan_import
from tests.support.push_service import LoopbackPushService, Subscriber
from tests.support.reminder_builders import london

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct horse battery staple"
# A full name planted in every case: it must never reach a push payload.
PLANTED_NAME = "Zebedee Quillfeather-Marchbanks"
SECRET = "push-tests-" + "s" * 40
IMPORTED_ON = date(2026, 11, 23)
# One visit on Mon 2 Nov: the child-in-need visit is next due 20 working days later, Mon 30 Nov.
SEEN_ON_2_NOVEMBER = [{"date": "2026-11-02", "role": "social_worker", "child_seen": True}]


def app_settings(database_url: str, keys: VapidKeys) -> dict[str, Any]:
    """Settings as environment variables, for the app and for ``flask`` subprocesses alike."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "APP_ENV": "testing",
        "VAPID_PRIVATE_KEY": keys.private_pem.decode("ascii"),
        "VAPID_SUBJECT": "mailto:push-tests@example.org",
        "PUSH_ALLOW_HTTP_LOOPBACK": "true",
        # The loopback push service is trusted as an operator would trust an internal relay.
        "PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "PUSH_RETRY_BASE_DELAY": "0.01",
        "PUSH_TIMEOUT_SECONDS": "2",
    }


def make_app(database_url: str, keys: VapidKeys, **overrides: Any) -> Flask:
    settings: dict[str, Any] = {**app_settings(database_url, keys), "PUSH_ALLOW_HTTP_LOOPBACK": True}
    settings.update({"PUSH_RETRY_BASE_DELAY": 0.01, "PUSH_TIMEOUT_SECONDS": 2.0, "TESTING": True}, **overrides)
    app = create_app(settings)
    app.extensions["push"].resolve = resolve_in_tests
    with app.app_context():
        upgrade_keeping_loggers()
    return app


# What push service names resolve to in these tests (no DNS is asked): public addresses
# for the names that should pass, loopback, private and metadata ones for the attacks.
TEST_ADDRESSES = {
    "push.example.org": ["93.184.215.14"],
    "fcm.example.com": ["142.250.180.10", "2a00:1450:4009:81f::200a"],
    "internal.example.org": ["10.0.0.7"],
    "metadata.example.org": ["169.254.169.254"],
    "loopback.example.org": ["127.0.0.1"],
    "mapped.example.org": ["::ffff:127.0.0.1"],
    "mixed.example.org": ["93.184.215.14", "192.168.1.20"],
}


def resolve_in_tests(host: str) -> list[str]:
    return TEST_ADDRESSES.get(host, [])


def upgrade_keeping_loggers() -> None:
    """Migrate to the head, then re-enable the loggers alembic's env.py (fileConfig) disables,
    so that tests later in the session still see their logs."""
    loggers = [item for item in logging.Logger.manager.loggerDict.values() if isinstance(item, logging.Logger)]
    enabled = [logger for logger in loggers if not logger.disabled]
    upgrade()
    for logger in enabled:
        logger.disabled = False


@contextmanager
def postgres_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_DATABASE_URL is not set: the PostgreSQL tests must run under CI")
        pytest.skip("TEST_DATABASE_URL is not set")
    import psycopg

    url = make_url(server_url)
    name = f"push_{secrets.token_hex(6)}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_worker(email: str, name: str = "Sam Social-Worker") -> str:
    return create_worker(email, name, "social_worker", "Children in need team", PASSWORD).id


def add_child(reference: str, worker_email: str, today: date, **case: Any) -> None:
    """A child-in-need case allocated to the worker; ``case`` overrides the case-file fields."""
    raw = {
        "reference": reference,
        "name": PLANTED_NAME,
        "date_of_birth": "2015-03-02",
        "episodes": [{"type": "child_in_need", "start": "2026-10-01", "end": None}],
        "events": [],
        "visits": [],
        "allocations": [{"worker_email": worker_email, "role": "social_worker"}],
        **case,
    }
    apply_import(plan_import([(1, raw)], today), today)


def add_device(worker_id: str, subscriber: Subscriber) -> None:
    keys = subscriber.to_json()["keys"]
    register_subscription(worker_id, subscriber.endpoint, keys["p256dh"], keys["auth"], london("2026-11-23 09:00"))


def run_send_reminders(settings: dict[str, Any], now: str, **extra_env: str) -> subprocess.Popen[str]:
    """``flask --app wsgi send-reminders --now NOW`` in its own process."""
    env = {**os.environ, **{key: str(value) for key, value in settings.items()}, **extra_env}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "send-reminders", "--now", now]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def worker_with_device(service: LoopbackPushService, number: int = 1, **case: Any) -> tuple[str, Subscriber]:
    """Worker N with one overdue-from-30-November child and one phone subscribed at ``service``."""
    email = f"worker{number}@example.org"
    worker_id = add_worker(email)
    add_child(f"C-{7000 + number}", email, IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER, **case)
    subscriber = service.new_subscriber()
    add_device(worker_id, subscriber)
    return worker_id, subscriber
