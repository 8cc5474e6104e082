"""Demo data for carers: a fostering team whose supervising social workers visit foster carers
and connected persons, some with demo children placed (their placements name the household),
one approved and waiting for a first child. Repeatable, from the demo's seeded random source."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..persistence.carers import CarerRow, CarerVisitRow
from ..persistence.children import Child, EpisodeRow
from ..persistence.people import Team, Worker

FOSTERING_WORKERS = (
    ("fostering-manager@demo.example", "Fran Okafor", "team_manager"),
    ("ssw1@demo.example", "Supervising Social Worker 1", "social_worker"),
    ("ssw2@demo.example", "Supervising Social Worker 2", "social_worker"),
)
# (reference, name, type, days since approval, children to place with them)
CARERS = (
    ("DEMO-FC-1", "Alex Morgan", "short_term_foster_carer", 400, 3),
    ("DEMO-FC-2", "Jamie Reid", "long_term_foster_carer", 900, 1),
    ("DEMO-FC-3", "Robin Shah", "short_term_foster_carer", 250, 2),
    ("DEMO-CP-1", "Sandra Boyd", "connected_person", 120, 1),
    ("DEMO-FC-4", "Casey Lowe", "short_term_foster_carer", 10, 0),  # newly approved: no child placed
)
FOSTERED = ("foster_care", "long_term_foster_care", "kinship_care", "regulation_24")


def seed_fostering_team(rng: random.Random, today: date, password_hash: str) -> tuple[str, ...]:
    """Add the fostering team and its carers; returns the workers' emails."""
    team = Team(name="Demo fostering team")
    db.session.add(team)
    db.session.flush()
    workers = [
        Worker(email=email, name=name, role=role, team_id=team.id, password_hash=password_hash)
        for email, name, role in FOSTERING_WORKERS
    ]
    db.session.add_all(workers)
    db.session.flush()
    placements = iter(fostered_episodes())
    for number, (reference, name, carer_type, days, children) in enumerate(CARERS):
        supervisor = workers[1 + number % 2]
        approved = today - timedelta(days=days)
        household = f"{reference}-H"
        carer = CarerRow(
            id=uuid.uuid4().hex,
            reference=reference,
            name=name,
            type=carer_type,
            approved=approved,
            transferred=approved + timedelta(days=7) if approved + timedelta(days=7) <= today else None,
            household=household,
            supervising_worker_id=supervisor.id,
            team_id=team.id,
        )
        db.session.add(carer)
        for episode in (next(placements, None) for _ in range(children)):
            if episode is not None:
                episode.carer_household = household
        add_visits(rng, carer, supervisor, today)
    return tuple(email for email, _, _ in FOSTERING_WORKERS)


def fostered_episodes() -> list[EpisodeRow]:
    """The demo children's fostering placements, by case reference (so always the same ones)."""
    return list(
        db.session.scalars(
            select(EpisodeRow)
            .join(Child, Child.id == EpisodeRow.child_id)
            .where(EpisodeRow.placement.in_(FOSTERED))
            .order_by(Child.reference)
        )
    )


def add_visits(rng: random.Random, carer: CarerRow, supervisor: Worker, today: date) -> None:
    """Roughly 2-monthly visits since supervision began, every third unannounced; some carers'
    last visit long enough ago that one is overdue."""
    day = (carer.transferred or carer.approved) + timedelta(days=rng.randint(5, 13))
    cutoff = today - timedelta(days=rng.choice((3, 20, 45, 70)))
    count = 0
    while day <= cutoff:
        db.session.add(
            CarerVisitRow(
                id=str(uuid.uuid4()),
                carer_id=carer.id,
                date=day,
                unannounced=count % 3 == 2,
                visitor_id=supervisor.id,
            )
        )
        count += 1
        day += timedelta(days=rng.randint(40, 62))
