"""The two lone statements every signed-in request runs (persistence/lone_statements.py):
they must give exactly what SQLAlchemy gives, and relaxing one commit must never relax another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select, text

from backend.auth.sessions import SESSION_LOOKUP, resolve_session, start_session
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.lone_statements import read_alone
from backend.persistence.people import Team, Worker
from backend.persistence.security import SessionRow
from backend.services.audit import READ, record_read


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
        lone = read_alone(db.engine, SESSION_LOOKUP, {"token_hash": token_hash})
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
        assert read_alone(db.engine, SESSION_LOOKUP, {"token_hash": "0" * 64}) is None
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


def test_a_relaxed_audit_commit_leaves_every_other_transaction_fully_durable(app: Flask) -> None:
    """The pool hands the audit entry's connection to the next transaction: that one must
    commit at full durability again (SQLite: synchronous=FULL; PostgreSQL: synchronous_commit on)."""
    with app.app_context():
        dialect = db.engine.dialect.name
        setting = "PRAGMA synchronous" if dialect == "sqlite" else "SHOW synchronous_commit"
        for number in range(3):
            record_read("worker-1", None, "GET /api/caseload")
            with db.engine.connect() as connection:  # the connection the entry just used
                level = connection.execute(text(setting)).scalar()
            assert level in (2, "on")
            db.session.add(Team(name=f"Durable {number}"))
            level_in_orm_write = db.session.execute(text(setting)).scalar()
            db.session.commit()
            assert level_in_orm_write in (2, "on")
