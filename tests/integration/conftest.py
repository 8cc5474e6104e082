"""Fixtures of the push-reminder job tests: the job runs against a database of its own per test
(it commits, takes locks and runs in several processes), on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from backend.extensions import db, dispose_engines
from backend.push.vapid import VapidKeys
from tests.support.push_app import make_app, postgres_database_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database for this test alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'push.sqlite3'}"
    else:
        with postgres_database_url() as url:
            yield url


@pytest.fixture
def push_job_app(fresh_database_url: str, keys: VapidKeys) -> Iterator[Flask]:
    """The app with the test's VAPID keys, on ``fresh_database_url``, inside an app context."""
    application = make_app(fresh_database_url, keys)
    with application.app_context():
        yield application
        db.session.remove()
        dispose_engines()
