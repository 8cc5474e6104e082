"""Delivering the reminders the job recorded (``reminders.py``), each exactly once.

Threads each claim one pending row at a time (SELECT ... FOR UPDATE SKIP
LOCKED, then an UPDATE that counts the attempt and leases the row, ``claim_lease()``) and
commit the claim, read the devices with it, send with no transaction open and within
``PUSH_DEADLINE_SECONDS``, then record the outcome in a second short transaction. Other
processes skip a leased row, and find a sent one no longer pending. A crash between the
claim and the record leaves the row pending: the first run after its lease lapses sends
that message again (it may have reached the phone: the one message in flight can
repeat), and no other message is lost, since nothing else was marked sent.

No transaction is open while a push service answers: on SQLite a transaction holds the
database's write lock, on PostgreSQL a connection from a small pool, and a slow or hostile
push service must not stall visit saves and sign-ins for either reason.

SQLite (development) has no row locks: there every transaction here begins IMMEDIATE
(persistence/sqlite.py), so claims are taken one at a time and the conditional UPDATE in
``claim_next`` is the claim; delivery runs in one thread per process.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update

from ..extensions import db
from ..persistence.push import FAILED, NO_DEVICES, PENDING, SENT, SentReminderRow
from .context import push_setup
from .devices import forget_gone, worker_subscriptions
from .protocol import DeliveryResult, Outcome, PushMessage, Subscription

log = logging.getLogger(__name__)

# A claimed reminder is left to its claimant this long; then another run may take it over.
# Longer than any delivery (its deadline), so a live claimant is never doubled.
SHORTEST_CLAIM_LEASE = timedelta(minutes=1)
# A reminder whose every device failed for a passing reason is tried on this many runs at most.
MAX_DELIVERY_RUNS = 5
RETRY_LATER = timedelta(minutes=5)


def deliver_pending(now: datetime) -> Counter[str]:
    """Deliver every pending reminder over at most PUSH_MAX_CONCURRENCY threads."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    threads = 1 if db.engine.dialect.name == "sqlite" else push_setup().sender.max_workers
    totals: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="reminders") as pool:
        for counts in pool.map(lambda _index: _deliver_in_thread(app, now), range(threads)):
            totals.update(counts)
    return totals


@dataclass(frozen=True)
class ClaimedReminder:
    """A reminder this thread has claimed, with all it needs to send it: plain values, so
    sending touches no database row."""

    id: int
    worker_id: str
    attempt: int
    message: PushMessage
    subscriptions: list[Subscription]


def claim_lease() -> timedelta:
    return max(SHORTEST_CLAIM_LEASE, timedelta(seconds=2 * push_setup().sender.policy.deadline))


def claim_next(now: datetime) -> ClaimedReminder | None:
    """Claim one pending reminder (committed: no lock is kept while it is sent), or None."""
    due = SentReminderRow.next_attempt_at.is_(None) | (SentReminderRow.next_attempt_at <= now)
    while True:
        row = db.session.execute(
            select(SentReminderRow)
            .where(SentReminderRow.status == PENDING, SentReminderRow.expires_at > now, due)
            .order_by(SentReminderRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).scalar()
        if row is None:
            db.session.commit()
            return None
        attempt = db.session.execute(
            update(SentReminderRow)
            .where(SentReminderRow.id == row.id, SentReminderRow.status == PENDING, due)
            .values(attempts=SentReminderRow.attempts + 1, next_attempt_at=now + claim_lease())
            .returning(SentReminderRow.attempts)
        ).scalar()
        if attempt is None:
            db.session.rollback()
            continue
        ttl = max(60, int((row.expires_at - now).total_seconds()))
        message = PushMessage(json.loads(row.payload), ttl, row.urgency, row.topic)
        claimed = ClaimedReminder(row.id, row.worker_id, attempt, message, worker_subscriptions(row.worker_id))
        db.session.commit()
        return claimed


def deliver_claimed(claimed: ClaimedReminder, now: datetime) -> Counter[str]:
    """Send one claimed reminder to each of its worker's devices, then record how it went."""
    sender = push_setup().sender
    results = sender.send_all((claimed.message, subscription) for subscription in claimed.subscriptions)
    return record_delivery(claimed, results, now)


def record_delivery(claimed: ClaimedReminder, results: list[DeliveryResult], now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["devices_removed"] = forget_gone(results)
    counts["config_faults"] = sum(result.outcome is Outcome.CONFIG_FAULT for result in results)
    status = _status_after(results, claimed.attempt)
    changes: dict[str, Any] = {"status": status, "outcome": _describe(results)}
    if status == PENDING:
        changes["next_attempt_at"] = now + RETRY_LATER
    else:
        changes["finished_at"] = now
    recorded = db.session.execute(
        update(SentReminderRow)
        .where(
            SentReminderRow.id == claimed.id,
            SentReminderRow.status == PENDING,
            SentReminderRow.attempts == claimed.attempt,
        )
        .values(**changes)
        .returning(SentReminderRow.id)
    ).scalar()
    db.session.commit()
    if recorded is None:
        log.warning("reminder %d: its claim lapsed or it expired while being sent; outcome not recorded", claimed.id)
    counts["retrying" if status == PENDING else status] += 1
    return counts


def _deliver_in_thread(app: Flask, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    with app.app_context():
        try:
            while (claimed := claim_next(now)) is not None:
                counts.update(deliver_claimed(claimed, now))
        finally:
            push_setup().sender.close()
    return counts


def _status_after(results: list[DeliveryResult], attempt: int) -> str:
    outcomes = {result.outcome for result in results}
    if Outcome.DELIVERED in outcomes:
        return SENT
    if not outcomes or outcomes == {Outcome.GONE}:
        return NO_DEVICES
    if outcomes <= {Outcome.FAILED, Outcome.GONE} and attempt < MAX_DELIVERY_RUNS:
        return PENDING
    return FAILED


def _describe(results: list[DeliveryResult]) -> str:
    """Counts by outcome ("delivered 1, gone 1"): nothing about the person or the device."""
    counts = Counter(result.outcome.value for result in results)
    return ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items())) or "no devices"
