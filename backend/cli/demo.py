"""Demo data for an empty database: one team, a realistic caseload, visits that leave some
children overdue and some due this week, and a fostering team visiting carers (demo_carers.py).
Random but repeatable (a fixed seed), except the password, which is new on every run: a demo
must never ship a known password."""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select

from ..auth.passwords import hash_password
from ..core.cases import Case, Episode, Event, Visit
from ..core.profiles import ANY_PLAN, VisitRule
from ..core.vocabulary import PLACEMENTS
from ..extensions import db
from ..persistence.children import Allocation, Child, EpisodeRow, EventRow, VisitRow
from ..persistence.people import Team, Worker
from ..services.errors import Conflict
from ..services.scheduler import Scheduler
from .demo_carers import seed_fostering_team

FIRST_NAMES = (
    "Amara",
    "Ben",
    "Chloe",
    "Dylan",
    "Ella",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kai",
    "Leah",
    "Mason",
    "Nia",
    "Oscar",
    "Poppy",
    "Reuben",
    "Sofia",
    "Theo",
    "Una",
    "Wren",
    "Yusuf",
    "Zara",
    "Alfie",
    "Bea",
    "Caleb",
)
SURNAMES = (
    "Adeyemi",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Walsh",
    "Young",
)
WORKERS = (
    ("manager@demo.example", "Morgan Ellis", "team_manager"),
    *((f"sw{n}@demo.example", f"Social Worker {n}", "social_worker") for n in range(1, 7)),
    *((f"pa{n}@demo.example", f"Personal Adviser {n}", "personal_adviser") for n in range(1, 3)),
)
CHILDREN = 150
# Children on these plans come in sibling groups of this size: one household, one social worker.
SIBLING_PLANS = ("child_protection", "child_in_need")
SIBLINGS = 2


@dataclass(frozen=True)
class DemoResult:
    password: str
    emails: tuple[str, ...]
    children: int


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Worker)) and not db.session.scalar(
        select(func.count()).select_from(Child)
    )


def seed_demo(scheduler: Scheduler, today: date, seed: int = 20261123) -> DemoResult:
    if not database_is_empty():
        raise Conflict("The database is not empty; seed-demo only fills an empty one.")
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not a secret)
    password = secrets.token_urlsafe(12)
    password_hash = hash_password(password)
    team = Team(name="Demo locality team")
    db.session.add(team)
    db.session.flush()
    workers = [
        Worker(email=email, name=name, role=role, team_id=team.id, password_hash=password_hash)
        for email, name, role in WORKERS
    ]
    db.session.add_all(workers)
    db.session.flush()
    # Rules for any plan are event-driven extras (a return interview), not a plan a child is on.
    rules = [rule for rule in scheduler.profile().rules if rule.plan_type != ANY_PLAN]
    for number in range(CHILDREN):
        rule = rules[number % len(rules)]
        holders = [worker for worker in workers if worker.role == holder_role(rule)]
        household, first = sibling_group(rule, number, len(rules))
        add_child(scheduler, rng, today, number, rule, holders[first % len(holders)], team.id, household)
    db.session.flush()
    fostering = seed_fostering_team(rng, today, password_hash)
    db.session.commit()
    return DemoResult(password, tuple(email for email, _, _ in WORKERS) + fostering, CHILDREN)


def sibling_group(rule: VisitRule, number: int, rule_count: int) -> tuple[str | None, int]:
    """The household of child ``number`` and the number of its first child, whose worker holds
    them all; children of one rule are ``rule_count`` numbers apart, so a group is consecutive ones."""
    if rule.plan_type not in SIBLING_PLANS:
        return None, number
    first = number - (number // rule_count % SIBLINGS) * rule_count
    return f"DEMO-F{first}", first


def holder_role(rule: VisitRule) -> str:
    # The demo team has social workers and personal advisers; other visiting roles go to social workers.
    return "personal_adviser" if rule.role == "personal_adviser" else "social_worker"


def add_child(
    scheduler: Scheduler,
    rng: random.Random,
    today: date,
    number: int,
    rule: VisitRule,
    holder: Worker,
    team_id: str,
    household: str | None = None,
) -> None:
    start = today - timedelta(days=rng.randint(20, 500))
    placement = placement_for(rule, rng)
    age = age_for(rule, rng)
    birthday = start - timedelta(days=365 * age + rng.randint(1, 360))
    events = (
        (Event("first_cared_for_review", start + timedelta(days=20)),)
        if rule.plan_type == "cared_for" and start + timedelta(days=20) <= today
        else ()
    )
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    legal_status = min(rule.legal_statuses) if rule.legal_statuses else None
    episode = Episode(rule.plan_type, start, None, placement, legal_status)
    case = Case(f"DEMO-{1000 + number}", name, birthday, (episode,), events, ())
    # A duty with only a first visit (a child in custody) is left due, so the demo shows it.
    visits = demo_visits(scheduler, rng, case, rule.role, today) if rule.phases else ()
    child = Child(reference=case.reference, name=name, date_of_birth=birthday, team_id=team_id, household=household)
    db.session.add(child)
    db.session.flush()
    db.session.add(
        EpisodeRow(
            child_id=child.id,
            type=rule.plan_type,
            start=start,
            placement=placement,
            legal_status=legal_status,
            position=0,
        )
    )
    db.session.add_all(EventRow(child_id=child.id, type=event.type, date=event.date) for event in events)
    db.session.add_all(
        VisitRow(
            id=str(uuid.uuid4()),
            child_id=child.id,
            date=visit.date,
            role=visit.role,
            child_seen=True,
            seen_alone=rng.random() < 0.6,
            bedroom_seen=rng.random() < 0.6,
            visitor_id=holder.id,
            # Written up the next day; a visit made yesterday or today still shows its write-up due.
            written_up=visit.date + timedelta(days=1) if visit.date + timedelta(days=1) < today else None,
        )
        for visit in visits
    )
    db.session.add(Allocation(child_id=child.id, worker_id=holder.id, role=rule.role, starts_on=start))


def placement_for(rule: VisitRule, rng: random.Random) -> str | None:
    if rule.placements:
        return rng.choice(sorted(rule.placements))
    if rule.plan_type != "cared_for":
        return None
    return rng.choice([placement for placement in PLACEMENTS if placement not in rule.excluded_placements])


def age_for(rule: VisitRule, rng: random.Random) -> int:
    low = rule.min_age_at_start if rule.min_age_at_start is not None else (18 if rule.plan_type == "care_leaver" else 0)
    high = rule.max_age_at_start if rule.max_age_at_start is not None else max(low, 15)
    return rng.randint(low, max(low, min(high, low + 4)))


def demo_visits(scheduler: Scheduler, rng: random.Random, case: Case, role: str, today: date) -> tuple[Visit, ...]:
    """Visits on or a little before each due date, stopping at a per-child cut-off: a recent
    cut-off leaves the next visit ahead (some due this week), an older one leaves it overdue."""
    cutoff = today - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 4, 6, 10, 30)))
    visits: tuple[Visit, ...] = ()
    last = case.episodes[0].start
    for _ in range(200):
        current = scheduler.obligations(replace(case, visits=visits), last)
        obligation = next((item for item in current if item.role == role), None)
        if obligation is None:
            break
        day = max(last + timedelta(days=1), obligation.due - timedelta(days=rng.randint(0, 3)))
        if day > cutoff:
            break
        visits += (Visit(day, role, True),)
        last = day
    return visits
