"""``flask --app wsgi ...`` commands: thin wrappers that parse arguments and call services."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click
from flask import Flask, current_app

from .clock import today_in_london
from .core.cases import parse_case
from .core.errors import CoreError
from .schedules import Scheduler


def init_app(app: Flask) -> None:
    app.cli.add_command(due_command)


def _iso_date(_ctx: Any, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("invalid")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD", param=param) from None


@click.command("due")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--today", callback=_iso_date, help="Evaluation date, YYYY-MM-DD (default: today in Europe/London).")
@click.option("--profile", "profile_name", default=None, help="Rules profile (default: the configured one, england).")
def due_command(file: Any, today: date | None, profile_name: str | None) -> None:
    """Print each case's obligations as JSON, from a case file (one object or an array)."""
    scheduler: Scheduler = current_app.extensions["scheduler"]
    try:
        document = json.load(file)
    except json.JSONDecodeError as problem:
        raise click.ClickException(f"{file.name}: not valid JSON: {problem}") from None
    evaluation_date = today or today_in_london()
    try:
        profile = scheduler.profile(profile_name or "england")
        results = [_case_result(scheduler, raw, evaluation_date, profile.id) for raw in _as_list(document)]
    except CoreError as problem:
        raise click.ClickException(str(problem)) from None
    output = results if isinstance(document, list) else results[0]
    click.echo(json.dumps(output, indent=2))


def _as_list(document: Any) -> list[Any]:
    return document if isinstance(document, list) else [document]


def _case_result(scheduler: Scheduler, raw: Any, today: date, profile_name: str) -> dict[str, Any]:
    case = parse_case(raw)
    obligations = scheduler.obligations(case, today, profile_name)
    return {"reference": case.reference, "obligations": [obligation.as_dict() for obligation in obligations]}
