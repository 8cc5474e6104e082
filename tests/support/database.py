"""Test databases: SQLite always, PostgreSQL from TEST_DATABASE_URL (required when CI=true).

The schema is created once per backend per session; each test starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from backend.app import create_app
from backend.extensions import db, dispose_engines

BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests must run in CI")
        pytest.skip("TEST_DATABASE_URL is not set (scripts/test starts a PostgreSQL for the run)")
    return url


def database_of_worker(server_url: str, worker: str) -> str:
    """A database of its own on the run's PostgreSQL server for one pytest-xdist worker, made
    afresh: each test empties and refills the tables, which two workers must not do in one."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"{url.database}_{worker}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def config_for(database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        **overrides,
    }


def prepared_database(backend: str, directory: Path) -> str:
    """A database URL whose schema matches the models (created afresh for this session)."""
    url = postgres_url() if backend == "postgresql" else f"sqlite:///{directory / 'test.sqlite3'}"
    app = create_app(config_for(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        dispose_engines()
    return url


def empty_tables(app: Flask) -> None:
    with app.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()


def app_for(url: str, **overrides: Any) -> Iterator[Flask]:
    app = create_app(config_for(url, **overrides))
    empty_tables(app)
    yield app
    with app.app_context():
        db.session.remove()
        dispose_engines()
