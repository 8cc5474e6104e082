"""flask import-cases with a JSON object of cases and carers: carers upserted by reference,
their imported visits replaced on each run, one bad carer row means nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.carers import CarerRow, CarerVisitRow
from backend.persistence.children import Child, EpisodeRow
from backend.services.imports import IMPORT_ROUTE
from tests.builders import make_case_json
from tests.support.world import add_team, add_worker


def write_document(tmp_path: Path, document: object) -> str:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(document))
    return str(path)


def carer_json(**fields: object) -> dict[str, object]:
    return {
        "reference": "FC-1",
        "name": "Sam Carer",
        "type": "long_term_foster_carer",
        "approved": "2026-03-01",
        "household": "H-1",
        "supervising_worker_email": "ssw@example.org",
        "visits": [{"date": "2026-04-01"}, {"date": "2026-05-01", "unannounced": True}],
        **fields,
    }


def counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Child, EpisodeRow, CarerRow, CarerVisitRow)
        )


def test_carers_are_imported_beside_cases_and_a_second_run_adds_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    team = add_team(app)
    worker = add_worker(app, "social_worker", team, email="ssw@example.org")
    placed = make_case_json(
        reference="C-1",
        episodes=[{"type": "cared_for", "start": "2026-06-01", "placement": "foster_care", "carer_household": "H-1"}],
    )
    path = write_document(tmp_path, {"cases": [placed], "carers": [carer_json()]})
    for _ in range(2):
        result = runner.invoke(args=["import-cases", path])
        assert result.exit_code == 0, result.output
    assert "Carers: 0 created, 1 updated." in result.output
    assert counts(app) == (1, 1, 1, 2)
    with app.app_context():
        carer = db.session.scalar(select(CarerRow))
        assert (carer.supervising_worker_id, carer.team_id, carer.household) == (worker, team, "H-1")
        assert db.session.scalar(select(EpisodeRow.carer_household)) == "H-1"


def carer_audit_rows(app: Flask) -> list[tuple]:
    with app.app_context():
        query = select(
            AuditEntry.worker_id, AuditEntry.child_id, AuditEntry.carer_id, AuditEntry.action, AuditEntry.route
        ).where(AuditEntry.carer_id.is_not(None))
        return sorted(tuple(row) for row in db.session.execute(query))


def test_every_carer_created_or_changed_by_an_import_is_audited_as_a_child_is(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    add_worker(app, "social_worker", email="ssw@example.org")
    path = write_document(tmp_path, {"carers": [carer_json(), carer_json(reference="FC-2", name="Ali Carer")]})
    assert runner.invoke(args=["import-cases", "--dry-run", path]).exit_code == 0
    assert carer_audit_rows(app) == []
    assert runner.invoke(args=["import-cases", path]).exit_code == 0
    with app.app_context():
        ids = sorted(db.session.scalars(select(CarerRow.id)))
    # The same shape as a child's entry: no worker (the command line), the route, the carer's id only.
    assert carer_audit_rows(app) == [(None, None, carer_id, "create", IMPORT_ROUTE) for carer_id in ids]
    assert runner.invoke(args=["import-cases", path]).exit_code == 0
    changed = [row for row in carer_audit_rows(app) if row[3] == "change"]
    assert changed == [(None, None, carer_id, "change", IMPORT_ROUTE) for carer_id in ids]


def test_one_bad_carer_row_means_nothing_is_imported(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    add_worker(app, "social_worker", email="ssw@example.org")
    document = {
        "cases": [make_case_json(reference="C-1")],
        "carers": [
            carer_json(),
            carer_json(reference="FC-2", transferred="2026-01-01"),
            carer_json(reference="FC-3", supervising_worker_email="ghost@example.org"),
            carer_json(reference="FC-4", visits=[{"date": "2026-13-01"}]),
        ],
    }
    result = runner.invoke(args=["import-cases", write_document(tmp_path, document)])
    assert result.exit_code == 1
    assert "carers: row 2 (FC-2): transferred" in result.output
    assert "carers: row 3 (FC-3): supervising_worker_email" in result.output
    assert "carers: row 4 (FC-4): visits[0].date" in result.output
    assert counts(app) == (0, 0, 0, 0)


def test_an_import_object_with_an_unknown_key_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["import-cases", write_document(tmp_path, {"carers": [], "foster": []})])
    assert result.exit_code == 1
    assert "unknown key 'foster'" in result.output
