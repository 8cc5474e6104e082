"""Configuration: safe defaults, then the environment, then what the caller passes."""

from __future__ import annotations

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    "RULES_PROFILE": "england",
    "TIME_ZONE": "Europe/London",
    "CALENDAR_FIRST_YEAR": 2000,
    "CALENDAR_LAST_YEAR": 2045,
}

# Environment variable -> (config key, parser)
ENVIRONMENT: dict[str, tuple[str, Any]] = {
    "RULES_PROFILE": ("RULES_PROFILE", str),
    "CALENDAR_FIRST_YEAR": ("CALENDAR_FIRST_YEAR", int),
    "CALENDAR_LAST_YEAR": ("CALENDAR_LAST_YEAR", int),
}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = dict(os.environ) if environ is None else environ
    return {key: parse(environ[name]) for name, (key, parse) in ENVIRONMENT.items() if environ.get(name)}
