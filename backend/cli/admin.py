"""Administrative ``flask --app wsgi ...`` commands: users, case imports, demo data.

Thin wrappers: parse arguments, call one service, print. Nothing here logs personal data.
"""

from __future__ import annotations

import re
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from ..api.carer_schemas import CarerImportSchema
from ..api.child_schemas import ChildCreateSchema
from ..api.problems import flatten_errors
from ..auth.accounts import create_worker, set_password, set_worker_active
from ..clock import today_in_london
from ..core.errors import CoreError
from ..extensions import db
from ..persistence.people import WORKER_ROLES
from ..services.carer_imports import apply_carer_import, plan_carer_import
from ..services.errors import InvalidInput
from ..services.import_files import decode_case_file, read_import_rows
from ..services.imports import ImportPlan, apply_import, plan_import
from .demo import database_is_empty, seed_demo


def init_app(app: Flask) -> None:
    from .. import persistence  # noqa: F401  (registers every table for `flask db`)

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
    """Load a JSON array of case files or a CSV (see docs/api.md), upserting by case reference;
    or a JSON object ``{"cases": [...], "carers": [...]}`` adding carers by carer reference.

    Every row is checked first, as the API checks a new child: any bad row means nothing is
    written, and every problem is listed by row and field. Then the cases are written in short
    batches (a failure midway leaves whole batches written; run the same file again).
    """
    today = today_in_london()
    try:
        rows, carer_rows = read_import_rows(decode_case_file(file.read_bytes()), file.name)
    except CoreError as problem:
        raise click.ClickException(f"{file.name}: {problem}") from None
    if sys.stderr.isatty():
        click.echo(f"Checking {len(rows)} cases...", err=True)
    # One schema for every row: building one costs more than loading a row with it.
    plan = plan_import(rows, today, partial(check_case_row, ChildCreateSchema()))
    carers = plan_carer_import(carer_rows, today, partial(check_case_row, CarerImportSchema()))
    for row_problem in plan.problems:
        click.echo(str(row_problem), err=True)
    for row_problem in carers.problems:
        click.echo(f"carers: {row_problem}", err=True)
    problems = len(plan.problems) + len(carers.problems)
    if problems:
        raise click.ClickException(f"{problems} problem(s); nothing was imported.")
    if dry_run:
        click.echo(f"Dry run: {plan.creates} to create, {plan.updates} to update; nothing was written.")
        return
    write_import(plan, today)
    if carers.carers:
        created, updated = apply_carer_import(carers)
        click.echo(f"Carers: {created} created, {updated} updated.")


def check_case_row(schema: ChildCreateSchema | CarerImportSchema, raw: object) -> dict[str, Any]:
    """One row through the API's own schema for a new child: one home for what a case may hold."""
    try:
        return schema.load(raw)  # type: ignore[arg-type]
    except ValidationError as error:
        fields = flatten_errors(error.messages)
        raise InvalidInput({case_field(name): messages for name, messages in fields.items()}) from None


def case_field(api_field: str) -> str:
    """``episodes.0.start`` as the import names it everywhere else: ``episodes[0].start``."""
    return "(case)" if api_field == "body" else re.sub(r"\.(\d+)", r"[\1]", api_field)


def write_import(plan: ImportPlan, today: date) -> None:
    started, written = time.monotonic(), [0]
    terminal = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        written[0] = done
        if terminal:
            left = (time.monotonic() - started) / done * (total - done)
            click.echo(f"\rWriting: {done} of {total} cases, about {left:.0f} s left ", nl=done == total, err=True)

    try:
        result = apply_import(plan, today, progress=progress)
    except SQLAlchemyError as error:
        db.session.rollback()
        raise click.ClickException(
            f"The import stopped ({type(error).__name__}) after {written[0]} of {len(plan.cases)} cases were "
            "written, in whole batches; run the same file again to finish it."
        ) from None
    seconds = time.monotonic() - started
    click.echo(f"Imported: {result.created} created, {result.updated} updated. Written in {seconds:.1f} s.")


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
