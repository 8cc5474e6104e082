"""Feed tokens never reach a log line: Werkzeug's development server and gunicorn's access log."""

from __future__ import annotations

import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from backend.app import create_app
from backend.extensions import db
from backend.feeds.service import issue_feed_token
from tests.support.database import config_for
from tests.support.world import add_worker

ROOT = Path(__file__).resolve().parents[2]


def prepared_app(tmp_path: Path):  # noqa: ANN201
    url = f"sqlite:///{tmp_path / 'feeds.sqlite3'}"
    app = create_app(config_for(url))
    with app.app_context():
        db.create_all()
    worker = add_worker(app, "social_worker", name="Sam Patel")
    with app.app_context():
        token = issue_feed_token(worker, "social_worker", "worker")
    return app, url, token


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_werkzeug_request_lines_show_no_token(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app, _, token = prepared_app(tmp_path)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        assert fetch(f"http://127.0.0.1:{server.port}/feeds/{token}.ics") == 200
        assert fetch(f"http://127.0.0.1:{server.port}/feeds/{token[::-1]}.ics") == 404
    finally:
        server.shutdown()
        thread.join()
    assert "GET /feeds/[token].ics" in caplog.text
    assert token not in caplog.text and token[::-1] not in caplog.text


def raw_get(port: int, path: str) -> http.client.HTTPResponse:
    """The answer itself, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("path", ["/feeds//{token}.ics", "/feeds///{token}.ics", "//feeds//{token}.ics"])
def test_doubled_slashes_answer_404_with_no_redirect_and_log_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    app, _, token = prepared_app(tmp_path)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        response = raw_get(server.port, path.format(token=token))
    finally:
        server.shutdown()
        thread.join()
    assert response.status == 404
    assert response.getheader("Location") is None
    assert token not in str(response.headers)
    assert "/feeds/" in caplog.text and token not in caplog.text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_access_log_shows_no_token(tmp_path: Path) -> None:
    _, url, token = prepared_app(tmp_path)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key-not-for-production", "APP_ENV": "testing"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status = fetch(f"http://127.0.0.1:{port}/feeds/{token}.ics")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200
        assert fetch(f"http://127.0.0.1:{port}/feeds/{token[::-1]}.ics") == 404
        doubled = raw_get(port, f"/feeds//{token}.ics")
        assert doubled.status == 404 and doubled.getheader("Location") is None
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    log = output.decode()
    assert "GET /feeds/[token].ics" in log
    assert token not in log and token[::-1] not in log
