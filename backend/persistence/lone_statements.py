"""Lone statements: the two that every signed-in request runs, kept as cheap as they can be.

Looking up the session (auth/sessions.py) and recording a read in the audit log
(services/audit.py) are each one statement, complete on its own. Run through SQLAlchemy's
session each cost several times the statement itself (a session transaction, a connection
object, an execution context, a result object; on PostgreSQL BEGIN, a ping and COMMIT or
ROLLBACK as extra round trips), and together they were most of the cost of serving a cached
caseload. Here each is compiled by SQLAlchemy once per dialect, keeping the column types' own
conversions, and run on a pooled driver connection of an engine of their own (the ``lone``
bind), on which every statement is its own transaction (autocommit) and commits with relaxed
durability. On SQLite a statement that finds the write lock taken waits for it in finer steps
than SQLite's own (``sqlite.execute_when_free``).

Relaxed durability is acceptable for the one kind of write this engine makes, the audit entry
of a read. Every other write goes through the app's engine and commits fully synchronously: a
recorded visit, or any change and its audit entry, survives a power cut once acknowledged.

- SQLite: ``synchronous=NORMAL`` on this engine's connections. In WAL mode a commit is
  written to the log before it returns, so it survives the app process being killed; it
  reaches the disk with the next fully synchronous commit (from the app's engine) or
  checkpoint, and only a power cut or an operating-system crash before then loses it.
- PostgreSQL: ``synchronous_commit=off`` for this engine's sessions. A commit returns before
  its WAL record is flushed; a crash of the database server loses at most about three
  ``wal_writer_delay`` periods (600 ms by default) of such commits and nothing else.

In both, what is lost is lost whole and in order: never a half-written row, never a later
entry without an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Insert, Select

from ..extensions import db
from .sqlite import execute_when_free

LONE_BIND = "lone"
Processor = Callable[[Any], Any] | None


def lone_engine_options(url: str, app_engine_options: dict[str, Any]) -> dict[str, Any]:
    """Flask-SQLAlchemy bind options for the lone statements' engine, beside the app's own.

    No ping before each use: on PostgreSQL a ping is a round trip, as costly as the statement.
    A connection found dropped instead is replaced and the statement run again (``_run``), and
    the pool hands out the most recently returned connection first, so a request's audit
    entry goes over the connection its session lookup has just used."""
    options = {**app_engine_options, "url": url, "pool_pre_ping": False, "pool_use_lifo": True}
    if url.startswith("postgresql"):
        options["isolation_level"] = "AUTOCOMMIT"
        options["connect_args"] = {**options.get("connect_args", {}), "options": "-c synchronous_commit=off"}
    # SQLite: the app configures this engine's connections itself (configure_sqlite(lone=True)):
    # autocommit with no BEGIN, synchronous=NORMAL, and no busy timeout.
    return options


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: Sequence[str] | None  # bind names in order for positional paramstyles (SQLite's qmark)
    literals: dict[str, Any]  # values written into the statement (the data version's row id)
    bind_processors: dict[str, Processor]
    result_processors: tuple[Processor, ...]

    def parameters(self, values: dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
        merged = {**self.literals, **values}
        for name, process in self.bind_processors.items():
            if process is not None:
                merged[name] = process(merged[name])
        return merged if self.positions is None else [merged[name] for name in self.positions]

    def row(self, values: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.result_processors, values, strict=True)
        )


class LoneStatement:
    """A Core SELECT or INSERT, compiled on first use for the engine's dialect."""

    def __init__(self, statement: Select[Any] | Insert) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: Select[Any] | Insert, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds = compiled.binds
    columns = statement.selected_columns if isinstance(statement, Select) else ()
    return _Compiled(
        sql=compiled.string,
        positions=compiled.positiontup if compiled.positional else None,
        literals={name: bind.value for name, bind in binds.items() if bind.value is not None},
        bind_processors={name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in binds.items()},
        result_processors=tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ),
    )


def lone_engine() -> Engine:
    return db.engines[LONE_BIND]


def read_alone(statement: LoneStatement, values: dict[str, Any]) -> tuple[Any, ...] | None:
    """The first row of one SELECT, which is its own transaction and so its own snapshot."""
    return _run(statement, values, fetch=True)


def write_alone(statement: LoneStatement, values: dict[str, Any]) -> None:
    """One INSERT, committed on its own with relaxed durability (see above)."""
    _run(statement, values, fetch=False)


class DroppedConnection(Exception):
    """The database had dropped the pooled connection (a restart, an idle timeout)."""


def _run(statement: LoneStatement, values: dict[str, Any], fetch: bool) -> tuple[Any, ...] | None:
    engine = lone_engine()
    compiled = statement.compiled_for(engine.dialect)
    parameters = compiled.parameters(values)
    try:
        return _execute(engine, compiled, parameters, fetch)
    except DroppedConnection:
        # Once more on a new connection. A dropped connection almost always fails before the
        # statement reaches the server: at worst a read's audit entry is written twice.
        return _execute(engine, compiled, parameters, fetch)


def _execute(engine: Engine, compiled: _Compiled, parameters: Any, fetch: bool) -> tuple[Any, ...] | None:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            execute_when_free(cursor, compiled.sql, parameters)
        else:
            cursor.execute(compiled.sql, parameters)
        row = cursor.fetchone() if fetch else None
        cursor.close()
    except engine.dialect.loaded_dbapi.Error as error:
        if engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
            connection.invalidate(error)
            raise DroppedConnection from error
        raise
    finally:
        connection.close()
    return None if row is None else compiled.row(row)
