"""Adding and disabling workers (the CLI's create-user and disable-user)."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from ..auth.sessions import end_worker_sessions
from ..extensions import db
from ..persistence.people import WORKER_ROLES, Team, Worker
from .errors import Conflict, InvalidInput, NotFound


def team_named(name: str) -> Team:
    """The team with this name, created if it does not exist yet."""
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


def create_worker(email: str, name: str, role: str, team_name: str | None, password: str) -> Worker:
    email = email.strip().lower()
    if role not in WORKER_ROLES:
        raise InvalidInput.field("role", f"Expected one of {', '.join(WORKER_ROLES)}.")
    if "@" not in email:
        raise InvalidInput.field("email", "Not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(select(Worker.id).where(Worker.email == email)) is not None:
        raise Conflict("A worker with this email already exists.")
    team = team_named(team_name) if team_name else None
    worker = Worker(
        email=email,
        name=name.strip(),
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
    worker.active = active
    if not active:
        end_worker_sessions(worker.id)
    db.session.commit()
    return worker
