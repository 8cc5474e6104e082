"""Lone statements: the two that every signed-in request runs, kept as cheap as they can be.

Looking up the session (auth/sessions.py) and recording a read in the audit log
(services/audit.py) are each one statement, complete on its own. Run through SQLAlchemy,
each cost several times the statement itself (a connection object, a transaction, an
execution context, a result object: about 70 us of the 90 us), and together they were most
of the cost of serving a cached caseload. Here each is compiled by SQLAlchemy once per
dialect, with the column types' own conversions, and run on a pooled driver connection as
its own transaction:

- A lone read takes no BEGIN on SQLite (the one statement is its own consistent snapshot);
  on PostgreSQL the pool's reset on return ends the transaction the driver began.
- A lone write commits itself with relaxed durability, the one kind of write whose loss on a
  power cut is acceptable: the audit entry of a read. Every other transaction commits fully
  synchronously: a recorded visit, or any change and its audit entry, survives a power cut
  once acknowledged. Relaxed means:
  - SQLite: ``synchronous=NORMAL`` (persistence/sqlite.py). In WAL mode the commit is written
    to the log before it returns, so it survives the app process being killed; it reaches the
    disk with the next fully synchronous commit or checkpoint, and only a power cut or an
    operating-system crash before then loses it.
  - PostgreSQL: ``SET LOCAL synchronous_commit TO OFF``. The commit returns before its WAL
    record is flushed; a crash of the database server loses at most about three
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
from sqlalchemy.sql import Delete, Insert, Select, Update

from .sqlite import set_synchronous

Processor = Callable[[Any], Any] | None


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
        return tuple(value if process is None else process(value) for process, value in zip(self.result_processors, values))


class LoneStatement:
    """A Core statement, compiled on first use for the engine's dialect."""

    def __init__(self, statement: Select[Any] | Insert | Update | Delete) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: Select[Any] | Insert | Update | Delete, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds = compiled.binds
    columns = statement.selected_columns if isinstance(statement, Select) else ()
    return _Compiled(
        sql=compiled.string,
        positions=compiled.positiontup if compiled.positional else None,
        literals={name: bind.value for name, bind in binds.items() if bind.value is not None},
        bind_processors={name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in binds.items()},
        result_processors=tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns),
    )


def read_alone(engine: Engine, statement: LoneStatement, values: dict[str, Any]) -> tuple[Any, ...] | None:
    """The first row of one SELECT, run as its own snapshot."""
    compiled = statement.compiled_for(engine.dialect)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(compiled.sql, compiled.parameters(values))
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool, which rolls back whatever the driver began
    return None if row is None else compiled.row(row)


def write_alone_relaxed(engine: Engine, statement: LoneStatement, values: dict[str, Any]) -> None:
    """One write, committed on its own with relaxed durability (see above)."""
    compiled = statement.compiled_for(engine.dialect)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            # Out of any transaction, as SQLite requires; the statement then commits itself.
            set_synchronous(connection, "NORMAL")
        else:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(compiled.sql, compiled.parameters(values))
        cursor.close()
        connection.commit()
    finally:
        connection.close()
