"""A slow or hostile push service while other workers write, on SQLite and PostgreSQL.

The test notification is sent while the worker waits, at an endpoint the worker chose:
a push service that hangs, or answers 503 with ``Retry-After: 60``, must cost that one
request a few seconds at most, and hold no database lock or connection meanwhile, so
that visit saves and sign-ins by everyone else answer at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from backend.extensions import db
from backend.push.devices import TEST_DEADLINE_SECONDS
from tests.support.database import app_for
from tests.support.push_app import add_device
from tests.support.push_service import HANG, LoopbackPushService, Reply, Subscriber
from tests.support.world import PASSWORD, add_child, add_worker, new_visit_id, signed_in, visit_body

# Generous for a loaded two-core machine, and far below the 30 s a held write lock costs.
PROMPT_SECONDS = 5.0
SLOW_ANSWERS = [
    pytest.param(HANG, id="hangs"),
    pytest.param(Reply(503, {"Retry-After": "60"}), id="503-retry-after-60"),
]


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    yield from app_for(
        database_url,
        PUSH_ALLOWED_HOSTS="127.0.0.1",
        PUSH_ALLOW_HTTP_LOOPBACK=True,
        # Long enough that only the deadline can end a hanging request in time.
        PUSH_TIMEOUT_SECONDS=30.0,
        PUSH_RETRY_MAX_DELAY=120.0,
    )


@pytest.fixture
def service(app: Flask) -> Iterator[LoopbackPushService]:
    with LoopbackPushService(app.extensions["push"].keys.application_server_key, hang_seconds=60) as running:
        yield running


def worker_with_phone(app: Flask, service: LoopbackPushService) -> tuple[str, Subscriber]:
    worker_id = add_worker(app)
    phone = service.new_subscriber()
    with app.app_context():
        add_device(worker_id, phone)
        db.session.remove()
    return worker_id, phone


def checked_out_connections(app: Flask) -> int:
    with app.app_context():
        return sum(engine.pool.checkedout() for engine in db.engines.values())  # type: ignore[attr-defined]


class InBackground:
    """One request on its own thread, timed; joined with a bound so a hang fails the test."""

    def __init__(self, send: Any) -> None:
        self.answer: Any = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, args=(send,), daemon=True)
        self._thread.start()

    def _run(self, send: Any) -> None:
        started = time.monotonic()
        self.answer = send()
        self.seconds = time.monotonic() - started

    def join(self, timeout: float) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"still waiting after {timeout} s"
        return self.answer


def wait_for_attempt(service: LoopbackPushService, phone: Subscriber, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not service.attempts_to(phone):
        assert time.monotonic() < deadline, "the test notification never reached the push service"
        time.sleep(0.01)


@pytest.mark.parametrize("slow", SLOW_ANSWERS)
def test_a_slow_push_service_holds_up_neither_visit_saves_nor_sign_ins(app: Flask, service, slow: Reply) -> None:
    caller_id, phone = worker_with_phone(app, service)
    service.script(phone, *[slow] * 4)
    other_id = add_worker(app, email="other@example.org")
    child_id = add_child(app, allocations=[(other_id, "social_worker")])
    caller, other = signed_in(app, caller_id), signed_in(app, other_id)

    testing = InBackground(lambda: caller.post("/api/push/test"))
    wait_for_attempt(service, phone)
    saving = InBackground(lambda: other.put(f"/api/visits/{new_visit_id()}", json=visit_body(child_id)))
    saved = saving.join(30)
    signing_in = InBackground(
        lambda: app.test_client().post("/api/session", json={"email": "other@example.org", "password": PASSWORD})
    )
    signed = signing_in.join(30)
    tested = testing.join(30)

    assert (saved.status_code, signed.status_code) == (201, 200)
    assert saving.seconds < PROMPT_SECONDS and signing_in.seconds < PROMPT_SECONDS
    assert tested.status_code == 200
    assert tested.get_json() == {"devices": 1, "delivered": 0, "removed": 0, "failed": 1}
    assert testing.seconds < TEST_DEADLINE_SECONDS + 2


def test_no_database_connection_is_held_while_a_push_service_answers(app: Flask, service) -> None:
    caller_id, _phone = worker_with_phone(app, service)
    held: list[int] = []
    service.on_request = lambda: held.append(checked_out_connections(app))
    answer = signed_in(app, caller_id).post("/api/push/test")
    assert answer.get_json()["delivered"] == 1
    assert held == [0]


def test_many_slow_test_notifications_at_once_leave_the_service_answering(app: Flask, service) -> None:
    """The issue's attack: many test notifications at a hanging push service, then a health check."""
    callers = []
    for _ in range(6):
        worker_id, phone = worker_with_phone(app, service)
        service.script(phone, *[HANG] * 4)
        callers.append(signed_in(app, worker_id))
    tests = [InBackground(lambda caller=caller: caller.post("/api/push/test")) for caller in callers]
    time.sleep(0.5)
    health = InBackground(lambda: app.test_client().get("/api/health"))
    assert health.join(PROMPT_SECONDS).status_code == 200
    assert [test.join(30).status_code for test in tests] == [200] * 6
    assert max(test.seconds for test in tests) < TEST_DEADLINE_SECONDS + 3
