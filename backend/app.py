"""The application factory: everything is built here, nothing at import time."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .api import feeds, guard, headers, input_guard, problems, rendered, routes, scim, serving, web
from .auth.organisation import OrganisationProvider, OrganisationSettings
from .auth.providers import IdentityProvider, LocalPasswordProvider
from .cli import admin, due
from .config import DEFAULTS, from_environment, normalise_database_url
from .extensions import db, migrate
from .persistence.lone_statements import LONE_BIND, lone_engine_options
from .persistence.rules_files import load_profiles
from .persistence.sql_logging import keep_rows_out_of_logs
from .persistence.sqlite import configure_sqlite, create_private_database_file
from .push import setup as push_setup
from .services import data_version
from .services.scheduler import Scheduler
from .ssd import cli as ssd_cli

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    # Werkzeug would answer /feeds//<token>.ics with a redirect naming the token in its Location
    # header, and log the token; a path with doubled slashes answers 404 instead, on every route.
    app.url_map.merge_slashes = False
    app.config.update(DEFAULTS)
    app.config.update(from_environment())
    app.config.update(config or {})
    # Private: it holds the secret key, the VAPID keys and, by default, the SQLite database.
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    configure_database(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path) / "secret_key")
    app.extensions["scheduler"] = Scheduler(
        profiles=load_profiles(),
        default_profile=app.config["RULES_PROFILE"],
        first_year=app.config["CALENDAR_FIRST_YEAR"],
        last_year=app.config["CALENDAR_LAST_YEAR"],
    )
    app.extensions["identity_providers"] = identity_providers(app.config)
    # Other adapters add their resources with app.extensions["api"].register_blueprint(blp).
    app.extensions["api"] = routes.init_app(app)
    problems.init_app(app)
    guard.init_app(app)
    input_guard.init_app(app)
    headers.init_app(app)
    feeds.init_app(app)
    scim.init_app(app)
    rendered.init_app(app)
    data_version.register()
    due.init_app(app)
    admin.init_app(app)
    ssd_cli.init_app(app)
    web.init_app(app)
    serving.quiet_development_server()
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    push_setup.init_app(app)
    return app


def identity_providers(config: dict[str, Any]) -> dict[str, IdentityProvider | OrganisationProvider]:
    """Local passwords unless turned off, and the organisation's identity provider when configured."""
    providers: dict[str, IdentityProvider | OrganisationProvider] = {}
    if config["LOCAL_PASSWORDS"]:
        providers["local"] = LocalPasswordProvider()
    settings = OrganisationSettings.from_config(config)
    if settings is not None:
        providers["organisation"] = OrganisationProvider(settings)
    return providers


def configure_database(app: Flask) -> None:
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'visits.sqlite3'}"
    url = normalise_database_url(url)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    # hide_parameters: statement parameters (names, dates of birth) never reach logs or error messages.
    options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        # The busy timeout is set as a pragma (persistence/sqlite.py); sqlite3's own 5 s would cut it short.
        options = {"connect_args": {"timeout": 30, "check_same_thread": False}, "hide_parameters": True}
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", options)
    app.config.setdefault("SQLALCHEMY_BINDS", {LONE_BIND: lone_engine_options(url, options)})
    if url.startswith("sqlite"):
        create_private_database_file(url)
    db.init_app(app)
    keep_rows_out_of_logs()
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    with app.app_context():
        for bind, engine in db.engines.items():
            if engine.dialect.name == "sqlite":
                configure_sqlite(engine, lone=bind == LONE_BIND)


def instance_secret_key(path: Path) -> str:
    """The key in the instance folder, made on first run; the link makes two starting
    processes agree on one key instead of each writing its own."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
