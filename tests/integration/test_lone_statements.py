"""The two lone statements every signed-in request runs (persistence/lone_statements.py):
they must give exactly what SQLAlchemy gives, and relaxing one commit must never relax another."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, func, select, text

from backend.app import create_app
from backend.auth.sessions import SESSION_LOOKUP, resolve_session, start_session
from backend.extensions import db, dispose_engines
from backend.persistence.audit import AuditEntry
from backend.persistence.lone_statements import lone_engine, read_alone
from backend.persistence.people import Team, Worker
from backend.persistence.security import SessionRow
from backend.services.audit import READ, record_read
from tests.support.database import config_for


def add_worker(active: bool = True) -> str:
    team = Team(name="Children in need team")
    worker = Worker(email="sam@example.org", name="Sam", role="social_worker", team=team, active=active)
    db.session.add(worker)
    db.session.flush()
    return worker.id


def test_the_session_lookup_reads_what_sqlalchemy_reads(app: Flask) -> None:
    with app.app_context():
        worker_id = add_worker()
        token = start_session(worker_id, "local")
        db.session.commit()
        token_hash = resolve_session(token, timedelta(days=1)).token_hash  # type: ignore[union-attr]
        lone = read_alone(SESSION_LOOKUP, {"token_hash": token_hash})
        with db.engine.connect() as connection:
            core = connection.execute(SESSION_LOOKUP.statement, {"token_hash": token_hash}).one()
    assert lone == tuple(core)
    last_seen, found_worker, role, _team, active, version = lone
    assert last_seen.tzinfo is not None and abs(datetime.now(UTC) - last_seen) < timedelta(minutes=1)
    assert (found_worker, role, active) == (worker_id, "social_worker", True)
    assert active is True and isinstance(version, str)


def test_an_unknown_token_finds_nothing_and_a_disabled_worker_no_session(app: Flask) -> None:
    with app.app_context():
        worker_id = add_worker(active=False)
        token = start_session(worker_id, "local")
        db.session.commit()
        assert read_alone(SESSION_LOOKUP, {"token_hash": "0" * 64}) is None
        assert resolve_session(token, timedelta(days=1)) is None


def test_an_idle_session_has_ended(app: Flask) -> None:
    with app.app_context():
        token = start_session(add_worker(), "local")
        db.session.commit()
        db.session.execute(SessionRow.__table__.update().values(last_seen_at=datetime.now(UTC) - timedelta(days=3)))
        db.session.commit()
        assert resolve_session(token, timedelta(days=2)) is None
        assert resolve_session(token, timedelta(days=4)) is not None


def test_a_read_is_recorded_at_once_and_whole(app: Flask) -> None:
    with app.app_context():
        record_read("worker-1", "child-1", "GET /api/children/<child_id>")
        # Seen from another connection straight away: the entry committed on its own.
        with db.engine.connect() as connection:
            entry = connection.execute(select(AuditEntry.__table__)).one()
    assert (entry.worker_id, entry.child_id, entry.action, entry.route) == (
        "worker-1",
        "child-1",
        READ,
        "GET /api/children/<child_id>",
    )
    assert abs(datetime.now(UTC) - entry.at.replace(tzinfo=entry.at.tzinfo or UTC)) < timedelta(minutes=1)


def durability_setting(connection: Connection) -> object:
    setting = "PRAGMA synchronous" if connection.dialect.name == "sqlite" else "SHOW synchronous_commit"
    return connection.exec_driver_sql(setting).scalar()


def test_only_the_lone_statements_engine_commits_with_relaxed_durability(app: Flask) -> None:
    """SQLite: synchronous 1 (NORMAL) against 2 (FULL); PostgreSQL: synchronous_commit off against on."""
    with app.app_context():
        for number in range(3):
            record_read("worker-1", None, "GET /api/caseload")
            with lone_engine().connect() as connection:  # the connection the entry just used
                assert durability_setting(connection) in (1, "off")
            with db.engine.connect() as connection:
                assert durability_setting(connection) in (2, "on")
            db.session.add(Team(name=f"Durable {number}"))
            assert durability_setting(db.session.connection()) in (2, "on")
            db.session.commit()


def test_a_connection_the_database_dropped_is_replaced_without_failing_the_request(app: Flask) -> None:
    """Lone statements skip the pool's ping (a round trip on PostgreSQL): a connection the
    server has dropped (a restart, an idle timeout) is found by the statement and replaced."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("only a server can drop a connection")
        token = start_session(add_worker(), "local")
        db.session.commit()
        record_read("worker-1", None, "GET /api/caseload")
        pooled = lone_engine().raw_connection()
        backend_pid = pooled.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        pooled.close()  # back to the pool, which hands it out first (last in, first out)
        db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid})
        db.session.commit()
        assert resolve_session(token, timedelta(days=1)) is not None
        record_read("worker-1", None, "GET /api/caseload")
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry.__table__))
    assert entries == 2


def test_app_servers_recording_reads_at_once_wait_for_each_other_and_lose_none(app: Flask) -> None:
    """On SQLite a lone write refused as busy (another connection holds the write lock) waits
    and runs again (persistence/lone_statements.py); every entry is written exactly once."""
    writers, entries_each = 6, 40
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def record_reads(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for entry in range(entries_each):
                    record_read(f"worker-{number}", f"child-{entry}", "GET /api/children/<child_id>")
        except BaseException as failure:  # reported below
            failures.append(failure)

    threads = [threading.Thread(target=record_reads, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        written = db.session.execute(select(AuditEntry.worker_id, AuditEntry.child_id)).all()
    assert sorted(written) == sorted((f"worker-{n}", f"child-{e}") for n in range(writers) for e in range(entries_each))


def test_an_app_server_starts_and_records_reads_while_another_holds_the_write_lock(tmp_path: Path) -> None:
    """Another app server mid-write must neither stop this one starting (its checks take no
    lock) nor fail its audit entry (which waits for the lock, as a busy timeout would)."""
    path = tmp_path / "locked.sqlite3"
    with create_app(config_for(f"sqlite:///{path}")).app_context():
        db.create_all()
        dispose_engines()
    other_server = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other_server.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, other_server.execute, args=("COMMIT",))
    try:
        app = create_app(config_for(f"sqlite:///{path}"))  # would fail at once if it took the lock
        release.start()
        with app.app_context():
            record_read("worker-1", None, "GET /api/caseload")
            entries = db.session.scalar(select(func.count()).select_from(AuditEntry.__table__))
            dispose_engines()
    finally:
        release.join()
        other_server.close()
    assert entries == 1
