"""The server refuses to start on SQLite unless writes are durable and never 'database is locked'."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, event

from backend.app import create_app
from backend.extensions import db, dispose_engines
from backend.persistence.sqlite import UnsafeSqlite, configure_sqlite


def test_an_app_on_sqlite_runs_in_wal_with_full_sync_and_writes_begin_immediate(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            connection.commit()
        db.session.execute(db.text("SELECT 1"))
        db.session.commit()
        dispose_engines()
    assert "BEGIN IMMEDIATE" in statements  # outside a read-only request, every transaction takes the write lock


def test_start_up_fails_when_sqlite_cannot_run_in_wal() -> None:
    engine = create_engine("sqlite://")  # in memory: SQLite silently keeps journal_mode=memory
    with pytest.raises(UnsafeSqlite, match="journal_mode=memory"):
        configure_sqlite(engine)
    engine.dispose()
