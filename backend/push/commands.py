"""``flask --app wsgi send-reminders``: the reminder job, run every few minutes by a scheduler."""

from __future__ import annotations

import json
from datetime import datetime

import click

from ..clock import LONDON, now_in_london
from .escalations import send_escalations
from .reminders import send_reminders


def parse_now(_ctx: object, param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 date-time; one without a zone is read as Europe/London wall-clock time."""
    if value is None:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time such as 2026-12-01T08:00", param=param
        ) from None
    if len(value) <= 10:
        raise click.BadParameter(f"{value!r} is a date; give a time too, such as {value}T08:00", param=param)
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=LONDON)


@click.command("send-reminders")
@click.option("--now", callback=parse_now, help="Run as if at this ISO 8601 date-time (trials and tests).")
def send_reminders_command(now: datetime | None) -> None:
    """Send the push reminders due now, each once; print what happened as JSON.

    Exits with status 1 when a push service refused our VAPID credentials (400/401/403):
    a configuration fault to alert on.
    """
    summary = send_reminders(now or now_in_london())
    click.echo(json.dumps(summary))
    if summary["config_faults"]:
        raise click.ClickException("a push service refused our credentials: check the VAPID keys and subject")


@click.command("send-escalations")
@click.option("--now", callback=parse_now, help="Run as if at this ISO 8601 date-time (trials and tests).")
def send_escalations_command(now: datetime | None) -> None:
    """Tell each team manager once of each visit of their team's children that became overdue
    (never in their quiet hours); print what happened as JSON. Exits with status 1 on a VAPID
    configuration fault, as send-reminders does."""
    summary = send_escalations(now or now_in_london())
    click.echo(json.dumps(summary))
    if summary["config_faults"]:
        raise click.ClickException("a push service refused our credentials: check the VAPID keys and subject")
