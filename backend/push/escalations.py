"""The escalation job: when a child's visit becomes overdue, its team manager is told once.

Haringey's standard has the social worker inform the team manager when a child protection visit
is missed (handbook, "Child Protection Statutory Visits"); the service does it for them, for
every plan type. Run from cron like ``send-reminders`` (``flask --app wsgi send-escalations``),
perhaps on several hosts at once:

1. For each team, the visits of its children (as access.py counts them) that are overdue
   today, in the roles its manager covers (a shared child's other roles are the other team's),
   are recorded in ``escalations`` with INSERT ... ON CONFLICT DO NOTHING on (child,
   role, due): one row per missed due date, however many processes run, and however often.
   Only the rows this run inserted get a message, queued in ``sent_reminders`` for each of
   the team's active managers in the same transaction: the mark and the message commit together.
2. The messages are delivered by the reminder job's own delivery (push/reminders.py,
   ``deliver_pending``): claimed one at a time, sent with no transaction open, recorded after.

Only a visit that fell due in the last week (``RECENT``) is escalated: the first run after
deployment (or after the job stood still) would otherwise send a burst of messages about every
visit already overdue, which the manager sees on the overview anyway, as overdue and not escalated.

Quiet hours: a team is escalated only at a moment none of its managers is in their quiet hours
(their reminder settings; 20:00 to 07:00 unless changed), so the run after they end sends what
fell overdue overnight. A team with no active manager is still marked (the overview shows it to
an admin) and nobody is sent anything. A message names the child by initials and case reference
only, never the name.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..clock import LONDON
from ..core.labels import initials_of
from ..core.vocabulary import PLAN_TYPE_SHORT
from ..core.wording import weekday_day_month
from ..extensions import db
from ..persistence.children import Child
from ..persistence.people import Team, Worker
from ..persistence.push import PENDING, insert_ignoring_duplicates
from ..persistence.repository import load_cases
from ..persistence.supervision import EscalationRow, insert_escalations_ignoring_duplicates
from ..services.access import Viewer, may_act_in, visible_child_ids
from ..services.caseload import BAD_DATES, log_unschedulable, scheduler
from .devices import preferences_of
from .reminders import deliver_pending

TOPIC = "escalation"
# An escalation not delivered within a day is not worth sending late.
LIFETIME = timedelta(days=1)
# A due date older than this is old news to the manager (the overview lists it): never pushed.
# A week covers a job stood still over a long weekend, and bounds the first run after deployment.
RECENT = timedelta(days=7)


def send_escalations(now: datetime) -> dict[str, int]:
    """Record and queue the escalations owed at ``now``, then deliver every pending message."""
    summary: Counter[str] = Counter()
    summary["escalated"] = escalate_overdue(now)
    summary.update(deliver_pending(now))
    return {key: summary[key] for key in ("escalated", "sent", "no_devices", "retrying", "failed", "config_faults")}


def escalate_overdue(now: datetime) -> int:
    """Mark (and queue a message for) each newly overdue visit of every team not in quiet hours."""
    local_time = now.astimezone(LONDON).time().replace(tzinfo=None)
    today = now.astimezone(LONDON).date()
    escalated = 0
    for team_id in list(db.session.scalars(select(Team.id).order_by(Team.id))):
        managers = list(
            db.session.scalars(
                select(Worker.id).where(
                    Worker.team_id == team_id, Worker.role == "team_manager", Worker.active.is_(True)
                )
            )
        )
        preferences = preferences_of(managers) if managers else {}
        if any(preferences[manager].is_quiet_at(local_time) for manager in managers):
            continue
        escalated += escalate_team(team_id, managers, today, now)
    # End the read transaction: on SQLite it holds the write lock the delivery threads need.
    db.session.commit()
    return escalated


def escalate_team(team_id: str, managers: list[str], today: date, now: datetime) -> int:
    """One transaction: the team's new escalation rows and their messages."""
    overdue = overdue_visits(team_id, today)
    if not overdue:
        db.session.commit()
        return 0
    rows = [
        {"child_id": child_id, "role": role, "due": due, "team_id": team_id, "escalated_at": now}
        for child_id, role, due, _ in overdue
    ]
    inserted = {
        (child_id, role, due)
        for child_id, role, due in db.session.execute(
            insert_escalations_ignoring_duplicates(rows).returning(
                EscalationRow.child_id, EscalationRow.role, EscalationRow.due
            )
        )
    }
    messages = [
        message_row(manager, item, today, now)
        for item in overdue
        if (item[0], item[1], item[2]) in inserted
        for manager in managers
    ]
    if messages:
        db.session.execute(insert_ignoring_duplicates(messages))
    db.session.commit()
    return len(inserted)


Overdue = tuple[str, str, date, dict[str, str]]


def overdue_visits(team_id: str, today: date) -> list[Overdue]:
    """(child id, role, due, what a message may say) for each visit of the team's children overdue
    today that fell due in the last ``RECENT`` days."""
    team_viewer = Viewer(worker_id="", role="team_manager", team_id=team_id)
    held = set(db.session.scalars(select(Child.id).where(Child.team_id == team_id)))
    found: list[Overdue] = []
    for loaded in load_cases(visible_child_ids(team_viewer, today), latest_visits_on=today):
        try:
            obligations = scheduler().obligations(loaded.case, today)
        except BAD_DATES as error:
            log_unschedulable(loaded.child.id, error)
            continue
        for obligation in obligations:
            if obligation.duty == "visit" and obligation.status == "overdue" and obligation.due >= today - RECENT:
                if not covers_role(team_viewer, loaded.child.id in held, loaded.child.id, obligation.role, today):
                    continue
                label = {
                    "initials": initials_of(loaded.child.name),
                    "reference": loaded.child.reference,
                    "plan": PLAN_TYPE_SHORT[obligation.plan_type],
                }
                found.append((loaded.child.id, obligation.role, obligation.due, label))
    return found


def covers_role(team_viewer: Viewer, team_holds_child: bool, child_id: str, role: str, today: date) -> bool:
    """Whether the team's manager is the one to hear of this role's missed visit: every role of a
    child the team holds; of a child shared with another team (a team's worker allocated), only
    the roles the team's workers hold. Otherwise the team escalated first would take, for good,
    the other team's escalation (one per child, role and due date)."""
    return team_holds_child or may_act_in(team_viewer, child_id, (role,), today)


def message_row(manager_id: str, item: Overdue, today: date, now: datetime) -> dict[str, Any]:
    child_id, role, due, label = item
    who = f"{label['initials']} ({label['reference']})"
    payload = {
        "title": "Visit overdue",
        "body": f"{label['plan']} visit for {who} was due {weekday_day_month(due)}",
        "tag": f"{TOPIC}-{child_id}",  # one notification per child on the phone, none replacing another
        "url": f"/#/children/{child_id}",
        "topic": TOPIC,
    }
    key = hashlib.sha256(f"{manager_id}/{child_id}/{role}/{due.isoformat()}".encode()).hexdigest()
    return {
        "reminder_key": f"{TOPIC}:{key[:48]}",
        "worker_id": manager_id,
        "slot_day": today,
        "visits": f"{child_id}/{role}/{due.isoformat()}",
        "payload": json.dumps(payload, ensure_ascii=False),
        "urgency": "high",
        # A push service keeps one undelivered message per topic: one topic per escalation.
        "topic": f"esc{key[:29]}",
        "expires_at": now + LIFETIME,
        "status": PENDING,
        "attempts": 0,
        "outcome": "",
        "created_at": now,
    }
