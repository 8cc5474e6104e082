"""The real app for browser tests: its own SQLite database in a throwaway directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from backend.app import create_app
from backend.extensions import db
from tests.support.database import config_for


def make_app(directory: Path, **config: Any) -> Flask:
    app = create_app(config_for(f"sqlite:///{directory / 'e2e.sqlite3'}", **config))
    with app.app_context():
        db.create_all()
    return app
