"""Adding and disabling workers and setting their passwords (the CLI's create-user,
disable-user and set-password; the API's password change)."""

from __future__ import annotations

from sqlalchemy import delete, select

from ..extensions import db
from ..feeds.service import retire_feed_tokens
from ..persistence.people import WORKER_ROLES, Team, Worker
from ..persistence.push import PushSubscriptionRow
from ..services.errors import Conflict, InvalidInput, NotFound
from .passwords import hash_password, password_problem
from .sessions import end_worker_sessions

NAME_MAX_LENGTH = 200  # the column's length


def team_named(name: str) -> Team:
    """The team with this name, created if it does not exist yet."""
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


def create_worker(email: str, name: str, role: str, team_name: str | None, password: str) -> Worker:
    email, name = email.strip().lower(), name.strip()
    if not name:
        raise InvalidInput.field("name", "Give the worker's name.")
    if len(name) > NAME_MAX_LENGTH or not name.isprintable():
        raise InvalidInput.field("name", f"Use up to {NAME_MAX_LENGTH} printable characters.")
    if role not in WORKER_ROLES:
        raise InvalidInput.field("role", f"Expected one of {', '.join(WORKER_ROLES)}.")
    if "@" not in email:
        raise InvalidInput.field("email", "Not an email address.")
    ensure_password_allowed(password, email, name, "password")
    if db.session.scalar(select(Worker.id).where(Worker.email == email)) is not None:
        raise Conflict("A worker with this email already exists.")
    team = team_named(team_name) if team_name else None
    worker = Worker(
        email=email,
        name=name,
        role=role,
        team_id=team.id if team else None,
        password_hash=hash_password(password),
    )
    db.session.add(worker)
    db.session.commit()
    return worker


def set_worker_active(email: str, active: bool) -> Worker:
    """Disabling a worker ends every one of their sessions at once, on every server."""
    worker = db.session.scalar(select(Worker).where(Worker.email == email.strip().lower()))
    if worker is None:
        raise NotFound(email)
    if active:
        worker.active = True
    else:
        deactivate(worker)
    db.session.commit()
    return worker


def deactivate(worker: Worker) -> None:
    """The worker can no longer get in, and nothing of theirs outlives it: their sessions end at
    once, their devices' push subscriptions are revoked, and their calendar-feed links (a
    credential of their own, polled long after any session) are retired: an empty calendar for
    a while, so calendar apps drop the children's events, then 404 (feeds/service.py).
    The caller commits."""
    worker.active = False
    end_worker_sessions(worker.id)
    db.session.execute(delete(PushSubscriptionRow).where(PushSubscriptionRow.worker_id == worker.id))
    retire_feed_tokens(worker.id)


def ensure_password_allowed(password: str, email: str, name: str, field: str) -> None:
    problem = password_problem(password, email, name)
    if problem is not None:
        raise InvalidInput.field(field, problem)


def set_password(email: str, password: str) -> Worker:
    """An operator's reset: the new password, and every session of the worker ends."""
    worker = db.session.scalar(select(Worker).where(Worker.email == email.strip().lower()))
    if worker is None:
        raise NotFound(email)
    ensure_password_allowed(password, worker.email, worker.name, "password")
    worker.password_hash = hash_password(password)
    end_worker_sessions(worker.id)
    db.session.commit()
    return worker
