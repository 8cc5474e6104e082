"""flask import-cases (JSON and CSV, all or nothing, upsert, dry run) and flask seed-demo."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.children import Allocation, Child, EpisodeRow, VisitRow
from backend.services.caseload import worker_caseload
from tests.builders import make_case_json
from tests.support.world import add_worker

CSV_HEADER = (
    "reference,name,date_of_birth,plan_type,plan_start,plan_end,placement,social_worker_email,personal_adviser_email\n"
)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def write_json(tmp_path: Path, cases: list[dict]) -> str:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))
    return str(path)


def test_importing_json_cases_creates_children_with_their_facts_and_allocations(
    app: Flask, runner, tmp_path: Path
) -> None:  # noqa: ANN001
    add_worker(app, email="sw@example.org")
    cases = [
        make_case_json(
            reference="C-1",
            allocations=[{"worker_email": "sw@example.org", "role": "social_worker"}],
            visits=[{"date": "2026-10-05", "role": "social_worker", "child_seen": True}],
        ),
        make_case_json(reference="C-2"),
    ]
    result = runner.invoke(args=["import-cases", write_json(tmp_path, cases)])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated" in result.output
    assert (count(app, Child), count(app, EpisodeRow), count(app, VisitRow), count(app, Allocation)) == (2, 2, 1, 1)


def test_one_bad_row_means_nothing_is_imported_and_every_problem_is_reported_by_row(
    app: Flask, runner, tmp_path: Path
) -> None:  # noqa: ANN001
    cases = [
        make_case_json(reference="C-1"),
        make_case_json(reference="C-2", episodes=[{"type": "child_in_need", "start": "2026-02-30"}]),
        make_case_json(reference="C-3", allocations=[{"worker_email": "ghost@example.org", "role": "social_worker"}]),
        make_case_json(reference="C-1"),
    ]
    result = runner.invoke(args=["import-cases", write_json(tmp_path, cases)])
    assert result.exit_code == 1
    assert "row 2 (C-2): episodes[0].start" in result.output
    assert "row 3 (C-3): allocations[0].worker_email" in result.output
    assert "row 4 (C-1): reference: repeats row 1" in result.output
    assert count(app, Child) == 0


def test_importing_again_updates_by_reference_and_keeps_recorded_visits(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    first = [make_case_json(reference="C-1", visits=[{"date": "2026-10-05", "role": "social_worker"}])]
    runner.invoke(args=["import-cases", write_json(tmp_path, first)])
    second = [
        make_case_json(
            reference="C-1",
            name="Jo Smyth",
            episodes=[{"type": "child_protection", "start": "2026-11-02"}],
            visits=[{"date": "2026-10-05", "role": "social_worker"}, {"date": "2026-11-03", "role": "social_worker"}],
        )
    ]
    result = runner.invoke(args=["import-cases", write_json(tmp_path, second)])
    assert "0 created, 1 updated" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(Child.name)) == "Jo Smyth"
        assert db.session.scalars(select(EpisodeRow.type)).all() == ["child_protection"]
    assert count(app, VisitRow) == 2


def test_a_dry_run_reports_and_writes_nothing(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    result = runner.invoke(args=["import-cases", "--dry-run", write_json(tmp_path, [make_case_json(reference="C-1")])])
    assert result.exit_code == 0 and "Dry run: 1 to create, 0 to update" in result.output
    assert count(app, Child) == 0


def test_importing_csv_merges_rows_of_one_reference_into_episodes(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    add_worker(app, email="sw@example.org")
    add_worker(app, "personal_adviser", email="pa@example.org")
    path = tmp_path / "cases.csv"
    path.write_text(
        CSV_HEADER
        + "C-1,Ann Lee,2008-05-01,cared_for,2025-01-06,2026-05-01,foster_care,sw@example.org,\n"
        + "C-1,Ann Lee,2008-05-01,care_leaver,2026-05-01,,,,pa@example.org\n"
        + "C-2,Bo Ray,,child_in_need,2026-11-02,,,sw@example.org,\n"
    )
    result = runner.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 0, result.output
    assert (count(app, Child), count(app, EpisodeRow), count(app, Allocation)) == (2, 3, 3)


def test_households_are_imported_from_json_and_from_an_optional_csv_column(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    add_worker(app, email="sw@example.org")
    result = runner.invoke(
        args=["import-cases", write_json(tmp_path, [make_case_json(reference="C-1", household="F-1021")])]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "cases.csv"
    path.write_text(
        CSV_HEADER.rstrip("\n")
        + ",household\n"
        + "C-2,Bo Ray,,child_in_need,2026-11-02,,,sw@example.org,,F-1021\n"
        + "C-3,Cy Ray,,child_in_need,2026-11-02,,,sw@example.org,,\n"
    )
    result = runner.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        households = dict(db.session.execute(select(Child.reference, Child.household)).all())
    assert households == {"C-1": "F-1021", "C-2": "F-1021", "C-3": None}
    # The file is the record: importing C-1 again without a household takes it out of one.
    runner.invoke(args=["import-cases", write_json(tmp_path, [make_case_json(reference="C-1")])])
    with app.app_context():
        assert db.session.scalar(select(Child.household).where(Child.reference == "C-1")) is None


def test_a_household_that_is_not_one_line_of_64_characters_is_a_row_problem(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    cases = [make_case_json(reference="C-1", household="x" * 65), make_case_json(reference="C-2", household=["F"])]
    result = runner.invoke(args=["import-cases", write_json(tmp_path, cases)])
    assert result.exit_code != 0
    assert "row 1 (C-1): household" in result.output and "row 2 (C-2): household" in result.output
    assert count(app, Child) == 0


def test_a_csv_with_missing_columns_is_refused(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "cases.csv"
    path.write_text("reference,name\nC-1,Ann\n")
    result = runner.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 1 and "missing columns" in result.output


def test_seed_demo_fills_an_empty_database_with_overdue_and_due_this_week_visits(app: Flask, runner) -> None:  # noqa: ANN001
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "manager@demo.example" in result.output and "Password: " in result.output
    with app.app_context():
        from backend.persistence.people import Worker

        roles = Counter(db.session.scalars(select(Worker.role)))
        plan_types = set(db.session.scalars(select(EpisodeRow.type)))
        statuses = Counter(
            entry.obligation.status
            for worker_id in db.session.scalars(select(Worker.id))
            for entry in worker_caseload(worker_id, today_in_london())
        )
    # The locality team (a manager, 6 social workers, 2 personal advisers) and the fostering team
    # (a manager and 2 supervising social workers).
    assert roles == {"team_manager": 2, "social_worker": 8, "personal_adviser": 2}
    assert count(app, Child) == 150
    assert plan_types == {rule.plan_type for rule in app.extensions["scheduler"].profile().rules} - {"any"}
    assert statuses["overdue"] > 0 and statuses["due_today"] + statuses["due_soon"] > 0
    assert sum(statuses.values()) == 150
    with app.app_context():
        groups = db.session.execute(
            select(Child.household, func.count(), func.count(func.distinct(Allocation.worker_id)))
            .join(Allocation, Allocation.child_id == Child.id)
            .where(Child.household.is_not(None))
            .group_by(Child.household)
        ).all()
    assert groups and all(size == 2 and holders == 1 for _, size, holders in groups)  # siblings, one worker
    assert "ssw1@demo.example" in result.output


def test_seed_demo_adds_a_fostering_team_whose_carers_are_on_their_supervisors_caseloads(app: Flask, runner) -> None:  # noqa: ANN001
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        from backend.persistence.carers import CarerRow
        from backend.persistence.people import Worker
        from backend.services.carers import supervised_carers

        supervisors = list(db.session.scalars(select(Worker.id).where(Worker.email.like("ssw%"))))
        caseloads = supervised_carers(supervisors, today_in_london())
        households = set(
            db.session.scalars(select(EpisodeRow.carer_household).where(EpisodeRow.carer_household.is_not(None)))
        )
        carers = {row.reference: row.household for row in db.session.scalars(select(CarerRow))}
    assert {entry.reference for entries in caseloads.values() for entry in entries} == set(carers)
    assert carers["DEMO-FC-4"] not in households  # approved, no child placed yet
    assert {carers["DEMO-FC-1"], carers["DEMO-FC-2"]} <= households


def test_seed_demo_refuses_a_database_that_is_not_empty(app: Flask, runner) -> None:  # noqa: ANN001
    add_worker(app)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1 and "not empty" in result.output
    assert count(app, Child) == 0


def test_seed_demo_if_empty_leaves_a_database_with_data_alone_and_succeeds(app: Flask, runner) -> None:  # noqa: ANN001
    add_worker(app)
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "no demo data added" in result.output
    assert count(app, Child) == 0


def test_an_import_stores_every_field_a_case_file_carries_as_the_api_does(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    # Legal status, event times and roles, contact kinds and overrides: an import that checked
    # them and then dropped them would silently change a child's due dates.
    from backend.core.cases import parse_case
    from backend.persistence.repository import load_case
    from tests.e2e.test_api_agrees_with_cli import CASES

    result = runner.invoke(args=["import-cases", write_json(tmp_path, CASES)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        ids = dict(db.session.execute(select(Child.reference, Child.id)).all())
        for case_json in CASES:
            stored = load_case(ids[case_json["reference"]]).case
            expected = parse_case(case_json)
            for facts in ("episodes", "events", "overrides", "visits"):
                assert sorted(map(repr, getattr(stored, facts))) == sorted(map(repr, getattr(expected, facts))), facts
