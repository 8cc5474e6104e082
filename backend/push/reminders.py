"""The reminder job: plan what each worker is owed now, then deliver each message exactly once.

Run from cron every few minutes, perhaps on several hosts at once. Two steps:

1. Plan: for every active worker with a device, ask the core which reminder is due now
   and insert it into ``sent_reminders`` with INSERT ... ON CONFLICT DO NOTHING on its
   unique dedupe key. However many processes plan at once, one row per reminder exists.
2. Deliver: threads each claim one pending row at a time (SELECT ... FOR UPDATE SKIP
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
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from ..clock import LONDON
from ..core.plan_reminders import PlanReminder
from ..core.reminders import Reminder, ReminderItem, open_slot, reminder_due_at
from ..core.vocabulary import CARER_DUTY_SHORT
from ..extensions import db
from ..persistence.people import Worker
from ..persistence.push import (
    EXPIRED,
    FAILED,
    NO_DEVICES,
    PENDING,
    SENT,
    PushSubscriptionRow,
    SentReminderRow,
    insert_ignoring_duplicates,
)
from ..services.carers import supervised_carers
from ..services.caseload import BAD_DATES, CaseloadEntry, scheduler, workers_caseloads
from .context import push_setup
from .devices import forget_gone, preferences_of, worker_subscriptions
from .plan_reminders import due_plan_reminders
from .sender import DeliveryResult, Outcome, PushMessage, Subscription

log = logging.getLogger(__name__)

WORKERS_PER_BATCH = 200
# A claimed reminder is left to its claimant this long; then another run may take it over.
# Longer than any delivery (its deadline), so a live claimant is never doubled.
SHORTEST_CLAIM_LEASE = timedelta(minutes=1)
# A reminder whose every device failed for a passing reason is tried on this many runs at most.
MAX_DELIVERY_RUNS = 5
RETRY_LATER = timedelta(minutes=5)
# The log is kept this long (to answer "was I reminded?"), then pruned by the job itself.
KEEP_LOG = timedelta(days=30)


def send_reminders(now: datetime) -> dict[str, int]:
    """Expire lapsed reminders, record those owed at ``now``, deliver every pending one."""
    summary: Counter[str] = Counter()
    summary["expired"] = expire_lapsed(now)
    prune_log(now)
    summary["planned"] = queue_due_reminders(now)
    summary.update(deliver_pending(now))
    return {
        key: summary[key]
        for key in (
            "planned",
            "sent",
            "no_devices",
            "retrying",
            "failed",
            "expired",
            "devices_removed",
            "config_faults",
        )
    }


def expire_lapsed(now: datetime) -> int:
    expired = db.session.execute(
        update(SentReminderRow)
        .where(SentReminderRow.status == PENDING, SentReminderRow.expires_at <= now)
        .values(status=EXPIRED, finished_at=now)
        .returning(SentReminderRow.id)
    ).all()
    db.session.commit()
    return len(expired)


def prune_log(now: datetime) -> None:
    """Forget finished reminders older than KEEP_LOG; their slots closed long ago."""
    oldest_kept = (now - KEEP_LOG).astimezone(LONDON).date()
    db.session.execute(
        delete(SentReminderRow).where(SentReminderRow.status != PENDING, SentReminderRow.slot_day < oldest_kept)
    )
    db.session.commit()


def queue_due_reminders(now: datetime) -> int:
    """Record the reminder each worker with a device is owed at ``now``; the number new."""
    today = now.astimezone(LONDON).date()
    calendar = scheduler().calendar()
    planned = 0
    for batch in _batches(_workers_with_devices()):
        preferences = preferences_of(batch)
        # Most runs fall outside most workers' slots (nights, weekends): skip their caseloads.
        worker_ids = [worker_id for worker_id in batch if open_slot(preferences[worker_id], calendar, now)]
        caseloads = workers_caseloads(worker_ids, today, today) if worker_ids else {}
        carers = carer_reminder_items(worker_ids, today)
        reminders: list[Reminder | PlanReminder] = []
        for worker_id in worker_ids:
            items = [reminder_item(entry) for entry in caseloads.get(worker_id, [])] + carers.get(worker_id, [])
            try:
                reminder = reminder_due_at(worker_id, items, preferences[worker_id], calendar, now)
            except BAD_DATES as error:
                # Counting back from a plan-by date at the calendar's first days: this worker
                # misses one reminder, every other worker still gets theirs.
                log.warning("worker %s left without a reminder: %s", worker_id, type(error).__name__)
                continue
            if reminder is not None:
                reminders.append(reminder)
        # Planned contacts have their own times, whatever the day's slot (push/plan_reminders.py).
        reminders.extend(due_plan_reminders(batch, preferences, now))
        planned += record_planned(reminders, now)
    # End the read transaction: on SQLite it holds the write lock the delivery threads need.
    db.session.commit()
    return planned


def reminder_item(entry: CaseloadEntry) -> ReminderItem:
    """What a reminder may show of a caseload entry: initials and reference, never the name."""
    obligation = entry.obligation
    return ReminderItem(
        entry.child_id,
        entry.initials,
        entry.reference,
        entry.plan_type,
        obligation.role,
        obligation.due,
        obligation.plan_by,
    )


def carer_reminder_items(worker_ids: list[str], today: date) -> dict[str, list[ReminderItem]]:
    """The visits due to the carers each worker supervises, as reminder items: initials and
    reference, the duty as the plan ('carer visit'), keyed by carer and duty (two duties, two items)."""
    found = supervised_carers(worker_ids, today) if worker_ids else {}
    return {
        worker_id: [
            ReminderItem(
                f"carer:{entry.carer_id}:{entry.obligation.duty}",
                entry.initials,
                entry.reference,
                CARER_DUTY_SHORT.get(entry.obligation.duty, "carer visit"),
                entry.obligation.role,
                entry.obligation.due,
                entry.obligation.plan_by,
                is_carer=True,
            )
            for entry in entries
        ]
        for worker_id, entries in found.items()
    }


def record_planned(reminders: Sequence[Reminder | PlanReminder], now: datetime) -> int:
    """Insert reminders not yet recorded; skip one that tells nothing this slot has not already told."""
    said = _already_said(reminders)
    rows = [
        _planned_row(reminder, now)
        for reminder in reminders
        if not reminder.visit_identities <= said.get((reminder.worker_id, reminder.slot_day.isoformat()), set())
    ]
    if not rows:
        return 0
    # RETURNING counts what was inserted: rowcount is -1 for a multi-row insert on psycopg.
    inserted = db.session.execute(insert_ignoring_duplicates(rows).returning(SentReminderRow.id)).all()
    db.session.commit()
    return len(inserted)


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


def _workers_with_devices() -> list[str]:
    query = (
        select(PushSubscriptionRow.worker_id)
        .join(Worker, Worker.id == PushSubscriptionRow.worker_id)
        .where(Worker.active.is_(True))
        .distinct()
        .order_by(PushSubscriptionRow.worker_id)
    )
    return list(db.session.execute(query).scalars())


def _batches(worker_ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(worker_ids), WORKERS_PER_BATCH):
        yield worker_ids[start : start + WORKERS_PER_BATCH]


def _already_said(reminders: Sequence[Reminder | PlanReminder]) -> dict[tuple[str, str], set[str]]:
    """Visits already covered by reminders recorded for the same workers and slot days."""
    if not reminders:
        return {}
    query = select(SentReminderRow.worker_id, SentReminderRow.slot_day, SentReminderRow.visits).where(
        SentReminderRow.worker_id.in_({reminder.worker_id for reminder in reminders}),
        SentReminderRow.slot_day.in_({reminder.slot_day for reminder in reminders}),
    )
    said: dict[tuple[str, str], set[str]] = {}
    for worker_id, slot_day, visits in db.session.execute(query):
        said.setdefault((worker_id, slot_day.isoformat()), set()).update(visits.splitlines())
    return said


def _planned_row(reminder: Reminder | PlanReminder, now: datetime) -> dict[str, Any]:
    payload = reminder.payload()
    return {
        "reminder_key": reminder.key,
        "worker_id": reminder.worker_id,
        "slot_day": reminder.slot_day,
        "visits": "\n".join(sorted(reminder.visit_identities)),
        "payload": json.dumps(payload, ensure_ascii=False),
        "urgency": reminder.urgency,
        "topic": payload["topic"],
        "expires_at": reminder.expires,
        "status": PENDING,
        "attempts": 0,
        "outcome": "",
        "created_at": now,
    }
