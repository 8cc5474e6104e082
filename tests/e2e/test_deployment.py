"""How a deployment presents itself: feed links never copied from the Host header in
production, a private SQLite file, and Server headers that name no software."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from backend.app import create_app
from backend.config import serving_problem
from backend.extensions import db, dispose_engines
from tests.support.database import app_for, config_for
from tests.support.world import add_worker, signed_in

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key-not-for-production"


@pytest.mark.parametrize(
    ("config", "fine"),
    [
        ({"APP_ENV": "production"}, False),
        ({"APP_ENV": "production", "PUBLIC_BASE_URL": ""}, False),
        ({}, False),  # production is the default
        ({"APP_ENV": "production", "PUBLIC_BASE_URL": "https://visits.example.gov.uk"}, True),
        ({"APP_ENV": "production", "PUBLIC_BASE_URL": "https://visits.example.gov.uk/"}, True),
        ({"APP_ENV": "production", "PUBLIC_BASE_URL": "visits.example.gov.uk"}, False),
        ({"APP_ENV": "production", "PUBLIC_BASE_URL": "javascript:alert(1)"}, False),
        ({"APP_ENV": "development"}, True),
        ({"APP_ENV": "testing"}, True),
    ],
)
def test_serving_needs_a_public_base_url_in_production_only(config: dict[str, str], fine: bool) -> None:
    problem = serving_problem(config)
    assert (problem is None) == fine
    if not fine:
        assert "PUBLIC_BASE_URL" in problem


@pytest.fixture
def production_app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, APP_ENV="production", PROPAGATE_EXCEPTIONS=False)


def mint_link(app: Flask, host: str) -> tuple[int, str]:
    """Asks for a feed link with this Host header (the session cookie set for that host)."""
    api = signed_in(app, add_worker(app))
    cookie = api.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    api.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value, domain=host.split(":")[0])
    response = api.post("/api/feeds/token", json={"kind": "worker"}, base_url=f"http://{host}")
    return response.status_code, response.get_data(as_text=True)


def test_in_production_a_feed_link_never_copies_the_host_header(production_app: Flask) -> None:
    status, body = mint_link(production_app, "attacker.example")
    assert status == 500 and "attacker.example" not in body
    production_app.config["PUBLIC_BASE_URL"] = "https://visits.example.gov.uk/"
    status, body = mint_link(production_app, "attacker.example")
    assert status == 201 and "https://visits.example.gov.uk/feeds/" in body and "attacker" not in body


def test_in_development_the_request_host_still_makes_the_link(app: Flask) -> None:
    status, body = mint_link(app, "127.0.0.1:5000")
    assert status == 201 and "http://127.0.0.1:5000/feeds/" in body


def test_a_new_sqlite_database_is_readable_by_its_owner_alone(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    previous = os.umask(0o022)
    try:
        app = create_app(config_for(f"sqlite:///{path}"))
        with app.app_context():
            db.create_all()
            db.session.execute(db.text("CREATE TABLE probe (id INTEGER)"))
            db.session.commit()
            modes = {file.name: stat.S_IMODE(file.stat().st_mode) for file in tmp_path.iterdir()}
            dispose_engines()
    finally:
        os.umask(previous)
    assert modes["private.sqlite3"] == 0o600
    assert set(modes.values()) == {0o600}, modes  # the -wal and -shm files take the database's mode


def test_an_existing_database_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    path.chmod(0o640)
    app = create_app(config_for(f"sqlite:///{path}"))
    with app.app_context():
        dispose_engines()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def headers_of(url: str) -> dict[str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return dict(response.headers)
    except urllib.error.HTTPError as error:
        return dict(error.headers)


def test_the_development_server_names_no_software(tmp_path: Path) -> None:
    app = create_app(config_for(f"sqlite:///{tmp_path / 'dev.sqlite3'}"))
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/api/health", "/", "/no-such-page"):
            server_header = headers_of(f"http://127.0.0.1:{server.port}{path}")["Server"]
            assert server_header == "visits", server_header
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            dispose_engines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PUBLIC_BASE_URL", "APP_ENV")}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}", "SECRET_KEY": SECRET}


@pytest.mark.slow
def test_gunicorn_in_production_names_no_software(tmp_path: Path) -> None:
    port = free_port()
    env = {**base_env(tmp_path), "APP_ENV": "production", "PUBLIC_BASE_URL": "https://visits.example.gov.uk"}
    server = gunicorn(port, env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                headers = headers_of(f"http://127.0.0.1:{port}/api/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
    assert headers["Server"] == "visits", headers


@pytest.mark.slow
def test_gunicorn_refuses_to_start_in_production_without_a_public_base_url(tmp_path: Path) -> None:
    server = gunicorn(free_port(), {**base_env(tmp_path), "APP_ENV": "production"})
    try:
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode != 0
    assert b"PUBLIC_BASE_URL is not set" in output
