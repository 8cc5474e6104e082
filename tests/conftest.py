from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from backend.core.calendars import WorkingCalendar, build_calendar
from backend.core.profiles import Profile
from backend.rules_files import load_profiles

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskCliRunner


@pytest.fixture(scope="session")
def profiles() -> dict[str, Profile]:
    return load_profiles()


@pytest.fixture(scope="session")
def england_calendar() -> WorkingCalendar:
    return build_calendar("ENG", 2000, 2045)


@pytest.fixture
def app() -> Flask:
    # Imported here so that collecting tests/unit never loads Flask.
    from backend.app import create_app

    return create_app({"TESTING": True})


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
