"""Migration 0004_plans (plans, visit kinds, plan reminder lead): reversible; stored visits keep counting."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from backend.app import create_app
from backend.extensions import db
from tests.support.database import config_for


def test_plans_migrate_down_to_the_previous_revision_and_up_again(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'plans.sqlite3'}"))
    with app.app_context():
        upgrade()
        downgrade(revision="0003_feeds")
        tables = inspect(db.engine).get_table_names()
        visit_columns = {column["name"] for column in inspect(db.engine).get_columns("visits")}
        assert "plans" not in tables and "kind" not in visit_columns
        upgrade()
        assert "plans" in inspect(db.engine).get_table_names()


def test_visits_stored_before_kinds_existed_keep_no_kind_which_reads_as_in_person(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'kinds.sqlite3'}"))
    with app.app_context():
        upgrade(revision="0003_feeds")
        # A plain connection: the schema is older than the data-version row the session would bump.
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO teams (id, name) VALUES ('t', 'T')"))
            connection.execute(
                text(
                    "INSERT INTO children (id, reference, name, created_at) "
                    "VALUES ('c', 'C-1', 'A B', '2026-11-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO visits (id, child_id, date, role, child_seen, recorded_at) "
                    "VALUES ('v', 'c', '2026-11-02', 'social_worker', 1, '2026-11-02 12:00:00')"
                )
            )
        upgrade()
        assert db.session.execute(text("SELECT kind FROM visits WHERE id = 'v'")).scalar_one() is None
