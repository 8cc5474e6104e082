"""Push reminder rows: each worker's devices, their reminder settings, and the log of reminders.

``sent_reminders.reminder_key`` is UNIQUE: it is the core's dedupe key for (worker, slot
day, set of visits), so however many ``send-reminders`` processes plan the same reminder,
one row exists, and the claim taken to deliver it (a row lock, then a lease recorded in
``next_attempt_at``) makes exactly one of them send it. The same uniqueness rations test
notifications (status ``test``, push/devices.py).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Insert, String, Text, Time
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model, db
from .types import UTCDateTime

# Reminder statuses: planned and waiting; delivered to at least one device; no device left;
# refused for good (configuration fault, defect) or out of retries; its slot lapsed unsent.
PENDING, SENT, NO_DEVICES, FAILED, EXPIRED = "pending", "sent", "no_devices", "failed", "expired"
# A test notification a worker asked for: logged here so that its unique key can ration them.
TEST = "test"


class PushSubscriptionRow(Model):
    """One browser's push subscription (one device) of one worker."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    # Endpoints are capability URLs: unique, never logged, never shown to anyone else.
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ReminderPreferencesRow(Model):
    """A worker's reminder settings; no row means the defaults."""

    __tablename__ = "reminder_preferences"

    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)
    lead_working_days: Mapped[int]
    slot_time: Mapped[time] = mapped_column(Time())
    mute_weekends: Mapped[bool]
    quiet_start: Mapped[time | None] = mapped_column(Time())
    quiet_end: Mapped[time | None] = mapped_column(Time())
    # Minutes before a planned contact to remind of it; NULL: never (added with plans, 0004_plans).
    plan_lead_minutes: Mapped[int | None] = mapped_column(default=60, server_default="60")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class SentReminderRow(Model):
    """One planned reminder message and what became of it."""

    __tablename__ = "sent_reminders"
    __table_args__ = (Index("ix_sent_reminders_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    reminder_key: Mapped[str] = mapped_column(String(64), unique=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    slot_day: Mapped[date] = mapped_column(Date())
    # "child_id/role/due" per visit, one a line: lets a later run see what this slot already said.
    visits: Mapped[str] = mapped_column(Text())
    # The JSON body exactly as it will be sent: initials or references, never a name.
    payload: Mapped[str] = mapped_column(Text())
    urgency: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    # Set when every device failed for a passing reason (429, 5xx, timeout): not before then.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> Insert:
    """INSERT of sent_reminders rows that skips any whose reminder_key is already stored."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(SentReminderRow).values(rows).on_conflict_do_nothing(index_elements=["reminder_key"])
    if dialect == "sqlite":
        return sqlite.insert(SentReminderRow).values(rows).on_conflict_do_nothing(index_elements=["reminder_key"])
    raise RuntimeError(f"push reminders support PostgreSQL and SQLite, not {dialect}")
