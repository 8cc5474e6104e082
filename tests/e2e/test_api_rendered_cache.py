"""Caseloads and obligations are rendered once per data version, and never served stale.

Two app instances share one database, as two app servers do: a change written through one
shows in the other's next response, though that response was cached a moment before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select, text

from backend.api.caseload import CaseloadSchema, OwnCaseloadObligationSchema
from backend.api.child_schemas import ObligationListSchema
from backend.api.rendered import RenderedCache
from backend.app import create_app
from backend.extensions import db, dispose_engines
from backend.persistence.audit import AuditEntry
from backend.persistence.children import EpisodeRow
from backend.persistence.people import Team
from backend.services.data_version import UNTRACKED_TABLES, current_token
from backend.services.errors import NotFound
from tests.support.database import config_for
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

CASELOAD = "/api/caseload?as_of=2026-11-24"
CHILD_IN_NEED = [{"type": "child_in_need", "start": "2026-09-01"}]


@pytest.fixture
def other_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """A second app server on the same database (created after ``app`` emptied the tables)."""
    second = create_app(config_for(database_url))
    yield second
    with second.app_context():
        db.session.remove()
        dispose_engines()


def renders(app: Flask) -> int:
    cache: RenderedCache = app.extensions["rendered_cache"]
    return cache.renders


def caseload_rows(api: Any) -> list[tuple[str, str, str | None]]:
    response = api.get(CASELOAD)
    assert response.status_code == 200
    return [(row["child_id"], row["due"], row["last_visit"]) for row in response.json["obligations"]]


def cached_twice(app: Flask, api: Any, path: str = CASELOAD) -> Any:
    """Asks twice and checks that the second answer came from the cache."""
    first = api.get(path)
    before = renders(app)
    second = api.get(path)
    assert renders(app) == before, "the second request was rendered again"
    assert second.json == first.json
    return second.json


def test_a_second_identical_request_is_served_without_rendering_again(app: Flask) -> None:
    worker = add_worker(app)
    add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    api = signed_in(app, worker)
    assert len(cached_twice(app, api)["obligations"]) == 1
    api.get("/api/caseload?as_of=2026-11-25")
    api.get(f"{CASELOAD}&status=overdue")
    assert renders(app) == 3, "another date or filter is another rendering"


def test_a_visit_recorded_through_one_app_server_shows_in_the_others_cached_caseload_at_once(
    app: Flask, other_app: Flask
) -> None:
    worker = add_worker(app)
    child = add_child(
        app,
        allocations=[(worker, "social_worker")],
        episodes=CHILD_IN_NEED,
        visits=[{"date": "2026-10-01", "role": "social_worker", "child_seen": True}],
    )
    here, there = signed_in(app, worker), signed_in(other_app, worker)
    cached_twice(app, here)
    before = caseload_rows(here)
    assert there.put(f"/api/visits/{new_visit_id()}", json=visit_body(child)).status_code == 201
    after = caseload_rows(here)
    assert after != before
    assert after[0][2] == "2026-11-20"


def test_an_episode_ended_through_another_app_server_leaves_the_cached_caseload_at_once(
    app: Flask, other_app: Flask
) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    here, there = signed_in(app, worker), signed_in(other_app, worker)
    cached_twice(app, here)
    with app.app_context():
        episode_id = db.session.scalar(select(EpisodeRow.id).where(EpisodeRow.child_id == child))
    ended = there.patch(f"/api/children/{child}/episodes/{episode_id}", json={"end": "2026-11-02"})
    assert ended.status_code == 200, ended.json
    assert caseload_rows(here) == []


def test_a_reallocation_through_another_app_server_moves_the_child_between_cached_caseloads(
    app: Flask, other_app: Flask
) -> None:
    team = add_team(app)
    manager, leaving, joining = (
        add_worker(app, role, team) for role in ("team_manager", "social_worker", "social_worker")
    )
    child = add_child(app, team_id=team, allocations=[(leaving, "social_worker")], episodes=CHILD_IN_NEED)
    old_holder, new_holder = signed_in(app, leaving), signed_in(app, joining)
    obligations = f"/api/children/{child}/obligations?as_of=2026-11-24"
    cached_twice(app, old_holder)
    cached_twice(app, old_holder, obligations)
    assert caseload_rows(new_holder) == []
    moved = signed_in(other_app, manager).post(
        f"/api/children/{child}/allocations", json={"worker_id": joining, "role": "social_worker"}
    )
    assert moved.status_code in (200, 201), moved.json
    assert caseload_rows(old_holder) == []
    assert old_holder.get(obligations).status_code == 404
    assert [row[0] for row in caseload_rows(new_holder)] == [child]
    assert new_holder.get(obligations).status_code == 200


def test_access_to_a_childs_obligations_is_decided_on_every_request_even_from_the_cache(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    holder = signed_in(app, worker)
    path = f"/api/children/{child}/obligations?as_of=2026-11-24"
    cached_twice(app, holder, path)
    decisions: list[str] = []

    def refuse(viewer: Any, child_id: str, today: Any) -> None:
        decisions.append(child_id)
        raise NotFound(child_id)

    monkeypatch.setattr("backend.services.children.visible_child", refuse)
    assert holder.get(path).status_code == 404
    assert decisions == [child]


def test_a_childs_obligations_are_rendered_once_for_every_viewer_who_may_see_them(app: Flask) -> None:
    team = add_team(app)
    worker = add_worker(app, team_id=team)
    child = add_child(app, allocations=[(worker, "social_worker")], team_id=team, episodes=CHILD_IN_NEED)
    holder, manager = signed_in(app, worker), signed_in(app, add_worker(app, "team_manager", team))
    path = f"/api/children/{child}/obligations?as_of=2026-11-24"
    first = holder.get(path)
    before = renders(app)
    assert manager.get(path).json == first.json
    assert renders(app) == before


def test_a_worker_disabled_through_another_app_server_gets_no_cached_caseload(app: Flask, other_app: Flask) -> None:
    worker = add_worker(app, email="leaving@example.org")
    add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    here = signed_in(app, worker)
    cached_twice(app, here)
    result = other_app.test_cli_runner().invoke(args=["disable-user", "leaving@example.org"])
    assert result.exit_code == 0, result.output
    assert here.get(CASELOAD).status_code == 401


def test_every_read_of_a_childs_obligations_is_audited_even_when_served_from_the_cache(app: Flask) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    api = signed_in(app, worker)
    cached_twice(app, api, f"/api/children/{child}/obligations")
    api.get(f"/api/children/{child}/obligations")
    with app.app_context():
        reads = db.session.scalar(select(func.count()).where(AuditEntry.child_id == child, AuditEntry.action == "read"))
    assert reads == 3


def test_a_cached_body_is_what_the_documented_schemas_describe(app: Flask) -> None:
    """Bodies are built without marshmallow; the OpenAPI document still describes them exactly."""
    worker = add_worker(app)
    child = add_child(
        app,
        allocations=[(worker, "social_worker")],
        episodes=CHILD_IN_NEED,
        visits=[{"date": "2026-10-01", "role": "social_worker", "child_seen": True}],
    )
    api = signed_in(app, worker)
    caseload = api.get(CASELOAD).json
    CaseloadSchema().load(caseload)  # raises on an undocumented field
    assert set(caseload["obligations"][0]) == set(OwnCaseloadObligationSchema().fields)
    obligations = api.get(f"/api/children/{child}/obligations?as_of=2026-11-24").json
    ObligationListSchema().load(obligations)
    assert obligations == ObligationListSchema().dump(obligations)


def test_a_bulk_insert_changes_the_data_version(app: Flask) -> None:
    with app.app_context():
        before = current_token()
        assert before is not None
        db.session.execute(insert(Team), [{"id": "bulk-team", "name": "Bulk"}])
        db.session.commit()
        assert current_token() != before


def test_a_textual_write_changes_the_data_version_and_a_textual_select_does_not(app: Flask) -> None:
    with app.app_context():
        before = current_token()
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        assert current_token() == before
        db.session.execute(text("DELETE FROM events"))
        db.session.commit()
        assert current_token() != before


def test_a_rolled_back_change_leaves_the_data_version_alone(app: Flask) -> None:
    with app.app_context():
        before = current_token()
        db.session.add(Team(name="Never"))
        db.session.flush()
        db.session.rollback()
        db.session.add(AuditEntry(worker_id=None, child_id=None, action="read", route="GET /x"))
        db.session.commit()
        assert current_token() == before


def test_reading_and_signing_in_do_not_change_the_data_version(app: Flask) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    with app.app_context():
        before = current_token()
    api = signed_in(app, worker)
    api.get(CASELOAD)
    api.get(f"/api/children/{child}/obligations")
    with app.app_context():
        assert current_token() == before


def test_the_tables_left_out_of_the_data_version_all_exist(app: Flask) -> None:
    """A renamed table would otherwise drop out of the denylist silently (and change it needlessly)."""
    assert set(db.metadata.tables) >= UNTRACKED_TABLES


def test_without_the_version_row_nothing_is_cached(app: Flask) -> None:
    worker = add_worker(app)
    add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    api = signed_in(app, worker)
    with app.app_context():
        db.session.execute(db.metadata.tables["data_version"].delete())
        db.session.commit()
        assert current_token() is None
    api.get(CASELOAD)
    before = renders(app)
    api.get(CASELOAD)
    assert renders(app) == before + 1
