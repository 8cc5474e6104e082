"""Extensions, created unbound here and attached to an app in ``create_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that migrations can drop and alter them on PostgreSQL and SQLite alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Rows stay readable after a commit: a request commits its read before its audit entry is
# written (services/audit.py), and reloading what it read would cost queries for nothing.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()

# The rows' base class. Flask-SQLAlchemy builds ``db.Model`` at run time from ``Base`` (adding
# its bind and table-name mixins), which a type checker cannot follow: it sees ``Base``, whose
# typed ``Mapped`` columns are what the rows declare.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
# flask-smorest's Api keeps one spec per instance, so each app builds its own (backend/api/routes.py).


def dispose_engines() -> None:
    """Close the pooled connections of every engine of the current app: its own and the one
    for lone statements (persistence/lone_statements.py)."""
    for engine in db.engines.values():
        engine.dispose()
