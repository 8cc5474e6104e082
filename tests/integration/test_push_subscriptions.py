"""Devices stored by the push service layer, on SQLite and PostgreSQL (the suite's ``app`` fixture)."""

from __future__ import annotations

import os
import threading

from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.push import PushSubscriptionRow
from backend.push.devices import MAX_DEVICES_PER_WORKER, register_subscription
from tests.support.push_service import Subscriber
from tests.support.reminder_builders import london
from tests.support.world import add_worker

NOW = london("2026-11-23 09:00")


def phone_keys() -> dict[str, str]:
    """A phone's p256dh and auth, as ``PushSubscription.toJSON()`` gives them."""
    phone = Subscriber("t", "https://push.example.org/t", ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
    return phone.to_json()["keys"]


def test_one_phone_registering_from_several_requests_at_once_is_stored_once(app: Flask) -> None:
    worker_id = add_worker(app)
    keys = phone_keys()
    problems: list[BaseException] = []
    start = threading.Barrier(6)

    def register() -> None:
        with app.app_context():
            start.wait()
            try:
                register_subscription(
                    worker_id, "https://push.example.org/same-phone", keys["p256dh"], keys["auth"], NOW
                )
            except BaseException as problem:  # noqa: BLE001 (reported below)
                problems.append(problem)

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscriptionRow)) == 1


def test_new_phones_registering_at_once_leave_the_worker_ten_devices(app: Flask) -> None:
    worker_id = add_worker(app)
    phones = [(f"https://push.example.org/phone-{number}", phone_keys()) for number in range(14)]
    problems: list[BaseException] = []
    start = threading.Barrier(len(phones))

    def register(endpoint: str, keys: dict[str, str]) -> None:
        with app.app_context():
            start.wait(timeout=30)
            try:
                register_subscription(worker_id, endpoint, keys["p256dh"], keys["auth"], NOW)
            except BaseException as problem:  # noqa: BLE001 (reported below)
                problems.append(problem)

    threads = [threading.Thread(target=register, args=phone) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscriptionRow)) == MAX_DEVICES_PER_WORKER
