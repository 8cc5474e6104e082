"""The phone app's world behind a loopback server: the real app on SQLite, a log of the visit
writes it received, and one worker's four children (the `site` and `world` fixtures in conftest)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from backend.extensions import db
from backend.persistence.children import VisitRow
from tests.support.world import add_child, add_team, add_worker


class VisitWriteLog:
    """WSGI middleware remembering every PUT /api/visits/<id> the server received."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ["REQUEST_METHOD"] == "PUT" and environ["PATH_INFO"].startswith("/api/visits/"):
            with self.lock:
                self.paths.append(environ["PATH_INFO"])
        return self.wsgi_app(environ, start_response)


@dataclass
class Site:
    url: str
    app: Flask
    visit_writes: VisitWriteLog


@dataclass
class World:
    worker_id: str
    worker_email: str
    manager_email: str
    children: dict[str, str] = field(default_factory=dict)  # reference -> id
    names: dict[str, str] = field(default_factory=dict)  # reference -> full name


def seed(app: Flask, today: date) -> World:
    """One worker with four children: overdue, due about now, and later; plus their manager."""
    team = add_team(app, "North")
    worker = add_worker(app, "social_worker", team, email="sam@example.org", name="Sam Patel")
    add_worker(app, "team_manager", team, email="mo@example.org", name="Mo Khan")
    world = World(worker, "sam@example.org", "mo@example.org")
    cases = [
        ("C-0001", "Jamie Stone", "child_protection", None, 30),
        ("C-0002", "Ava Brown", "child_in_need", None, 26),
        ("C-0003", "Kit Lowe", "child_in_need", None, 8),
        ("C-0004", "Noor Ali", "cared_for", "foster_care", 20),
    ]
    for reference, name, plan, placement, days_since_visit in cases:
        episode = {"type": plan, "start": (today - timedelta(days=200)).isoformat(), "end": None}
        if placement:
            episode["placement"] = placement
        last_visit = {
            "date": (today - timedelta(days=days_since_visit)).isoformat(),
            "role": "social_worker",
            "child_seen": True,
        }
        world.children[reference] = add_child(
            app,
            allocations=[(worker, "social_worker")],
            team_id=team,
            reference=reference,
            name=name,
            episodes=[episode],
            visits=[last_visit],
        )
        world.names[reference] = name
    return world


def server_visits(app: Flask) -> list[VisitRow]:
    """Visits the app recorded (imported ones have no visitor)."""
    with app.app_context():
        rows = db.session.scalars(select(VisitRow).where(VisitRow.visitor_id.is_not(None))).all()
        db.session.expunge_all()
        return list(rows)
