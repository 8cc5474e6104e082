"""Render a ``Feed`` to iCalendar bytes: the same feed always gives the same bytes.

Each due visit is an all-day event on its ``plan_by`` date (the last working day on or
before the statutory deadline), or on today's date once it is overdue, until a visit is
recorded. Nothing here reads a clock: ``today`` comes in with the feed, and DTSTAMP and
SEQUENCE are derived from the data (see ``revision``), so an unchanged caseload renders
unchanged bytes and a strong ETag over them is meaningful.

No VALARM, ever: Google and Outlook ignore alarms on subscribed calendars and Apple offers
to strip them; reminders are push's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from backend.clock import LONDON
from backend.core.vocabulary import VISIT_ROLES
from backend.core.wording import full_date

from .contentlines import CRLF, check_uri, date_value, fold, local_value, text_line, utc_value
from .model import OVERDUE, Feed, FeedEntry, TimedEvent
from .timezones import LONDON_TZID, LONDON_VTIMEZONE

PRODID = "-//Visit scheduler//Calendar feed 1//EN"
UID_DOMAIN = "visits.feed"
REFRESH = "PT1H"
ONE_DAY = timedelta(days=1)


def render_feed(feed: Feed) -> bytes:
    lines = list(_calendar_head(feed.name))
    # RFC 5545 requires at least one component: an empty feed carries the time zone alone,
    # which keeps it valid (icalendar's validate() rejects an empty calendar) and harmless.
    if feed.timed or not feed.entries:
        lines.extend(line + CRLF for line in LONDON_VTIMEZONE)
    all_day = sorted(_all_day_events(feed), key=lambda event: (event[0], event[1]))
    for _, _, event_lines in all_day:
        lines.extend(event_lines)
    for timed in sorted(feed.timed, key=lambda event: (event.starts_at, event.key)):
        lines.extend(_timed_event(timed, feed.scope))
    lines.append("END:VCALENDAR" + CRLF)
    return "".join(lines).encode("utf-8")


def event_uid(scope: str, child_key: str, role: str, cycle_start: date, kind: str) -> str:
    """Stable for one child, role and cycle: a client updates the event instead of adding another.

    Hashed so that the UID carries no identifier a calendar provider could link back.
    """
    material = "\x1f".join((scope, child_key, role, cycle_start.isoformat(), kind))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32] + "@" + UID_DOMAIN


def shown_on(entry: FeedEntry, today: date) -> date:
    """The day the event sits on: ``plan_by``, or today once that day has passed."""
    return max(entry.plan_by, today)


def revision(cycle_start: date, day: date, today: date) -> tuple[int, datetime]:
    """SEQUENCE and DTSTAMP for an event of one cycle sitting on ``day``, from the data alone.

    SEQUENCE is how many days the event sits after the cycle began, so it rises whenever
    the date moves later within the cycle: every day an overdue event moves onto today, or
    when a rule change pushes ``plan_by`` out. A new cycle (a recorded visit) is a new UID and
    starts again. DTSTAMP is the start of the cycle, or today once the event has moved onto
    today. Deriving both keeps a feed a pure function of the caseload: no write on a read,
    identical bytes from every server. The trade-off is documented in docs/feeds.md.
    """
    sequence = max(0, (day - cycle_start).days)
    stamped = today if day == today and day > cycle_start else cycle_start
    return sequence, datetime.combine(min(stamped, today), time(0), tzinfo=UTC)


def _calendar_head(name: str) -> Iterable[str]:
    yield "BEGIN:VCALENDAR" + CRLF
    yield "VERSION:2.0" + CRLF
    yield text_line("PRODID", PRODID)
    yield "CALSCALE:GREGORIAN" + CRLF
    yield "METHOD:PUBLISH" + CRLF
    yield text_line("NAME", name)  # RFC 7986
    yield text_line("X-WR-CALNAME", name)
    yield f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}" + CRLF  # RFC 7986 requires VALUE=DURATION
    yield f"X-PUBLISHED-TTL:{REFRESH}" + CRLF
    yield f"X-WR-TIMEZONE:{LONDON_TZID}" + CRLF


def _all_day_events(feed: Feed) -> Iterable[tuple[date, str, list[str]]]:
    for entry in feed.entries:
        day = shown_on(entry, feed.today)
        uid = event_uid(feed.scope, entry.child_key, entry.role, entry.cycle_start, "due")
        overdue = entry.status == OVERDUE
        title = ("Overdue visit: " if overdue else "Visit due: ") + _subject(entry)
        sequence, stamp = revision(entry.cycle_start, day, feed.today)
        description = _due_description(entry, overdue)
        yield day, uid, _all_day_event(uid, stamp, day, title, description, entry.url, sequence, "CONFIRMED")
        for position, projected in enumerate(entry.projected, start=1):
            uid = event_uid(feed.scope, entry.child_key, entry.role, entry.cycle_start, f"projected-{position}")
            sequence, stamp = revision(entry.cycle_start, projected, feed.today)
            title = "Projected visit: " + _subject(entry)
            description = _projected_description(entry, projected)
            event = _all_day_event(uid, stamp, projected, title, description, entry.url, sequence, "TENTATIVE")
            yield projected, uid, event


def _subject(entry: FeedEntry) -> str:
    subject = f"{entry.label} ({entry.plan_label})"
    return f"{subject} - {entry.assignee}" if entry.assignee else subject


def _due_description(entry: FeedEntry, overdue: bool) -> str:
    deadline = full_date(entry.due) + (" (overdue)" if overdue else "")
    return "\n".join(
        (
            f"Case reference: {entry.reference}",
            f"Statutory deadline: {deadline}",
            f"Plan by: {full_date(entry.plan_by)}",
            f"Visit by: {VISIT_ROLES.get(entry.role, entry.role)}",
            entry.explanation,
            f"Open in the app: {entry.url}",
        )
    )


def _projected_description(entry: FeedEntry, projected: date) -> str:
    return "\n".join(
        (
            f"Case reference: {entry.reference}",
            f"Projected due date: {full_date(projected)}",
            "For planning only: it assumes each visit is made on its due date and the plan stays as it is.",
            f"Visit by: {VISIT_ROLES.get(entry.role, entry.role)}",
            f"Open in the app: {entry.url}",
        )
    )


def _all_day_event(
    uid: str, stamp: datetime, day: date, title: str, description: str, url: str, sequence: int, status: str
) -> list[str]:
    return [
        "BEGIN:VEVENT" + CRLF,
        fold(f"UID:{uid}"),
        f"DTSTAMP:{utc_value(stamp)}" + CRLF,
        f"DTSTART;VALUE=DATE:{date_value(day)}" + CRLF,
        f"DTEND;VALUE=DATE:{date_value(day + ONE_DAY)}" + CRLF,
        text_line("SUMMARY", title),
        text_line("DESCRIPTION", description),
        fold(f"URL:{check_uri(url)}"),
        f"SEQUENCE:{sequence}" + CRLF,
        f"STATUS:{status}" + CRLF,
        "CLASS:PRIVATE" + CRLF,
        "TRANSP:TRANSPARENT" + CRLF,
        "END:VEVENT" + CRLF,
    ]


def _timed_event(event: TimedEvent, scope: str) -> list[str]:
    if event.starts_at.tzinfo is None or event.ends_at.tzinfo is None:
        raise ValueError("a timed event needs aware start and end times")
    if event.ends_at <= event.starts_at:
        raise ValueError("a timed event must end after it starts")
    uid = hashlib.sha256(f"{scope}\x1ftimed\x1f{event.key}".encode()).hexdigest()[:32] + "@" + UID_DOMAIN
    start, end = _london(event.starts_at), _london(event.ends_at)
    return [
        "BEGIN:VEVENT" + CRLF,
        f"UID:{uid}" + CRLF,
        f"DTSTAMP:{utc_value(event.revised_at)}" + CRLF,
        f"DTSTART;TZID={LONDON_TZID}:{local_value(start)}" + CRLF,
        f"DTEND;TZID={LONDON_TZID}:{local_value(end)}" + CRLF,
        text_line("SUMMARY", event.summary),
        text_line("DESCRIPTION", event.description),
        fold(f"URL:{check_uri(event.url)}"),
        f"SEQUENCE:{event.sequence}" + CRLF,
        "STATUS:CONFIRMED" + CRLF,
        "CLASS:PRIVATE" + CRLF,
        # A planned visit does take the worker's time, unlike a due date.
        "TRANSP:OPAQUE" + CRLF,
        "END:VEVENT" + CRLF,
    ]


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)
