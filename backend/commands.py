"""Administrative ``flask --app wsgi ...`` commands: users, case imports, demo data.

Thin wrappers: parse arguments, call one service, print. Nothing here logs personal data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .clock import today_in_london
from .core.errors import CoreError
from .extensions import db
from .persistence.people import WORKER_ROLES
from .services.demo import database_is_empty, seed_demo
from .services.errors import InvalidInput
from .services.imports import apply_import, plan_import, read_case_rows
from .services.workers import create_worker, set_password, set_worker_active


def init_app(app: Flask) -> None:
    from . import persistence  # noqa: F401  (registers every table for `flask db`)

    for command in (
        create_user_command,
        disable_user_command,
        set_password_command,
        import_cases_command,
        seed_demo_command,
    ):
        app.cli.add_command(command)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_password() -> str:
    """One line from standard input when it is piped; otherwise ask twice, without echo."""
    if not stdin_is_terminal():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(WORKER_ROLES))
@click.option("--team", default=None, help="Team name; created if it does not exist.")
def create_user_command(email: str, name: str, role: str, team: str | None) -> None:
    """Add a worker who signs in with a password (read from stdin when piped)."""
    password = read_password()
    try:
        worker = create_worker(email, name, role, team, password)
    except InvalidInput as problem:
        raise click.ClickException(str(problem)) from None
    except CoreError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Created {worker.role} {worker.email}" + (f" in team {team!r}" if team else ""))


@click.command("disable-user")
@with_appcontext
@click.argument("email")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
def disable_user_command(email: str, enable: bool) -> None:
    """Disable a worker's account; every session they have ends at once."""
    try:
        worker = set_worker_active(email, active=enable)
    except CoreError:
        raise click.ClickException("No worker has this email.") from None
    click.echo(f"{worker.email} is now {'enabled' if worker.active else 'disabled'}")


@click.command("set-password")
@with_appcontext
@click.argument("email")
def set_password_command(email: str) -> None:
    """Set a worker's password (read from stdin when piped); every session they have ends."""
    password = read_password()
    try:
        worker = set_password(email, password)
    except InvalidInput as problem:
        raise click.ClickException(str(problem)) from None
    except CoreError:
        raise click.ClickException("No worker has this email.") from None
    click.echo(f"New password set for {worker.email}; their sessions have ended.")


@click.command("import-cases")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
def import_cases_command(file: Path, dry_run: bool) -> None:
    """Load a JSON array of case files or a CSV (see docs/api.md), upserting by case reference.

    All or nothing: any bad row means nothing is written, and every problem is listed by row.
    """
    today = today_in_london()
    try:
        plan = plan_import(read_case_rows(file.read_text(encoding="utf-8"), file.name), today)
    except CoreError as problem:
        raise click.ClickException(f"{file.name}: {problem}") from None
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    if plan.problems:
        db.session.rollback()
        raise click.ClickException(f"{len(plan.problems)} problem(s); nothing was imported.")
    summary = f"{plan.creates} to create, {plan.updates} to update"
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {summary}; nothing was written.")
        return
    apply_import(plan, today)
    click.echo(f"Imported: {summary.replace('to create', 'created').replace('to update', 'updated')}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when the database already has data.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill an EMPTY database with a demo team and caseload; prints how to sign in."""
    if if_empty and not database_is_empty():
        click.echo("The database already has data; no demo data added.")
        return
    try:
        result = seed_demo(current_app.extensions["scheduler"], today_in_london())
    except CoreError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Demo data: {result.children} children, {len(result.emails)} workers.")
    click.echo("Sign in with any of these emails and the password below:")
    for email in result.emails:
        click.echo(f"  {email}")
    click.echo(f"Password: {result.password}")
