"""``flask --app wsgi ...`` commands: thin wrappers that parse arguments and call services.

Errors go to stderr with a non-zero exit and nothing on stdout, so a script piping
``due`` into another tool never reads half an answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..clock import today_in_london
from ..core.cases import Case, parse_case
from ..core.errors import CoreError, InvalidCase, UnknownProfile
from ..core.practice_checks import PracticeFlag, practice_flags, unrecorded_conditions
from ..services.scheduler import Scheduler


def init_app(app: Flask) -> None:
    app.cli.add_command(due_command)


def _iso_date(_ctx: Any, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    # date.fromisoformat also takes '20261123' and week dates like '2026-W48-1'; accept YYYY-MM-DD only.
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD", param=param)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a real date (YYYY-MM-DD)", param=param) from None


@click.command("due")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option("--today", callback=_iso_date, help="Evaluation date, YYYY-MM-DD (default: today in Europe/London).")
@click.option(
    "--profile", "profile_name", default=None, help="Rules profile (default: RULES_PROFILE, as the app uses)."
)
def due_command(file: Any, today: date | None, profile_name: str | None) -> None:
    """Print each case's obligations and deadlines as JSON, from a case file (one object or an array)."""
    scheduler: Scheduler = current_app.extensions["scheduler"]
    try:
        profile = scheduler.profile(profile_name)
    except UnknownProfile as problem:
        raise click.BadParameter(str(problem), param_hint="'--profile'") from None
    try:
        document = json.loads(file.read().decode("utf-8"))
    except UnicodeDecodeError as problem:
        raise click.ClickException(f"{file.name}: not UTF-8 text: {problem}") from None
    except json.JSONDecodeError as problem:
        raise click.ClickException(f"{file.name}: not valid JSON: {problem}") from None
    evaluation_date = today or today_in_london()
    calendar = scheduler.calendar(profile.id)
    if not calendar.first_day <= evaluation_date <= calendar.last_day:
        raise click.BadParameter(
            f"{evaluation_date.isoformat()} is outside the working-day calendar "
            f"({calendar.first_day.isoformat()} to {calendar.last_day.isoformat()})",
            param_hint="'--today'",
        )
    results = list(_case_results(scheduler, _as_list(document), evaluation_date, profile.id, file.name))
    # Printed only once every case has succeeded: one bad case prints nothing at all.
    click.echo(json.dumps(results if isinstance(document, list) else results[0], indent=2))


def _as_list(document: Any) -> list[Any]:
    return document if isinstance(document, list) else [document]


def _case_results(
    scheduler: Scheduler, documents: list[Any], today: date, profile_name: str, file_name: str
) -> Iterable[dict[str, Any]]:
    for position, raw in enumerate(documents):
        where = f"{file_name}: " if len(documents) == 1 else f"{file_name}: case [{position}]: "
        try:
            case = parse_case(raw)
        except InvalidCase as problem:
            raise click.ClickException(f"{where}{problem}") from None
        try:
            obligations = scheduler.obligations(case, today, profile_name)
            deadlines = scheduler.deadlines(case, today, profile_name)
        except CoreError as problem:
            # Say which case: a visit dated 1899 is a typo in one record, not a broken calendar.
            raise click.ClickException(f"{where}case {case.reference}: {problem}") from None
        yield {
            "reference": case.reference,
            "obligations": [obligation.as_dict() for obligation in obligations],
            "unscheduled": [entry.as_dict() for entry in scheduler.unscheduled(case, today, profile_name)],
            "practice_checks": [flag.as_dict() for flag in checks_raised(scheduler, case, today, profile_name)],
            "deadlines": [deadline.as_dict() for deadline in deadlines],
        }


def checks_raised(scheduler: Scheduler, case: Case, today: date, profile_name: str) -> tuple[PracticeFlag, ...]:
    checks = scheduler.profile(profile_name).practice_checks
    return practice_flags(checks, case, unrecorded_conditions(case), today)
