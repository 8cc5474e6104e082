"""Column types and id makers shared by the row modules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def table_of(model: type[Any]) -> Table:
    """A row class's table, typed as one (SQLAlchemy types ``__table__`` as any FROM clause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def new_id() -> str:
    """An opaque id for a team, worker, child, episode or event: random, so it reveals no count."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as UTC: SQLite keeps no time zone, so it is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
