"""SQLite as a safe embedded default: WAL, foreign keys, full sync, and no 'database is locked'.

pysqlite's own transaction handling starts transactions lazily with a plain BEGIN, so two
writers can both read, then both try to upgrade to a write lock, and one fails at once
with "database is locked" (the busy timeout cannot help a snapshot that went stale).
SQLAlchemy's documented recipe turns that handling off and emits BEGIN itself: here
BEGIN IMMEDIATE, which takes the write lock up front and waits for it, for every
transaction except those of read-only HTTP requests. Reads in WAL mode never block.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event, make_url
from sqlalchemy.engine import Connection, Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30_000
FIRST_WAIT_S, LONGEST_WAIT_S = 0.000_05, 0.002


# What PRAGMA synchronous answers for each level.
SYNCHRONOUS_LEVELS = {"NORMAL": 1, "FULL": 2}


class UnsafeSqlite(RuntimeError):
    """SQLite would not run as configured; serving on it could lose acknowledged visits."""


def create_private_database_file(url: str) -> None:
    """Creates a missing database file readable by its owner alone. SQLite would create it 0644
    (readable by every local user), and gives its -wal and -shm files the database's mode."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except (FileExistsError, FileNotFoundError):  # a missing folder: SQLite's own error says so
        return
    os.close(descriptor)


def configure_sqlite(engine: Engine, lone: bool = False) -> None:
    """``lone``: the engine of lone statements (persistence/lone_statements.py), which writes
    nothing but the audit entries of reads, each statement its own transaction: synchronous
    NORMAL rather than FULL, no BEGIN, and no busy timeout, as those statements wait for the
    write lock themselves, in finer steps (``execute_when_free``)."""
    synchronous, busy_timeout_ms = ("NORMAL", 0) if lone else ("FULL", BUSY_TIMEOUT_MS)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _prepare_connection(dbapi_connection, synchronous, busy_timeout_ms)

    event.listen(engine, "connect", on_connect)
    if not lone:
        event.listen(engine, "begin", _on_begin)
    verify_sqlite(engine, synchronous)


def verify_sqlite(engine: Engine, synchronous_wanted: str = "FULL") -> None:
    """At start-up: refuse to serve unless the pragmas took. SQLite ignores a journal mode it
    cannot use (an in-memory database, some network filesystems) without raising, and
    synchronous=FULL is what makes a commit survive a power cut in WAL mode. Read outside any
    transaction: app servers starting while another holds the write lock must not wait for it."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        journal = execute_when_free(cursor, "PRAGMA journal_mode").fetchone()[0]
        synchronous = execute_when_free(cursor, "PRAGMA synchronous").fetchone()[0]
        cursor.close()
    finally:
        connection.close()
    wanted = SYNCHRONOUS_LEVELS[synchronous_wanted]
    if str(journal).lower() != "wal" or synchronous != wanted:
        found = f"journal_mode={journal}, synchronous={synchronous}"
        raise UnsafeSqlite(f"SQLite runs with {found}; need wal and {synchronous_wanted} ({wanted})")


def execute_when_free(cursor: Any, sql: str, parameters: Any = ()) -> Any:
    """Runs the statement, waiting in fine steps while another connection holds the lock.

    SQLite's own busy handler naps at least a millisecond at a time, though a lone statement
    holds the write lock for tens of microseconds: with two app servers writing audit entries,
    those naps cost a sixth of the throughput. The lone statements' connections have no busy
    timeout; a statement refused as busy did nothing, so it is run again after 50 us, then
    twice as long each time up to 2 ms, for as long in all as a busy timeout would wait."""
    wait, deadline = FIRST_WAIT_S, time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return cursor.execute(sql, parameters)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(wait)
        wait = min(wait * 2, LONGEST_WAIT_S)


def _prepare_connection(dbapi_connection: Any, synchronous: str, busy_timeout_ms: int) -> None:
    # Hand transaction control to the "begin" listener below (the lone statements' engine has
    # none: each of its statements is its own transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"synchronous={synchronous}",
        f"busy_timeout={busy_timeout_ms}",
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
