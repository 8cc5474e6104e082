"""Push devices and reminder settings of the signed-in worker, and the test notification.

Plain values in and out; the HTTP layer (api/push.py) only parses and calls these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..core.reminders import InvalidPreferences, ReminderPreferences
from ..extensions import db
from ..persistence.push import PushSubscriptionRow, ReminderPreferencesRow
from ..push.context import push_setup
from ..push.sender import DeliveryResult, Outcome, PushMessage, Subscription
from ..push.subscriptions import auth_problem, endpoint_problem, p256dh_problem
from .errors import InvalidInput

TEST_TOPIC = "push-test"
TEST_PAYLOAD = {
    "title": "Test notification",
    "body": "Visit reminders are on for this device.",
    "tag": TEST_TOPIC,
    "url": "/#/visits",
    "topic": TEST_TOPIC,
}
TEST_TTL_SECONDS = 600


def public_key() -> str:
    return push_setup().keys.application_server_key


def register_subscription(worker_id: str, endpoint: str, p256dh: str, auth: str, now: datetime) -> bool:
    """Store (or refresh) a device for the worker; True when it was not theirs before.

    The app registers on every start: a browser can keep an endpoint that no longer
    delivers, and a phone handed to a colleague moves to whoever signed in on it.
    """
    check_subscription(endpoint, p256dh, auth)
    try:
        return _store_subscription(worker_id, endpoint, p256dh, auth, now)
    except IntegrityError:
        # The same phone registering twice at once: the other request stored it; update that row.
        db.session.rollback()
        return _store_subscription(worker_id, endpoint, p256dh, auth, now)


def _store_subscription(worker_id: str, endpoint: str, p256dh: str, auth: str, now: datetime) -> bool:
    row = db.session.execute(select(PushSubscriptionRow).where(PushSubscriptionRow.endpoint == endpoint)).scalar()
    created = row is None or row.worker_id != worker_id
    if row is None:
        row = PushSubscriptionRow(worker_id=worker_id, endpoint=endpoint, created_at=now)
        db.session.add(row)
    row.worker_id, row.p256dh, row.auth, row.last_registered_at = worker_id, p256dh, auth, now
    db.session.commit()
    return created


def check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    problems = {
        "endpoint": endpoint_problem(endpoint, push_setup().allow_http_loopback),
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
    rows = db.session.execute(
        select(PushSubscriptionRow).where(PushSubscriptionRow.worker_id == worker_id).order_by(PushSubscriptionRow.id)
    ).scalars()
    return [Subscription(row.endpoint, row.p256dh, row.auth) for row in rows]


def forget_gone(results: list[DeliveryResult]) -> int:
    """Delete the subscriptions a push service said are gone (404/410), and only those."""
    gone = [result.endpoint for result in results if result.subscription_gone]
    if gone:
        db.session.execute(delete(PushSubscriptionRow).where(PushSubscriptionRow.endpoint.in_(gone)))
    return len(gone)


def send_test_notification(worker_id: str) -> dict[str, int]:
    """Send the test notification to each of the worker's devices, now; counts by outcome."""
    subscriptions = worker_subscriptions(worker_id)
    message = PushMessage(TEST_PAYLOAD, TEST_TTL_SECONDS, "normal", TEST_TOPIC)
    results = push_setup().sender.send_all((message, subscription) for subscription in subscriptions)
    forget_gone(results)
    db.session.commit()
    counts = Counter(result.outcome for result in results)
    return {
        "devices": len(subscriptions),
        "delivered": counts[Outcome.DELIVERED],
        "removed": counts[Outcome.GONE],
        "failed": len(results) - counts[Outcome.DELIVERED] - counts[Outcome.GONE],
    }


def reminder_preferences(worker_id: str) -> ReminderPreferences:
    row = db.session.get(ReminderPreferencesRow, worker_id)
    if row is None:
        return ReminderPreferences()
    return ReminderPreferences(row.lead_working_days, row.slot_time, row.mute_weekends, row.quiet_start, row.quiet_end)


def preferences_of(worker_ids: list[str]) -> dict[str, ReminderPreferences]:
    """Several workers' settings in one query; workers without a row get the defaults."""
    rows = db.session.execute(select(ReminderPreferencesRow).where(ReminderPreferencesRow.worker_id.in_(worker_ids)))
    stored = {
        row.worker_id: ReminderPreferences(
            row.lead_working_days, row.slot_time, row.mute_weekends, row.quiet_start, row.quiet_end
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
