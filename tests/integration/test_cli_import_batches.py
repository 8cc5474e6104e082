"""flask import-cases writes in short batches, audits every child it creates or changes, and
reports progress and a summary; a failure midway leaves whole batches and a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import Allocation, Child, EpisodeRow, VisitRow
from backend.services import imports
from backend.services.imports import IMPORT_ROUTE
from tests.builders import make_case_json
from tests.support.world import add_worker


def write_cases(tmp_path: Path, count: int, **overrides: object) -> str:
    path = tmp_path / "cases.json"
    cases = [
        make_case_json(
            reference=f"C-{number}",
            visits=[{"date": "2026-10-05", "role": "social_worker"}],
            allocations=[{"worker_email": "sw@example.org", "role": "social_worker"}],
            **overrides,
        )
        for number in range(count)
    ]
    path.write_text(json.dumps(cases))
    return str(path)


def audit_rows(app: Flask) -> list[tuple]:
    with app.app_context():
        query = select(AuditEntry.child_id, AuditEntry.worker_id, AuditEntry.action, AuditEntry.route)
        return [tuple(row) for row in db.session.execute(query)]


def test_every_child_created_or_changed_by_an_import_is_audited(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    add_worker(app, email="sw@example.org")
    runner.invoke(args=["import-cases", write_cases(tmp_path, 3)])
    with app.app_context():
        ids = set(db.session.scalars(select(Child.id)))
    created = audit_rows(app)
    assert sorted(created) == sorted((child_id, None, "create", IMPORT_ROUTE) for child_id in ids)
    result = runner.invoke(args=["import-cases", write_cases(tmp_path, 3, name="Jo Smyth")])
    assert result.exit_code == 0, result.output
    changed = [row for row in audit_rows(app) if row[2] == "change"]
    assert sorted(changed) == sorted((child_id, None, "change", IMPORT_ROUTE) for child_id in ids)


def test_a_dry_run_audits_nothing(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    add_worker(app, email="sw@example.org")
    runner.invoke(args=["import-cases", "--dry-run", write_cases(tmp_path, 3)])
    assert audit_rows(app) == []


def test_the_import_commits_batch_by_batch(app: Flask, runner, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Each batch its own transaction: the write lock is held for one batch at a time."""
    add_worker(app, email="sw@example.org")
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    committed: list[int] = []
    write_batch = imports.write_batch

    def watched(batch, teams, today):  # noqa: ANN001, ANN202
        with app.app_context():  # what another connection sees: only whole earlier batches
            committed.append(db.session.scalar(select(func.count()).select_from(Child)))
        return write_batch(batch, teams, today)

    monkeypatch.setattr(imports, "write_batch", watched)
    result = runner.invoke(args=["import-cases", write_cases(tmp_path, 5)])
    assert result.exit_code == 0, result.output
    assert committed == [0, 2, 4]
    assert "Imported: 5 created, 0 updated" in result.output


def test_progress_is_reported_batch_by_batch(app: Flask, tmp_path: Path) -> None:
    add_worker(app, email="sw@example.org")
    rows = list(enumerate(json.loads(Path(write_cases(tmp_path, 5)).read_text()), start=1))
    seen: list[tuple[int, int]] = []
    with app.app_context():
        plan = imports.plan_import(rows, imports_today())
        result = imports.apply_import(plan, imports_today(), batch_size=2, progress=lambda *done: seen.append(done))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert (result.created, result.updated) == (5, 0)


def test_no_transaction_is_left_open_while_rows_are_checked(app: Flask, tmp_path: Path) -> None:
    """On SQLite the command's transactions take the write lock: checking 20,000 rows must not hold it."""
    add_worker(app, email="sw@example.org")
    rows = list(enumerate(json.loads(Path(write_cases(tmp_path, 3)).read_text()), start=1))
    open_while_checking: list[bool] = []

    def check(raw: dict) -> dict:
        open_while_checking.append(db.session().in_transaction())
        return raw

    with app.app_context():
        imports.plan_import(rows, imports_today(), check)
        assert not db.session().in_transaction()
    assert open_while_checking == [False, False, False]


def test_a_failure_midway_keeps_whole_batches_says_so_and_a_rerun_completes(
    app: Flask, runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    add_worker(app, email="sw@example.org")
    path = write_cases(tmp_path, 5)
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    write_batch, calls = imports.write_batch, []

    def failing_second(batch, teams, today):  # noqa: ANN001, ANN202
        calls.append(len(batch))
        if len(calls) == 2:
            db.session.execute(select(func.nosuchfunction()))  # a database error, as a full disk gives
        return write_batch(batch, teams, today)

    monkeypatch.setattr(imports, "write_batch", failing_second)
    result = runner.invoke(args=["import-cases", path])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "after 2 of 5 cases were written" in result.output and "run the same file again" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Child)) == 2
    monkeypatch.setattr(imports, "write_batch", write_batch)
    again = runner.invoke(args=["import-cases", path])
    assert "Imported: 3 created, 2 updated" in again.output, again.output
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Child, EpisodeRow)]
        counts += [db.session.scalar(select(func.count()).select_from(model)) for model in (VisitRow, Allocation)]
    assert counts == [5, 5, 5, 5]


def imports_today():  # noqa: ANN201
    from backend.clock import today_in_london

    return today_in_london()


def test_an_import_hands_a_role_over_by_the_apis_rule(app: Flask, tmp_path: Path) -> None:
    """Like POST /api/children/<id>/allocations: the holder stops the day the new worker starts,
    and a handover dating from before the holder started is refused (row and field named)."""
    from datetime import timedelta

    add_worker(app, email="sw@example.org")
    add_worker(app, email="other@example.org")
    today = imports_today()
    first = list(enumerate(json.loads(Path(write_cases(tmp_path, 2)).read_text()), start=1))
    with app.app_context():
        imports.apply_import(imports.plan_import(first, today), today)
        later = db.session.scalar(select(Child.id).where(Child.reference == "C-1"))
        db.session.execute(
            Allocation.__table__.update()
            .where(Allocation.child_id == later)
            .values(starts_on=today + timedelta(days=5))
        )
        db.session.commit()
    handed = [{"worker_email": "other@example.org", "role": "social_worker"}]
    second = [(number, {**row, "allocations": handed}) for number, row in first]
    with app.app_context():
        plan = imports.plan_import(second, today)
        assert [str(problem) for problem in plan.problems] == [
            f"row 2 (C-1): allocations[0].role: The current allocation only started on "
            f"{(today + timedelta(days=5)).isoformat()}."
        ]
        plan = imports.plan_import(second[:1], today)
        imports.apply_import(plan, today)
        ended = db.session.scalars(select(Allocation.ends_on).where(Allocation.ends_on.is_not(None))).all()
    assert ended == [today]


def test_an_import_cuts_short_a_holder_booked_to_end_after_today(app: Flask, tmp_path: Path) -> None:
    """Two workers never hold one role on the same day: the old end date is brought forward to today."""
    from datetime import timedelta

    add_worker(app, email="sw@example.org")
    other = add_worker(app, email="other@example.org")
    today = imports_today()
    first = list(enumerate(json.loads(Path(write_cases(tmp_path, 1)).read_text()), start=1))
    with app.app_context():
        imports.apply_import(imports.plan_import(first, today), today)
        db.session.execute(Allocation.__table__.update().values(ends_on=today + timedelta(days=10)))
        db.session.commit()
    handed = [{"worker_email": "other@example.org", "role": "social_worker"}]
    with app.app_context():
        plan = imports.plan_import([(number, {**row, "allocations": handed}) for number, row in first], today)
        assert plan.problems == []
        imports.apply_import(plan, today)
        spans = db.session.execute(select(Allocation.worker_id, Allocation.starts_on, Allocation.ends_on)).all()
    assert sorted((worker == other, end) for worker, _, end in spans) == [(False, today), (True, None)]
