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


# PRAGMA synchronous answers a number: 2 is FULL.
SYNCHRONOUS_FULL = 2
# The connection's synchronous level as last set, kept in the pool's per-connection info.
SYNCHRONOUS_LEVEL = "synchronous_level"


class UnsafeSqlite(RuntimeError):
    """SQLite would not run as configured; serving on it could lose acknowledged visits."""


def configure_sqlite(engine: Engine) -> None:
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    verify_sqlite(engine)


def verify_sqlite(engine: Engine) -> None:
    """At start-up: refuse to serve unless the pragmas took. SQLite ignores a journal mode it
    cannot use (an in-memory database, some network filesystems) without raising, and
    synchronous=FULL is what makes a commit survive a power cut in WAL mode."""
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        connection.rollback()
    if str(journal).lower() != "wal" or synchronous != SYNCHRONOUS_FULL:
        raise UnsafeSqlite(f"SQLite runs with journal_mode={journal}, synchronous={synchronous}; need wal and FULL (2)")


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Hand transaction control to the "begin" listener below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=FULL",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        # 32 MiB of page cache per connection instead of 2 MiB: caseloads touch many children's rows.
        "cache_size=-32000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
    connection_record.info[SYNCHRONOUS_LEVEL] = "FULL"


def _on_begin(connection: Connection) -> None:
    set_synchronous(connection.connection, "FULL")
    connection.exec_driver_sql("BEGIN DEFERRED" if _read_only_request() else "BEGIN IMMEDIATE")


def set_synchronous(connection: Any, level: str) -> None:
    """Every transaction commits fully synchronously but the audit entries of reads
    (persistence/lone_statements.py). The pragma stays with the connection, and SQLite refuses
    to change it inside a transaction, so it is set, out of any, whenever the level wanted
    differs from the last. ``connection`` is the pool's proxy for the driver's connection."""
    if connection.info.get(SYNCHRONOUS_LEVEL) != level:
        connection.execute(f"PRAGMA synchronous={level}")
        connection.info[SYNCHRONOUS_LEVEL] = level


def _read_only_request() -> bool:
    """A GET that writes (an audit row) must start a fresh transaction with that write: see audit.py."""
    return has_request_context() and request.method in READ_ONLY_METHODS
