"""The schema, its migrations, and SQLite as a safe embedded default."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text

from backend.app import create_app, instance_secret_key
from backend.extensions import db, dispose_engines
from backend.persistence.people import Team
from backend.persistence.security import LoginFailure
from tests.support.database import config_for, postgres_url


def schema_differences(app: Flask) -> list[object]:
    with app.app_context(), db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)


def test_db_upgrade_brings_an_empty_sqlite_database_to_the_models_schema(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    with app.app_context():
        upgrade()
    assert schema_differences(app) == []


@pytest.mark.postgres
def test_db_upgrade_brings_an_empty_postgresql_schema_to_the_models_schema() -> None:
    url = postgres_url()
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        connection.execute(text("CREATE SCHEMA migration_check"))
    separator = "&" if "?" in url else "?"
    app = create_app(config_for(f"{url}{separator}options=-csearch_path%3Dmigration_check"))
    try:
        with app.app_context():
            upgrade()
        assert schema_differences(app) == []
    finally:
        with app.app_context():
            dispose_engines()
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA migration_check CASCADE"))
        admin.dispose()


def test_feed_tokens_lose_their_unused_version_column_and_a_downgrade_brings_it_back(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'feeds.sqlite3'}"))

    def columns() -> set[str]:
        with db.engine.connect() as connection:
            return {row[1] for row in connection.execute(text("PRAGMA table_info(feed_tokens)"))}

    with app.app_context():
        upgrade()
        assert "version" not in columns()
        downgrade(revision="0010_override_agreed_by")
        assert "version" in columns()
        upgrade()
        assert "version" not in columns()


def test_the_cli_db_upgrade_command_creates_the_schema(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'cli.sqlite3'}"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert schema_differences(app) == []


def test_sqlite_runs_with_wal_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}"))
    with app.app_context():
        pragmas = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}


def test_concurrent_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'writers.sqlite3'}"))
    with app.app_context():
        db.create_all()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for round_number in range(15):
                    # Read, then write in the same transaction: the pattern that fails with a plain BEGIN.
                    count = db.session.scalar(select(db.func.count()).select_from(Team))
                    db.session.add(Team(name=f"team {number}-{round_number}-{count}"))
                    db.session.commit()
        except BaseException as problem:  # noqa: BLE001 - collected and asserted below
            errors.append(problem)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Team)) == 8 * 15


def test_instants_come_back_in_utc_whatever_zone_they_were_stored_in(app: Flask) -> None:
    british_summer = timezone(timedelta(hours=1))
    with app.app_context():
        db.session.add(LoginFailure(key="k", failed_at=datetime(2026, 7, 1, 12, 0, tzinfo=british_summer)))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(select(LoginFailure.failed_at))
    assert stored == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    first = instance_secret_key(key_file)
    second = instance_secret_key(key_file)
    assert len(first) == 64 and first == second
    assert (key_file.stat().st_mode & 0o777) == 0o600


def test_the_app_takes_its_secret_key_from_the_instance_folder_when_none_is_configured(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'key.sqlite3'}", SECRET_KEY=None))
    assert app.config["SECRET_KEY"] == (Path(app.instance_path) / "secret_key").read_text().strip()


def test_the_audit_log_is_indexed_for_who_read_a_child_or_a_carer_and_nothing_more(tmp_path: Path) -> None:
    """Each index is a page written on every request that shows child data (migration 0006); both
    are partial, so a listing's row (no child, no carer) writes neither (migration 0017)."""
    app = create_app(config_for(f"sqlite:///{tmp_path / 'audit.sqlite3'}"))
    with app.app_context():
        upgrade()
        indexes = db.session.execute(
            text(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'audit_log' AND sql IS NOT NULL ORDER BY name"
            )
        ).all()
        plans = {
            subject: db.session.execute(
                text(f"EXPLAIN QUERY PLAN SELECT worker_id, at FROM audit_log WHERE {subject}_id = :id ORDER BY at"),
                {"id": "x1"},
            ).all()
            for subject in ("child", "carer")
        }
    assert [name for name, _ in indexes] == ["ix_audit_log_carer_at", "ix_audit_log_child_at"]
    assert "WHERE carer_id IS NOT NULL" in indexes[0][1]
    assert "WHERE child_id IS NOT NULL" in indexes[1][1]
    for subject, plan in plans.items():
        assert any(f"ix_audit_log_{subject}_at" in str(step) for step in plan), plan
