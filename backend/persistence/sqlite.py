"""SQLite as a safe embedded default: WAL, foreign keys, full sync, and no 'database is locked'.

pysqlite's own transaction handling starts transactions lazily with a plain BEGIN, so two
writers can both read, then both try to upgrade to a write lock, and one fails at once
with "database is locked" (the busy timeout cannot help a snapshot that went stale).
SQLAlchemy's documented recipe turns that handling off and emits BEGIN itself: here
BEGIN IMMEDIATE, which takes the write lock up front and waits for it, for every
transaction except those of read-only HTTP requests. Reads in WAL mode never block.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30_000


# What PRAGMA synchronous answers for each level.
SYNCHRONOUS_LEVELS = {"NORMAL": 1, "FULL": 2}


class UnsafeSqlite(RuntimeError):
    """SQLite would not run as configured; serving on it could lose acknowledged visits."""


def configure_sqlite(engine: Engine, synchronous: str = "FULL") -> None:
    """FULL for the app's engine; NORMAL only for the engine of lone statements, which write
    nothing but the audit entries of reads (persistence/lone_statements.py)."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _prepare_connection(dbapi_connection, synchronous)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", _on_begin)
    verify_sqlite(engine, synchronous)


def verify_sqlite(engine: Engine, synchronous_wanted: str = "FULL") -> None:
    """At start-up: refuse to serve unless the pragmas took. SQLite ignores a journal mode it
    cannot use (an in-memory database, some network filesystems) without raising, and
    synchronous=FULL is what makes a commit survive a power cut in WAL mode."""
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        connection.rollback()
    wanted = SYNCHRONOUS_LEVELS[synchronous_wanted]
    if str(journal).lower() != "wal" or synchronous != wanted:
        found = f"journal_mode={journal}, synchronous={synchronous}"
        raise UnsafeSqlite(f"SQLite runs with {found}; need wal and {synchronous_wanted} ({wanted})")


def _prepare_connection(dbapi_connection: Any, synchronous: str) -> None:
    # Hand transaction control to the "begin" listener below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"synchronous={synchronous}",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        # 32 MiB of page cache per connection instead of 2 MiB: caseloads touch many children's rows.
        "cache_size=-32000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN DEFERRED" if _read_only_request() else "BEGIN IMMEDIATE")


def _read_only_request() -> bool:
    """A GET that writes (an audit row) must start a fresh transaction with that write: see audit.py."""
    return has_request_context() and request.method in READ_ONLY_METHODS
