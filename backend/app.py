"""The application factory: everything is built here, nothing at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from . import cli, web
from .config import DEFAULTS, from_environment
from .rules_files import load_profiles
from .schedules import Scheduler


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(DEFAULTS)
    app.config.update(from_environment())
    app.config.update(config or {})
    app.extensions["scheduler"] = Scheduler(
        profiles=load_profiles(),
        default_profile=app.config["RULES_PROFILE"],
        first_year=app.config["CALENDAR_FIRST_YEAR"],
        last_year=app.config["CALENDAR_LAST_YEAR"],
    )
    cli.init_app(app)
    web.init_app(app)
    return app
