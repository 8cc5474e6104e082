"""The domain core must never load the web framework, the ORM or the other adapters' libraries."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_core_loads_no_adapter_library() -> None:
    probe = (
        "import sys, backend.core.scheduling, backend.core.calendars, backend.core.profiles, backend.core.cases\n"
        "import backend.core.planning, backend.core.localtime, backend.core.schooling, backend.core.plan_reminders\n"
        "import backend.core.replay, backend.core.timescale\n"
        "banned = ['flask', 'sqlalchemy', 'marshmallow', 'icalendar', 'webpush', 'numpy']\n"
        "print(','.join(name for name in banned if name in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
