"""The reminder job: plan what each worker is owed now, then deliver each message exactly once.

Run from cron every few minutes, perhaps on several hosts at once. Two steps:

1. Plan: for every active worker with a device, ask the core which reminder is due now
   and insert it into ``sent_reminders`` with INSERT ... ON CONFLICT DO NOTHING on its
   unique dedupe key. However many processes plan at once, one row per reminder exists.
2. Deliver every pending one (``delivery.py``): exactly once, with no transaction open
   while a push service answers.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from ..clock import LONDON
from ..core.labels import initials_of
from ..core.plan_reminders import PlanReminder
from ..core.reminders import (
    MAX_LEAD_WORKING_DAYS,
    Reminder,
    ReminderItem,
    open_slot,
    reminder_due_at,
    visit_identity,
)
from ..core.vocabulary import CARER_DUTY_SHORT
from ..extensions import db
from ..persistence.people import Worker
from ..persistence.push import (
    EXPIRED,
    PENDING,
    PushSubscriptionRow,
    SentReminderRow,
    insert_ignoring_duplicates,
)
from ..services.carers import supervised_carers
from ..services.caseload import BAD_DATES, CaseloadEntry, scheduler, workers_caseloads_in_full
from ..services.covers import covers_held_by, with_covered
from ..services.worker_deadlines import WorkerDeadline
from .delivery import deliver_pending
from .devices import preferences_of
from .links import notification_payload
from .plan_reminders import due_plan_reminders

log = logging.getLogger(__name__)

WORKERS_PER_BATCH = 200
# The log is kept this long (to answer "was I reminded?"), then pruned by the job itself.
KEEP_LOG = timedelta(days=30)
# Deadlines as far ahead as the longest lead a worker may choose can reach (10 working days,
# with Christmas and Easter in them).
DEADLINE_HORIZON = timedelta(days=3 * MAX_LEAD_WORKING_DAYS)


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
        # The children of colleagues these workers cover today come with them (services/covers.py).
        covers = covers_held_by(worker_ids, today)
        holders = sorted({*worker_ids, *(absent for covered in covers.values() for absent in covered)})
        items_of = reminder_items_of(holders, today)
        reminders: list[Reminder | PlanReminder] = []
        for worker_id in worker_ids:
            items = items_in_reach(items_of, worker_id, covers.get(worker_id, {}))
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


def reminder_items_of(holders: list[str], today: date) -> dict[str, list[ReminderItem]]:
    """Every item each holder is reminded of: their children's visits, their carers' and their
    children's deadlines."""
    if not holders:
        return {}
    caseloads = workers_caseloads_in_full(holders, today, today, today + DEADLINE_HORIZON)
    carers = carer_reminder_items(holders, today)
    return {
        holder: [reminder_item(entry) for entry in caseloads.entries.get(holder, [])]
        + carers.get(holder, [])
        + [deadline_item(entry) for entry in caseloads.deadlines.get(holder, [])]
        for holder in holders
    }


def items_in_reach(
    items_of: dict[str, list[ReminderItem]], worker_id: str, covered: dict[str, str]
) -> list[ReminderItem]:
    """The worker's own items, and those of the colleagues they cover labelled with that colleague's
    initials; an item both hold is the worker's own, told once."""
    return [
        item if absent is None else replace(item, covering_for=initials_of(covered[absent]))
        for item, absent in with_covered(items_of, worker_id, covered, visit_identity)
    ]


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


def deadline_item(entry: WorkerDeadline) -> ReminderItem:
    """A deadline that is not a visit, as a reminder item: initials and reference, its kind, and its
    rule in place of a role (so two deadlines due the same day stay two)."""
    deadline = entry.deadline
    return ReminderItem(
        entry.child_id,
        entry.initials,
        entry.reference,
        "",
        f"deadline:{deadline.rule}",
        deadline.due,
        deadline.due,
        deadline_kind=deadline.kind,
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
        _planned_row(untold, now)
        for reminder in reminders
        if (untold := _untold(reminder, said.get((reminder.worker_id, reminder.slot_day.isoformat()), set())))
    ]
    if not rows:
        return 0
    # RETURNING counts what was inserted: rowcount is -1 for a multi-row insert on psycopg.
    inserted = db.session.execute(insert_ignoring_duplicates(rows).returning(SentReminderRow.id)).all()
    db.session.commit()
    return len(inserted)


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


def _untold(reminder: Reminder | PlanReminder, told: set[str]) -> Reminder | PlanReminder | None:
    """What the reminder says that its slot has not told yet: a due-date reminder is trimmed to it
    (each visit told once per worker and slot, whatever joined the caseload between two runs);
    a plan reminder is one plan, told or not."""
    if isinstance(reminder, Reminder):
        return reminder.without(told)
    return None if reminder.visit_identities <= told else reminder


def _planned_row(reminder: Reminder | PlanReminder, now: datetime) -> dict[str, Any]:
    payload = notification_payload(reminder)
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
