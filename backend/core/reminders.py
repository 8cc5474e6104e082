"""Which push reminder a worker is owed at an instant, and what it says.

A functional core: a worker's visit obligations, their reminder preferences, the
working-day calendar and the instant ``now`` in; at most one frozen ``Reminder`` out.
Nothing here reads a clock, the environment or a database (docs/push.md says what a worker gets).

The rules, in words:
- A worker has one reminder slot per reminder day, at their slot time (default 08:00
  Europe/London, the same wall-clock time either side of a clock change). Reminder days
  are working days; a worker who unmutes weekends also gets overdue reminders on
  weekends and bank holidays.
- A visit is in a day's slot when that day is ``lead_working_days`` working days before
  its ``plan_by`` (default 2), when that day is its ``plan_by``, or, every reminder day,
  while it is overdue (its ``due`` is before that day). All of them go in one message.
- A slot can be sent from its start until ``CATCH_UP`` later (the push TTL ends there
  too: a morning reminder delivered at midnight is noise), never in quiet hours.
- Each reminder carries a dedupe key derived from the worker, the slot's day and the
  set of visits in it, so the job that sends reminders can claim it exactly once.
- Messages name children by initials (or case reference), never by name. An item of a
  colleague the worker covers says so by that colleague's initials: "AB (CP, cover for SP)".
- A visit already told in a slot is not told again in it: a later run of the same slot
  (a child newly allocated, cover begun) tells only what is new (``Reminder.without``).
- Deadlines that are not visits (a write-up, a core group) come in the same message, as items
  whose plan-by day is their due day: named by kind ("J.S. (core group meeting) Tue").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .calendars import WorkingCalendar
from .errors import CoreError
from .labels import child_label
from .vocabulary import DEADLINE_KINDS, PLAN_TYPE_SHORT
from .wording import WEEKDAYS, weekday_day_month
from .zones import LONDON

CATCH_UP = timedelta(hours=12)
MAX_LEAD_WORKING_DAYS = 10
MAX_PLAN_LEAD_MINUTES = 24 * 60
# More names than this make a notification nobody reads; the app has the full list.
MAX_NAMED_VISITS = 6
TOPIC = "visit-reminders"


class InvalidPreferences(CoreError):
    """Reminder preferences are out of range; the message names the field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"field {field!r}: {problem}")


@dataclass(frozen=True)
class ReminderPreferences:
    """A worker's reminder settings. The defaults suit office-hours social work."""

    lead_working_days: int = 2
    slot_time: time = time(8, 0)
    mute_weekends: bool = True
    quiet_start: time | None = time(20, 0)
    quiet_end: time | None = time(7, 0)
    # Minutes before a planned contact to remind of it (core/plan_reminders.py); None: never.
    plan_lead_minutes: int | None = 60

    def __post_init__(self) -> None:
        if isinstance(self.lead_working_days, bool) or not 0 <= self.lead_working_days <= MAX_LEAD_WORKING_DAYS:
            raise InvalidPreferences("lead_working_days", f"must be a whole number from 0 to {MAX_LEAD_WORKING_DAYS}")
        lead = self.plan_lead_minutes
        if lead is not None and (isinstance(lead, bool) or not 1 <= lead <= MAX_PLAN_LEAD_MINUTES):
            raise InvalidPreferences("plan_lead_minutes", f"must be a whole number from 1 to {MAX_PLAN_LEAD_MINUTES}")
        if self.slot_time.tzinfo is not None:
            raise InvalidPreferences("slot_time", "must be a local wall-clock time without a zone")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise InvalidPreferences(
                "quiet_end" if self.quiet_end is None else "quiet_start", "give both ends or neither"
            )
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise InvalidPreferences("quiet_end", "quiet hours must not start and end at the same time")

    def is_quiet_at(self, local_time: time) -> bool:
        """Whether a local wall-clock time falls in quiet hours (which may wrap past midnight)."""
        if self.quiet_start is None or self.quiet_end is None:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local_time < self.quiet_end
        return local_time >= self.quiet_start or local_time < self.quiet_end


@dataclass(frozen=True)
class ReminderItem:
    """One visit obligation on a worker's caseload, as much as a reminder may show of it."""

    child_id: str
    initials: str
    reference: str
    plan_type: str
    role: str
    due: date
    plan_by: date
    # A visit due to a carer (core/carers.py) rather than a child: it has no child page to open.
    is_carer: bool = False
    # A deadline that is not a visit (core/deadlines.py: a write-up, a core group), by kind; its
    # ``due`` is also its ``plan_by`` (nothing to plan ahead of it) and its ``role`` names the rule.
    deadline_kind: str | None = None
    # The initials of the absent colleague whose item this is, while the worker covers them.
    covering_for: str | None = None

    @property
    def label(self) -> str:
        """Initials when known, otherwise the case reference: never a name."""
        return child_label(self.reference, self.initials)

    @property
    def plan_short(self) -> str:
        if self.deadline_kind is not None:
            return DEADLINE_KINDS.get(self.deadline_kind, self.deadline_kind).lower()
        return PLAN_TYPE_SHORT.get(self.plan_type, self.plan_type)


@dataclass(frozen=True)
class Reminder:
    """The one message a worker is owed for one slot."""

    worker_id: str
    slot_day: date
    starts: datetime
    expires: datetime
    overdue: tuple[ReminderItem, ...]
    upcoming: tuple[ReminderItem, ...]
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", dedupe_key(self.worker_id, self.slot_day, self.overdue + self.upcoming))

    @property
    def visit_identities(self) -> frozenset[str]:
        """The visits this reminder is about, each as "child_id/role/due"."""
        return frozenset(visit_identity(item) for item in self.overdue + self.upcoming)

    def without(self, told: frozenset[str] | set[str]) -> Reminder | None:
        """This reminder less the visits already ``told`` in its slot (by visit identity); None
        when nothing is left. The same told set gives the same key on every host."""
        overdue = tuple(item for item in self.overdue if visit_identity(item) not in told)
        upcoming = tuple(item for item in self.upcoming if visit_identity(item) not in told)
        if not overdue and not upcoming:
            return None
        if len(overdue) + len(upcoming) == len(self.overdue) + len(self.upcoming):
            return self
        return Reminder(self.worker_id, self.slot_day, self.starts, self.expires, overdue, upcoming)

    @property
    def child_ids(self) -> frozenset[str]:
        """The children this reminder is about (the push adapter links one child to their page);
        none when it names a carer, who has no page of their own, so the list opens."""
        items = self.overdue + self.upcoming
        if any(item.is_carer for item in items):
            return frozenset()
        return frozenset(item.child_id for item in items)

    @property
    def urgency(self) -> str:
        """RFC 8030 Urgency: an overdue visit is worth waking the phone for."""
        return "high" if self.overdue else "normal"

    def ttl_seconds(self, now: datetime) -> int:
        """Seconds the push service should keep trying: until the slot lapses, at least a minute."""
        return max(60, int((self.expires - now).total_seconds()))

    def payload(self) -> dict[str, str]:
        """What the notification says; the push adapter adds the page it opens (push/links.py)."""
        return {
            "title": reminder_title(len(self.overdue), len(self.upcoming), _noun(self.overdue), _noun(self.upcoming)),
            "body": "\n".join(reminder_lines(self.overdue, self.upcoming, self.slot_day)),
            "tag": TOPIC,
            "topic": TOPIC,
        }


def reminder_due_at(
    worker_id: str,
    items: Iterable[ReminderItem],
    preferences: ReminderPreferences,
    calendar: WorkingCalendar,
    now: datetime,
    zone: ZoneInfo = LONDON,
) -> Reminder | None:
    """The reminder ``worker_id`` is owed at ``now`` (zone-aware), or None."""
    slot = open_slot(preferences, calendar, now, zone)
    if slot is None:
        return None
    slot_day, starts = slot
    overdue, upcoming = visits_in_slot(tuple(items), slot_day, preferences.lead_working_days, calendar)
    if not overdue and not upcoming:
        return None
    return Reminder(worker_id, slot_day, starts, starts + CATCH_UP, overdue, upcoming)


def open_slot(
    preferences: ReminderPreferences, calendar: WorkingCalendar, now: datetime, zone: ZoneInfo = LONDON
) -> tuple[date, datetime] | None:
    """The slot that may be sent at ``now``, as (slot day, start), or None.

    Slots last less than a day, so at most one is open at any instant: today's, or
    yesterday's when a late slot time runs past midnight. Callers can skip loading a
    caseload for a worker with no open slot.
    """
    if now.tzinfo is None:
        raise CoreError("now must be a zone-aware datetime")
    local_now = now.astimezone(zone)
    if preferences.is_quiet_at(local_now.time().replace(tzinfo=None)):
        return None
    for slot_day in (local_now.date(), local_now.date() - timedelta(days=1)):
        starts = slot_start(slot_day, preferences.slot_time, zone)
        if starts <= now < starts + CATCH_UP and is_reminder_day(slot_day, preferences, calendar):
            return slot_day, starts
    return None


def slot_start(day: date, slot_time: time, zone: ZoneInfo = LONDON) -> datetime:
    """The instant of a slot: ``slot_time`` on ``day`` in ``zone``.

    A wall-clock time skipped by the spring clock change (01:30 on the last Sunday of
    March) resolves, as zoneinfo does with fold=0, to the instant an hour later.
    """
    naive = datetime.combine(day, slot_time)
    return naive.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone)


def is_reminder_day(day: date, preferences: ReminderPreferences, calendar: WorkingCalendar) -> bool:
    return calendar.is_working_day(day) or not preferences.mute_weekends


def visits_in_slot(
    items: tuple[ReminderItem, ...], slot_day: date, lead_working_days: int, calendar: WorkingCalendar
) -> tuple[tuple[ReminderItem, ...], tuple[ReminderItem, ...]]:
    """(overdue, upcoming) visits for the slot on ``slot_day``, each soonest first."""
    overdue = [item for item in items if item.due < slot_day]
    upcoming = [
        item
        for item in items
        if item.due >= slot_day and slot_day in _upcoming_days(item.plan_by, lead_working_days, calendar)
    ]
    order = _display_order
    return tuple(sorted(overdue, key=order)), tuple(sorted(upcoming, key=order))


def _upcoming_days(plan_by: date, lead_working_days: int, calendar: WorkingCalendar) -> set[date]:
    if lead_working_days == 0:
        return {plan_by}
    return {plan_by, calendar.subtract_working_days(plan_by, lead_working_days)}


def _display_order(item: ReminderItem) -> tuple[date, date, str, str]:
    return (item.plan_by, item.due, item.label, item.role)


def dedupe_key(worker_id: str, slot_day: date, items: Iterable[ReminderItem]) -> str:
    """A stable key for (worker, slot day, set of visits): the same inputs give the same key.

    The slot is the day, not its time, so changing the slot time after a reminder went
    out does not send that day's reminder again.
    """
    visits = sorted({visit_identity(item) for item in items})
    text = "\n".join(["reminder-v1", worker_id, slot_day.isoformat(), *visits])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def visit_identity(item: ReminderItem) -> str:
    return f"{item.child_id}/{item.role}/{item.due.isoformat()}"


def reminder_title(
    overdue_count: int, upcoming_count: int, overdue_noun: str = "visit", upcoming_noun: str = "visit"
) -> str:
    parts = []
    if overdue_count:
        parts.append(f"{_visits(overdue_count, overdue_noun)} overdue")
    if upcoming_count:
        parts.append(f"{upcoming_count} due soon" if parts else f"{_visits(upcoming_count, upcoming_noun)} due soon")
    return ", ".join(parts)


def reminder_lines(overdue: tuple[ReminderItem, ...], upcoming: tuple[ReminderItem, ...], slot_day: date) -> list[str]:
    """E.g. "Overdue: K.L. (cared for) since Mon" and "2 visits due by Thu 3 Dec: J.S. (CP) Tue, ..."."""
    lines = []
    if overdue:
        named = [f"{_who(item)} since {day_label(item.due, slot_day)}" for item in overdue]
        lines.append("Overdue: " + _listing(named))
    if upcoming:
        by = max(item.plan_by for item in upcoming)
        named = [f"{_who(item)} {day_label(item.plan_by, slot_day)}" for item in upcoming]
        lines.append(f"{_visits(len(upcoming), _noun(upcoming))} due by {weekday_day_month(by)}: " + _listing(named))
    return lines


def _noun(items: tuple[ReminderItem, ...]) -> str:
    """What the items are: visits (as before deadlines were reminded of), deadlines, or both."""
    kinds = {item.deadline_kind is not None for item in items}
    if kinds == {True}:
        return "deadline"
    return "visit" if kinds != {False, True} else "visit or deadline"


def day_label(day: date, slot_day: date) -> str:
    """A weekday when that is unambiguous (within six days of the slot), else weekday and date."""
    return WEEKDAYS[day.weekday()] if abs((day - slot_day).days) < 7 else weekday_day_month(day)


def _who(item: ReminderItem) -> str:
    if item.covering_for:
        return f"{item.label} ({item.plan_short}, cover for {item.covering_for})"
    return f"{item.label} ({item.plan_short})"


def _visits(count: int, noun: str = "visit") -> str:
    if noun == "visit or deadline":
        return f"{count} visit or deadline" if count == 1 else f"{count} visits and deadlines"
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _listing(named: list[str]) -> str:
    if len(named) <= MAX_NAMED_VISITS:
        return ", ".join(named)
    shown = named[: MAX_NAMED_VISITS - 1]
    return ", ".join(shown) + f" and {len(named) - len(shown)} more"
