from __future__ import annotations

import pytest

from backend.core.calendars import WorkingCalendar, build_calendar
from backend.core.profiles import Profile
from backend.rules_files import load_profiles


@pytest.fixture(scope="session")
def profiles() -> dict[str, Profile]:
    return load_profiles()


@pytest.fixture(scope="session")
def england_calendar() -> WorkingCalendar:
    return build_calendar("ENG", 2000, 2045)
