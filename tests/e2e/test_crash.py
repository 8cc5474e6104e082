"""The real server (gunicorn, two workers) on SQLite, killed with SIGKILL at random moments while
phones record 1,000 visits: every visit answered 200 or 201 is in the database afterwards, once.

Each phone behaves like the app's outbox: a visit stays queued until the server answers 200 or
201, and a refused connection or a cut-off answer means "try again later".
"""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from backend.app import create_app
from backend.auth.sessions import csrf_token_for, hash_token, start_session
from backend.extensions import db, dispose_engines
from tests.support.database import prepared_database
from tests.support.world import add_child, add_team, add_worker

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-test-secret-key"
PHONES = 4
VISITS = 1_000
KILLS = 20


@dataclass
class Phone:
    cookie: str
    csrf: str
    child: str
    outbox: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn in its own process group, so that SIGKILL takes the master and its workers at once."""

    def __init__(self, database_url: str, port: int) -> None:
        self.port = port
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "APP_ENV": "testing"}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}", "wsgi:app"]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/api/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise AssertionError("gunicorn did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return prepared_database("sqlite", tmp_path)


@pytest.fixture
def phones(sqlite_url: str) -> list[Phone]:
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": sqlite_url})
    team = add_team(app)
    made = []
    for _ in range(PHONES):
        worker = add_worker(app, "social_worker", team)
        child = add_child(app, team_id=team, allocations=[(worker, "social_worker")])
        with app.app_context():
            token = start_session(worker, "local")
            db.session.commit()
        made.append(Phone(token, csrf_token_for(hash_token(token), SECRET), child))
    with app.app_context():
        dispose_engines()
    per_phone = VISITS // PHONES
    for phone in made:
        phone.outbox = [str(uuid.uuid4()) for _ in range(per_phone)]
    return made


@pytest.fixture
def server(sqlite_url: str) -> Iterator[Server]:
    running = Server(sqlite_url, free_port())
    running.start()
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


def body_for(phone: Phone, visit_id: str) -> dict[str, object]:
    # The body follows from the id, so the check afterwards knows what each row must hold.
    day = 1 + int(visit_id[:2], 16) % 20
    return {
        "child_id": phone.child,
        "date": f"2026-11-{day:02d}",
        "role": "social_worker",
        "child_seen": True,
        "seen_alone": int(visit_id[2], 16) % 2 == 0,
    }


def drain(phone: Phone, port: int, stop: threading.Event) -> None:
    with requests.Session() as http:
        send_outbox(http, phone, port, stop)


def send_outbox(http: requests.Session, phone: Phone, port: int, stop: threading.Event) -> None:
    http.cookies.set("visits_session", phone.cookie)
    http.headers["X-CSRF-Token"] = phone.csrf
    while phone.outbox and not stop.is_set():
        visit_id = phone.outbox[0]
        try:
            response = http.put(
                f"http://127.0.0.1:{port}/api/visits/{visit_id}", json=body_for(phone, visit_id), timeout=5
            )
        except requests.RequestException:
            time.sleep(0.02)  # the server is down: keep the visit queued
            continue
        if response.status_code in (200, 201):
            phone.acknowledged.add(visit_id)
            phone.outbox.pop(0)
        else:
            # Only a server failing mid-restart may refuse; a 4xx would mean the visit itself was wrong.
            assert response.status_code >= 500, response.text
            time.sleep(0.02)


def wait_for_acknowledgements(phones: list[Phone], more: int, timeout: float = 10.0) -> None:
    """Until ``more`` visits beyond those acknowledged now are acknowledged (or ``timeout`` passes)."""
    target = sum(len(phone.acknowledged) for phone in phones) + more
    deadline = time.monotonic() + timeout
    while sum(len(phone.acknowledged) for phone in phones) < target and time.monotonic() < deadline:
        time.sleep(0.002)


@pytest.mark.slow
def test_visits_acknowledged_before_sigkill_survive_every_crash_and_none_is_stored_twice(
    server: Server, phones: list[Phone], sqlite_url: str
) -> None:
    stop = threading.Event()
    clients = [threading.Thread(target=drain, args=(phone, server.port, stop)) for phone in phones]
    for client in clients:
        client.start()
    rng = random.Random(20261123)  # noqa: S311
    kills = 0
    acknowledged_at_kill: list[int] = []
    while kills < KILLS and any(client.is_alive() for client in clients):
        # Killed after a random number of further acknowledgements (at most 40, so 20 kills
        # come long before the 1,000th visit however fast the machine), mid-request as it falls.
        wait_for_acknowledgements(phones, rng.randint(5, 40))
        server.kill()
        kills += 1
        acknowledged_at_kill.append(sum(len(phone.acknowledged) for phone in phones))
        server.start()
    for client in clients:
        client.join(timeout=180)
    stop.set()
    assert kills >= KILLS
    assert acknowledged_at_kill[0] < VISITS  # the first kill came while visits were still arriving
    server.kill()

    database = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = database.execute("SELECT id, child_id, date, seen_alone FROM visits WHERE visitor_id IS NOT NULL").fetchall()
    database.close()
    ids = [row[0] for row in rows]
    assert len(ids) == len(set(ids))  # none twice
    stored = {row[0]: row for row in rows}
    for phone in phones:
        assert phone.outbox == []
        for visit_id in phone.acknowledged:
            expected = body_for(phone, visit_id)
            assert stored[visit_id][1:] == (phone.child, expected["date"], int(bool(expected["seen_alone"])))
    acknowledged = sum(len(phone.acknowledged) for phone in phones)
    assert acknowledged == len(stored) == VISITS
    print(f"crash test: {kills} SIGKILLs, {acknowledged} visits acknowledged and stored, 0 lost, 0 twice")
