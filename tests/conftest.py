from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from backend.core.calendars import WorkingCalendar, build_calendar
from backend.core.profiles import Profile
from backend.persistence.rules_files import load_profiles
from backend.push.vapid import VapidKeys
from tests.support.database import BACKENDS, app_for, database_of_worker, prepared_database
from tests.support.push_service import LoopbackPushService


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (scripts/test runs two workers) each worker has its own PostgreSQL
    database on the run's server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    server_url = os.environ.get("TEST_DATABASE_URL")
    if worker and server_url:
        os.environ["TEST_DATABASE_URL"] = database_of_worker(server_url, worker)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """The browser tests run one after another on one worker, and first: chromium is one per
    session, the phone app's timing budgets assume no second browser competes, and the longest
    group starting at once leaves the other worker the rest instead of finishing alone."""
    for item in items:  # before pytest-xdist reads the groups
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    yield  # pytest's own ordering (by fixtures), pytest-xdist's groups
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.fixture(scope="session")
def profiles() -> dict[str, Profile]:
    return load_profiles()


@pytest.fixture(scope="session")
def england_calendar() -> WorkingCalendar:
    return build_calendar("ENG", 2000, 2045)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The schema is created once per backend; `app` empties the tables before each test."""
    directory: Path = tmp_path_factory.mktemp(f"db-{request.param}")
    return prepared_database(request.param, directory)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app on empty tables, once on SQLite and once on PostgreSQL (when TEST_DATABASE_URL is set)."""
    yield from app_for(database_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def keys() -> VapidKeys:
    """A fresh VAPID key pair for the app and the loopback push service."""
    return VapidKeys.generate()


@pytest.fixture
def push_hang_seconds() -> float:
    """How long the loopback push service holds a request told to hang; a module overrides it."""
    return 30.0


@pytest.fixture
def service(keys: VapidKeys, push_hang_seconds: float) -> Iterator[LoopbackPushService]:
    """A push service on loopback that checks each delivery's VAPID signature against ``keys``."""
    with LoopbackPushService(keys.application_server_key, hang_seconds=push_hang_seconds) as running:
        yield running
