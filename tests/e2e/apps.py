"""The real app for browser tests, configured for a throwaway directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from backend.app import create_app


def make_app(directory: Path, **config: Any) -> Flask:
    return create_app({"TESTING": True, **config})
