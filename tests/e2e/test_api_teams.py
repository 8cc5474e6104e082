"""``GET /api/teams``: the teams a caller oversees, for an admin's team picker."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.world import add_team, add_worker, signed_in


@pytest.fixture
def teams(app: Flask) -> dict[str, str]:
    return {"North": add_team(app, "North"), "East": add_team(app, "East")}


def test_an_admin_gets_every_team_by_name(app: Flask, teams: dict[str, str]) -> None:
    admin = signed_in(app, add_worker(app, "admin", None))
    answer = admin.get("/api/teams")
    assert answer.status_code == 200
    assert answer.json == {"teams": [{"id": teams["East"], "name": "East"}, {"id": teams["North"], "name": "North"}]}


def test_a_team_manager_gets_only_their_own_team(app: Flask, teams: dict[str, str]) -> None:
    manager = signed_in(app, add_worker(app, "team_manager", teams["North"]))
    assert manager.get("/api/teams").json == {"teams": [{"id": teams["North"], "name": "North"}]}


@pytest.mark.parametrize("role", ["social_worker", "personal_adviser"])
def test_a_worker_gets_no_team(app: Flask, teams: dict[str, str], role: str) -> None:
    worker = signed_in(app, add_worker(app, role, teams["North"]))
    assert worker.get("/api/teams").json == {"teams": []}


def test_signed_out_is_refused(app: Flask, teams: dict[str, str]) -> None:
    assert app.test_client().get("/api/teams").status_code == 401
