"""``flask --app wsgi import-ssd DIR``, ``export-ssd DIR`` and ``export-annex-a DIR``.

Thin wrappers, as backend/cli/admin.py: check every row through the API's schema, write in
the case import's batches, report progress on a terminal and a summary at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from ..api.child_schemas import ChildCreateSchema
from ..cli.admin import check_case_row, write_import
from ..clock import today_in_london
from .exporting import export_annex_a, export_ssd
from .importing import plan_ssd_import

DIRECTORY = click.Path(file_okay=False, path_type=Path)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def progress_line(what: str) -> Callable[[int, int], None] | None:
    """Rows done of total and the time left, on one rewritten line; nothing when not a terminal."""
    if not stderr_is_terminal():
        return None
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        left = (time.monotonic() - started) / done * (total - done) if done else 0
        click.echo(f"\r{what}: {done} of {total} children, about {left:.0f} s left ", nl=done == total, err=True)

    return show


@click.command("import-ssd")
@with_appcontext
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
def import_ssd_command(directory: Path, dry_run: bool) -> None:
    """Load an SSD extract (one <table>.csv per SSD table), upserting children by pers_person_id.

    Every row is checked first, as the API checks a new child: any problem means nothing is
    written, each named by file, line and column. What has no equivalent here is listed."""
    today = today_in_london()
    if stderr_is_terminal():
        click.echo("Reading and checking the extract...", err=True)
    found = plan_ssd_import(
        directory, today, partial(check_case_row, ChildCreateSchema()), progress=progress_line("Checking")
    )
    for line in found.unmapped:
        click.echo(f"Not mapped: {line}", err=True)
    for problem in found.problems:
        click.echo(problem, err=True)
    if found.problems:
        raise click.ClickException(f"{len(found.problems)} problem(s); nothing was imported.")
    plan = found.plan
    if dry_run:
        click.echo(
            f"Dry run: {plan.creates} children to create, {plan.updates} to update, {found.visits} visits read; "
            "nothing was written."
        )
        return
    write_import(plan, today)


@click.command("export-ssd")
@with_appcontext
@click.argument("directory", type=DIRECTORY)
def export_ssd_command(directory: Path) -> None:
    """Write the visits recorded here as ssd_cin_visits.csv, ssd_cp_visits.csv and ssd_cla_visits.csv."""
    started = time.monotonic()
    result = export_ssd(directory, progress=progress_line("Exporting"))
    counts = ", ".join(f"{count} to {table}" for table, count in result.rows.items())
    click.echo(
        f"Exported visits of {result.children} children: {counts}; {result.left_out} not under a CIN, CP or "
        f"care plan (or not a social worker's visit in person) left out. {time.monotonic() - started:.1f} s."
    )


@click.command("export-annex-a")
@with_appcontext
@click.argument("directory", type=DIRECTORY)
def export_annex_a_command(directory: Path) -> None:
    """Write Annex A lists 6 to 9 (the columns about visits) as annex_a_list_N.csv."""
    started = time.monotonic()
    result = export_annex_a(directory, today_in_london(), progress=progress_line("Exporting"))
    counts = ", ".join(f"{count} in {name}" for name, count in result.rows.items())
    click.echo(f"Annex A of {result.children} children: {counts}. {time.monotonic() - started:.1f} s.")


COMMANDS = (import_ssd_command, export_ssd_command, export_annex_a_command)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
