"""GET /api/teams/<id>/overview.csv: the overview as one CSV table, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from backend.api.overview_csv import OVERDUE_COLUMNS
from backend.api.spreadsheets import safe_cell
from tests.support.world import add_child, add_team, add_worker, signed_in

QUERY = "as_of=2026-10-31&from=2026-09-01&to=2026-10-31"


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def team_with_a_hostile_name(app: Flask) -> tuple[str, str]:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team, name="Mo Manager")
    worker = add_worker(app, "social_worker", team, name='=HYPERLINK("http://x.invalid","a")')
    add_child(
        app,
        reference="C-77",
        name="Ivy Lane",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-09-01"}],
        visits=[{"date": "2026-09-14", "role": "social_worker"}],
    )
    return team, manager


def test_the_csv_has_a_header_row_and_the_overviews_numbers(app: Flask) -> None:
    team, manager = team_with_a_hostile_name(app)
    api = signed_in(app, manager)
    response = api.get(f"/api/teams/{team}/overview.csv?{QUERY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response.get_data(as_text=True))
    overview = api.get(f"/api/teams/{team}/overview?{QUERY}").json
    [total] = [row for row in rows if row["section"] == "total"]
    assert (total["from"], total["to"], total["visits_due"], total["in_time"]) == (
        "2026-09-01",
        "2026-10-31",
        str(overview["timeliness"]["fell_due"]),
        str(overview["timeliness"]["in_time"]),
    )
    [overdue] = [row for row in rows if row["section"] == "overdue"]
    assert (overdue["reference"], overdue["initials"], overdue["due"], overdue["days_overdue"]) == (
        "C-77",
        "IL",
        "2026-09-28",
        "33",
    )
    assert overdue["plan_type"] == "Child protection plan" and overdue["last_visit"] == "2026-09-14"
    assert len([row for row in rows if row["section"] == "month"]) == 12
    assert {row["section"] for row in rows} == {"total", "plan_type", "worker", "month", "overdue"}


def test_no_cell_of_the_csv_starts_a_formula(app: Flask) -> None:
    team, manager = team_with_a_hostile_name(app)
    text = signed_in(app, manager).get(f"/api/teams/{team}/overview.csv?{QUERY}").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://x.invalid","a")' in cells


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_a_spreadsheet_would_read_as_a_formula_is_written_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_the_csv_is_refused_to_whoever_may_not_see_the_overview(app: Flask) -> None:
    team, _ = team_with_a_hostile_name(app)
    worker = add_worker(app, "social_worker", team)
    assert signed_in(app, worker).get(f"/api/teams/{team}/overview.csv").status_code == 404


def test_the_overdue_list_on_its_own_has_only_its_rows_and_columns_and_is_spreadsheet_safe(app: Flask) -> None:
    team, manager = team_with_a_hostile_name(app)
    response = signed_in(app, manager).get(f"/api/teams/{team}/overview.csv?{QUERY}&section=overdue")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="team-overdue-2026-10-31.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert next(csv.reader(io.StringIO(text))) == list(OVERDUE_COLUMNS)
    [overdue] = read_csv(text)
    assert (overdue["reference"], overdue["days_overdue"], overdue["plan_type"]) == (
        "C-77",
        "33",
        "Child protection plan",
    )
    assert overdue["worker"] == '\'=HYPERLINK("http://x.invalid","a")'


def test_an_unknown_section_is_refused_naming_it(app: Flask) -> None:
    team, manager = team_with_a_hostile_name(app)
    response = signed_in(app, manager).get(f"/api/teams/{team}/overview.csv?section=workers")
    assert response.status_code == 422 and "section" in str(response.json["errors"])
