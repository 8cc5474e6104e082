"""Reminders of planned contacts: "Visit planned today 14:00: J.S.", a chosen time before it.

A functional core beside reminders.py (the due-date reminders): a worker's open plans, their
preferences and the instant ``now`` in; the plan reminders owed now out. The rules:

- One message per plan, owed from ``plan_lead_minutes`` before the plan starts until it
  starts (nothing is worth sending once the contact has begun): the push TTL ends at the
  start too. ``plan_lead_minutes`` None turns these reminders off.
- Never in quiet hours: a reminder whose window falls in them waits until they end, if the
  plan has not started by then. Weekends are not muted: a plan on a Saturday was the
  worker's own choice.
- The dedupe key is (worker, plan, start instant): moving a plan earns a new reminder at the
  new time; nothing else sends one twice.
- The message names the child by initials (or case reference), and a covered colleague's
  child as cover ("AB (cover for SP)"), and never carries the plan's note; the time is local
  (Europe/London), the day "today", "tomorrow" or the date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .labels import child_label
from .reminders import ReminderPreferences
from .wording import weekday_day_month
from .zones import LONDON

# What the notification calls each kind of contact.
CONTACT_WORDS = {
    "home_visit": "Visit",
    "visit_elsewhere": "Visit",
    "phone": "Phone call",
    "video": "Video call",
    "text": "Text",
}


@dataclass(frozen=True)
class PlannedContactItem:
    """One open plan of a worker, as much as a reminder may show of it."""

    plan_id: str
    child_id: str
    initials: str
    reference: str
    kind: str
    starts_at: datetime
    duration_minutes: int | None = None
    # The initials of the absent colleague the worker planned it for, while covering them.
    covering_for: str | None = None

    @property
    def label(self) -> str:
        """Initials when known, otherwise the case reference: never a name; "(cover for SP)" after
        it for a covered colleague's child."""
        label = child_label(self.reference, self.initials)
        return f"{label} (cover for {self.covering_for})" if self.covering_for else label


@dataclass(frozen=True)
class PlanReminder:
    """The message owed for one planned contact (the shape record_planned stores)."""

    worker_id: str
    item: PlannedContactItem
    now: datetime
    zone: ZoneInfo = LONDON
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", plan_reminder_key(self.worker_id, self.item))

    @property
    def slot_day(self) -> date:
        return self.item.starts_at.astimezone(self.zone).date()

    @property
    def expires(self) -> datetime:
        return self.item.starts_at

    @property
    def visit_identities(self) -> frozenset[str]:
        return frozenset({plan_identity(self.item)})

    @property
    def child_ids(self) -> frozenset[str]:
        return frozenset({self.item.child_id})

    @property
    def urgency(self) -> str:
        # Time-bound to the minute: worth waking a dozing phone for.
        return "high"

    @property
    def topic(self) -> str:
        # One topic per plan (Topic allows 32 characters), so a moved plan's reminder replaces its old one.
        return f"plan-{self.item.plan_id.replace('-', '')[:27]}"

    def payload(self) -> dict[str, str]:
        """What the notification says; the push adapter adds the page it opens (push/links.py)."""
        start = self.item.starts_at.astimezone(self.zone)
        word = CONTACT_WORDS.get(self.item.kind, "Contact")
        day = day_word(start.date(), self.now.astimezone(self.zone).date())
        return {
            "title": f"{word} planned {day} {start:%H:%M}: {self.item.label}",
            "body": time_span(self.item, self.zone),
            "tag": self.topic,
            "topic": self.topic,
        }


def plan_reminders_due(
    worker_id: str,
    items: Iterable[PlannedContactItem],
    preferences: ReminderPreferences,
    now: datetime,
    zone: ZoneInfo = LONDON,
) -> list[PlanReminder]:
    """The plan reminders ``worker_id`` is owed at ``now`` (zone-aware), soonest plan first."""
    lead = preferences.plan_lead_minutes
    if lead is None or preferences.is_quiet_at(now.astimezone(zone).time().replace(tzinfo=None)):
        return []
    window = timedelta(minutes=lead)
    owed = [item for item in items if item.starts_at - window <= now < item.starts_at]
    owed.sort(key=lambda item: (item.starts_at, item.plan_id))
    return [PlanReminder(worker_id, item, now, zone) for item in owed]


def day_word(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return weekday_day_month(day)


def time_span(item: PlannedContactItem, zone: ZoneInfo) -> str:
    start = item.starts_at.astimezone(zone)
    if not item.duration_minutes:
        return f"From {start:%H:%M}"
    end = (item.starts_at + timedelta(minutes=item.duration_minutes)).astimezone(zone)
    return f"{start:%H:%M}-{end:%H:%M}"


def plan_identity(item: PlannedContactItem) -> str:
    return f"plan/{item.plan_id}/{item.starts_at.astimezone(ZoneInfo('UTC')).isoformat()}"


def plan_reminder_key(worker_id: str, item: PlannedContactItem) -> str:
    text = "\n".join(["plan-reminder-v1", worker_id, plan_identity(item)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
