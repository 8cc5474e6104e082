"""Push devices and reminder settings of the signed-in worker, and the test notification.

Plain values in and out; the HTTP layer (api/push.py) only parses and calls these.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import LONDON
from ..core.reminders import InvalidPreferences, ReminderPreferences
from ..extensions import db
from ..persistence.people import Worker
from ..persistence.push import (
    TEST,
    PushSubscriptionRow,
    ReminderPreferencesRow,
    SentReminderRow,
    insert_ignoring_duplicates,
)
from ..services.errors import InvalidInput, Throttled
from .context import push_setup
from .protocol import DeliveryResult, Outcome, PushMessage, Subscription
from .subscriptions import auth_problem, p256dh_problem, resolved_problem

TEST_TOPIC = "push-test"
TEST_PAYLOAD = {
    "title": "Test notification",
    "body": "Visit reminders are on for this device.",
    "tag": TEST_TOPIC,
    "url": "/#/visits",
    "topic": TEST_TOPIC,
}
TEST_TTL_SECONDS = 600
# The test notification answers while the worker waits: all its devices, retries included,
# within this long, whatever a push service asks; it is a check, not a delivery that must land.
TEST_DEADLINE_SECONDS = 5.0
# Enough to try again after fixing a setting; few enough that nobody can make the server
# a source of traffic at someone else's push service.
TESTS_PER_MINUTE = 3
# A worker with a new phone expects it to work: registering one more device than this
# forgets the one registered least recently (the app registers on every start, so that is
# the phone not used for longest), rather than refusing the new one.
MAX_DEVICES_PER_WORKER = 10


def public_key() -> str:
    return push_setup().keys.application_server_key


def register_subscription(worker_id: str, endpoint: str, p256dh: str, auth: str, now: datetime) -> bool:
    """Store (or refresh) a device for the worker; True when it was not theirs before.

    The app registers on every start: a browser can keep an endpoint that no longer
    delivers, and a phone handed to a colleague moves to whoever signed in on it.
    """
    check_subscription(endpoint, p256dh, auth)
    # Resolving the host is a network call: end the request's transaction before it.
    db.session.commit()
    setup = push_setup()
    if (problem := resolved_problem(endpoint, setup.endpoints, setup.resolve)) is not None:
        raise InvalidInput.field("endpoint", problem)
    try:
        return _store_subscription(worker_id, endpoint, p256dh, auth, now)
    except IntegrityError:
        # The same phone registering twice at once: the other request stored it; update that row.
        db.session.rollback()
        return _store_subscription(worker_id, endpoint, p256dh, auth, now)


def _store_subscription(worker_id: str, endpoint: str, p256dh: str, auth: str, now: datetime) -> bool:
    # One registration per worker at a time (PostgreSQL), so two new phones at once cannot
    # both see room under the cap; SQLite's write lock already serialises them.
    db.session.execute(select(Worker.id).where(Worker.id == worker_id).with_for_update())
    row = db.session.execute(select(PushSubscriptionRow).where(PushSubscriptionRow.endpoint == endpoint)).scalar()
    created = row is None or row.worker_id != worker_id
    if row is None:
        row = PushSubscriptionRow(worker_id=worker_id, endpoint=endpoint, created_at=now)
        db.session.add(row)
    row.worker_id, row.p256dh, row.auth, row.last_registered_at = worker_id, p256dh, auth, now
    db.session.flush()
    _forget_devices_beyond_cap(worker_id)
    db.session.commit()
    return created


def _forget_devices_beyond_cap(worker_id: str) -> None:
    beyond = (
        select(PushSubscriptionRow.id)
        .where(PushSubscriptionRow.worker_id == worker_id)
        .order_by(PushSubscriptionRow.last_registered_at.desc(), PushSubscriptionRow.id.desc())
        .offset(MAX_DEVICES_PER_WORKER)
    )
    stale = list(db.session.execute(beyond).scalars())
    if stale:
        db.session.execute(delete(PushSubscriptionRow).where(PushSubscriptionRow.id.in_(stale)))


def check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    """The checks that need no network: the endpoint's spelling, and both keys."""
    problems = {
        "endpoint": push_setup().endpoints.problem(endpoint),
        "keys.p256dh": p256dh_problem(p256dh),
        "keys.auth": auth_problem(auth),
    }
    errors = {field: [message] for field, message in problems.items() if message}
    if errors:
        raise InvalidInput(errors)


def remove_subscription(worker_id: str, endpoint: str) -> None:
    """Forget one of the worker's devices; someone else's endpoint is left alone."""
    db.session.execute(
        delete(PushSubscriptionRow).where(
            PushSubscriptionRow.worker_id == worker_id, PushSubscriptionRow.endpoint == endpoint
        )
    )
    db.session.commit()


def worker_subscriptions(worker_id: str) -> list[Subscription]:
    """The worker's devices, at most MAX_DEVICES_PER_WORKER (the most recently registered)."""
    rows = db.session.execute(
        select(PushSubscriptionRow)
        .where(PushSubscriptionRow.worker_id == worker_id)
        .order_by(PushSubscriptionRow.last_registered_at.desc(), PushSubscriptionRow.id.desc())
        .limit(MAX_DEVICES_PER_WORKER)
    ).scalars()
    return [Subscription(row.endpoint, row.p256dh, row.auth) for row in rows]


def forget_gone(results: list[DeliveryResult]) -> int:
    """Delete the subscriptions a push service said are gone (404/410), and only those."""
    gone = [result.endpoint for result in results if result.subscription_gone]
    if gone:
        db.session.execute(delete(PushSubscriptionRow).where(PushSubscriptionRow.endpoint.in_(gone)))
    return len(gone)


def send_test_notification(worker_id: str, now: datetime) -> dict[str, int]:
    """Send the test notification to each of the worker's devices, now; counts by outcome.

    Three short steps, so that nothing is held while push services answer: take one of
    the minute's tests and read the devices (committed), deliver with no transaction or
    connection held and a deadline of a few seconds, then record what came of it.
    """
    logged = _take_test_allowance(worker_id, now)
    subscriptions = worker_subscriptions(worker_id)
    db.session.commit()
    sender = push_setup().sender
    message = PushMessage(TEST_PAYLOAD, TEST_TTL_SECONDS, "normal", TEST_TOPIC)
    results = sender.send_all(
        ((message, subscription) for subscription in subscriptions),
        deadline=sender.deadline_after(TEST_DEADLINE_SECONDS),
    )
    sender.close()  # a request thread keeps no connection to a push service
    forget_gone(results)
    counts = Counter(result.outcome for result in results)
    summary = {
        "devices": len(subscriptions),
        "delivered": counts[Outcome.DELIVERED],
        "removed": counts[Outcome.GONE],
        "failed": len(results) - counts[Outcome.DELIVERED] - counts[Outcome.GONE],
    }
    described = ", ".join(f"{name} {count}" for name, count in summary.items() if count)
    db.session.execute(update(SentReminderRow).where(SentReminderRow.id == logged).values(outcome=described))
    db.session.commit()
    return summary


def _take_test_allowance(worker_id: str, now: datetime) -> int:
    """Log one of the worker's TESTS_PER_MINUTE tests for this minute, or raise Throttled.

    The minute's allowance is TESTS_PER_MINUTE unique keys: each request inserts the first
    free one, so app processes and threads racing each other still let through no more.
    """
    minute = int(now.timestamp() // 60)
    for number in range(TESTS_PER_MINUTE):
        key = hashlib.sha256(f"push-test\n{worker_id}\n{minute}\n{number}".encode()).hexdigest()
        row = {
            "reminder_key": key,
            "worker_id": worker_id,
            "slot_day": now.astimezone(LONDON).date(),
            "visits": "",
            "payload": json.dumps(TEST_PAYLOAD),
            "urgency": "normal",
            "topic": TEST_TOPIC,
            "expires_at": now + timedelta(seconds=TEST_TTL_SECONDS),
            "status": TEST,
            "attempts": 1,
            "outcome": "",
            "created_at": now,
            "finished_at": now,
        }
        logged = db.session.execute(insert_ignoring_duplicates([row]).returning(SentReminderRow.id)).scalar()
        if logged is not None:
            return logged
    db.session.commit()
    raise Throttled(
        retry_after=60 - int(now.timestamp() % 60),
        message=f"At most {TESTS_PER_MINUTE} test notifications a minute. Try again shortly.",
    )


def reminder_preferences(worker_id: str) -> ReminderPreferences:
    row = db.session.get(ReminderPreferencesRow, worker_id)
    if row is None:
        return ReminderPreferences()
    return ReminderPreferences(
        row.lead_working_days, row.slot_time, row.mute_weekends, row.quiet_start, row.quiet_end, row.plan_lead_minutes
    )


def preferences_of(worker_ids: list[str]) -> dict[str, ReminderPreferences]:
    """Several workers' settings in one query; workers without a row get the defaults."""
    rows = db.session.execute(select(ReminderPreferencesRow).where(ReminderPreferencesRow.worker_id.in_(worker_ids)))
    stored = {
        row.worker_id: ReminderPreferences(
            row.lead_working_days,
            row.slot_time,
            row.mute_weekends,
            row.quiet_start,
            row.quiet_end,
            row.plan_lead_minutes,
        )
        for row in rows.scalars()
    }
    return {worker_id: stored.get(worker_id, ReminderPreferences()) for worker_id in worker_ids}


def update_reminder_preferences(worker_id: str, changes: dict[str, Any], now: datetime) -> ReminderPreferences:
    """Apply the given settings over the current ones; the rest stay as they were."""
    try:
        preferences = replace(reminder_preferences(worker_id), **changes)
    except InvalidPreferences as problem:
        raise InvalidInput.field(problem.field, problem.problem) from None
    row = db.session.get(ReminderPreferencesRow, worker_id)
    if row is None:
        row = ReminderPreferencesRow(worker_id=worker_id)
        db.session.add(row)
    for name, value in asdict(preferences).items():
        setattr(row, name, value)
    row.updated_at = now
    db.session.commit()
    return preferences
