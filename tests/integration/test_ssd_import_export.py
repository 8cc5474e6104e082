"""flask import-ssd / export-ssd / export-annex-a: an SSD extract in through the case import's
checks and batches, the visits recorded here out in the SSD's and Annex A's shapes."""

from __future__ import annotations

import csv
import shutil
import uuid
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, func, select

from backend.extensions import db
from backend.persistence.children import Child, EpisodeRow, VisitRow
from backend.persistence.visit_references import VisitReference
from backend.ssd.exporting import safe_cell
from tests.support.world import add_worker, signed_in

EXTRACT = Path(__file__).parent.parent / "data" / "ssd"


def copy_extract(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXTRACT, tmp_path / "extract"))


def add_ssd_workers(app: Flask) -> None:
    add_worker(app, email="sw1@example.org")
    add_worker(app, "personal_adviser", email="pa1@example.org")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_an_extract_becomes_children_referenced_by_person_id(app: Flask, runner) -> None:  # noqa: ANN001
    add_ssd_workers(app)
    dry = runner.invoke(args=["import-ssd", "--dry-run", str(EXTRACT)])
    assert dry.exit_code == 0, dry.output
    assert "4 children to create" in dry.output and count(app, Child) == 0
    result = runner.invoke(args=["import-ssd", str(EXTRACT)])
    assert result.exit_code == 0, result.output
    assert "ssd_family" not in result.output  # households are mapped now
    assert "1 worker(s) with no email" in result.output
    with app.app_context():
        assert set(db.session.scalars(select(Child.reference))) == {"P1001", "P1002", "P1003", "P1004"}
        placements = db.session.scalars(select(EpisodeRow.placement).where(EpisodeRow.type == "cared_for"))
        assert set(placements) == {"foster_care", "residential", "long_term_foster_care"}
        alone = dict(db.session.execute(select(VisitReference.reference, VisitRow.seen_alone).join(VisitRow)).all())
    assert alone == {"CV1": False, "CV2": True, "PV1": True, "PV2": False, "LV1": True, "LV2": None}
    with app.app_context():
        households = dict(db.session.execute(select(Child.reference, Child.household)).all())
        bedrooms = dict(
            db.session.execute(select(VisitReference.reference, VisitRow.bedroom_seen).join(VisitRow)).all()
        )
    assert households == {"P1001": "FAM01", "P1002": "FAM01", "P1003": None, "P1004": None}
    assert bedrooms["PV1"] is True and bedrooms["PV2"] is False and bedrooms["LV1"] is None
    again = runner.invoke(args=["import-ssd", str(EXTRACT)])
    assert again.exit_code == 0 and "0 created, 4 updated" in again.output
    assert count(app, VisitRow) == 6


def test_one_bad_cell_means_nothing_is_written_and_names_file_line_and_column(app: Flask, runner, tmp_path) -> None:  # noqa: ANN001
    add_worker(app, email="sw1@example.org")  # pa1@example.org is missing
    extract = copy_extract(tmp_path)
    visits = extract / "ssd_cin_visits.csv"
    visits.write_text(visits.read_text().replace("2026-10-29", "2026-13-45"))
    result = runner.invoke(args=["import-ssd", str(extract)])
    assert result.exit_code == 1
    assert "ssd_cin_visits.csv line 3 (P1001): cinv_cin_visit_date:" in result.output
    assert "ssd_care_leavers.csv line 2 (P1004): clea_care_leaver_worker_id: no active worker" in result.output
    assert "nothing was imported" in result.output
    assert count(app, Child) == 0


def test_a_missing_column_is_named(app: Flask, runner, tmp_path) -> None:  # noqa: ANN001
    extract = copy_extract(tmp_path)
    person = extract / "ssd_person.csv"
    person.write_text(person.read_text().replace("pers_dob", "dob"))
    result = runner.invoke(args=["import-ssd", str(extract)])
    assert result.exit_code == 1 and "ssd_person.csv: (header): missing columns: pers_dob" in result.output


def due_dates(app: Flask, viewer: str) -> dict[str, list[tuple]]:
    api = signed_in(app, viewer)
    with app.app_context():
        children = dict(db.session.execute(select(Child.reference, Child.id)).all())
    return {
        reference: sorted(
            (o["role"], o["due"], o["status"])
            for o in api.get(f"/api/children/{child}/obligations").json["obligations"]
        )
        for reference, child in children.items()
    }


def test_round_trip_ssd_in_visits_recorded_ssd_out_and_back_gives_the_same_due_dates(
    app: Flask, runner, tmp_path
) -> None:  # noqa: ANN001
    add_ssd_workers(app)
    admin = add_worker(app, "admin")
    assert runner.invoke(args=["import-ssd", str(EXTRACT)]).exit_code == 0
    with app.app_context():
        child = db.session.scalar(select(Child.id).where(Child.reference == "P1001"))
    recorded = str(uuid.uuid4())
    body = {"child_id": child, "date": "2026-11-20", "role": "social_worker", "child_seen": True, "seen_alone": True}
    body["bedroom_seen"] = True
    assert signed_in(app, admin).put(f"/api/visits/{recorded}", json=body).status_code == 201
    before = due_dates(app, admin)
    out = tmp_path / "out"
    result = runner.invoke(args=["export-ssd", str(out)])
    assert result.exit_code == 0, result.output
    cin = read_csv(out / "ssd_cin_visits.csv")
    assert [row["cinv_cin_visit_id"] for row in cin] == ["CV1", "CV2", recorded]
    assert cin[-1] | {} == {
        "cinv_cin_visit_id": recorded,
        "cinv_person_id": "P1001",
        "cinv_cin_visit_date": "2026-11-20",
        "cinv_cin_visit_seen": "Y",
        "cinv_cin_visit_seen_alone": "Y",
        "cinv_cin_visit_bedroom": "Y",
    }
    assert [row["cppv_cp_visit_id"] for row in read_csv(out / "ssd_cp_visits.csv")] == ["PV1", "PV2"]
    with app.app_context():  # the visits are lost here; the exported tables bring them back
        db.session.execute(delete(VisitReference))
        db.session.execute(delete(VisitRow))
        db.session.commit()
    extract = copy_extract(tmp_path)
    for table in ("ssd_cin_visits", "ssd_cp_visits", "ssd_cla_visits"):
        shutil.copy(out / f"{table}.csv", extract / f"{table}.csv")
    back = runner.invoke(args=["import-ssd", str(extract)])
    assert back.exit_code == 0, back.output
    assert due_dates(app, admin) == before
    with app.app_context():
        assert db.session.get(VisitRow, recorded) is not None


def test_annex_a_lists_the_visit_columns_with_british_dates(app: Flask, runner, tmp_path) -> None:  # noqa: ANN001
    add_ssd_workers(app)
    assert runner.invoke(args=["import-ssd", str(EXTRACT)]).exit_code == 0
    result = runner.invoke(args=["export-annex-a", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert read_csv(tmp_path / "annex_a_list_6.csv") == [
        {"Child Unique ID": "P1001", "Date Child Was Last Seen": "29/10/2026"}
    ]
    assert read_csv(tmp_path / "annex_a_list_7.csv") == [
        {
            "Child Unique ID": "P1002",
            "Date of the Last Statutory Visit": "30/10/2026",
            "Was the Child Seen Alone?": "Yes",
        }
    ]
    list_8 = {
        row["Child Unique ID"]: row["Date of Last Social Work Visit"]
        for row in read_csv(tmp_path / "annex_a_list_8.csv")
    }
    assert list_8 == {"P1003": "02/11/2026", "P1004": ""}
    assert read_csv(tmp_path / "annex_a_list_9.csv") == [{"Child Unique ID": "P1004", "Latest Date of Contact": ""}]


def test_cells_a_spreadsheet_would_run_are_quoted() -> None:
    assert [safe_cell(cell) for cell in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "P1", None)] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "P1", "",
    ]  # fmt: skip


def test_exports_show_progress_on_a_terminal_and_quote_formula_cells(app: Flask, runner, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    add_ssd_workers(app)
    extract = copy_extract(tmp_path)
    for name in ("ssd_person.csv", "ssd_cin_visits.csv", "ssd_cin_plans.csv", "ssd_involvements.csv"):
        path = extract / name
        path.write_text(path.read_text().replace("P1001", "=P1001"))
    assert runner.invoke(args=["import-ssd", str(extract)]).exit_code == 0
    monkeypatch.setattr("backend.ssd.cli.stderr_is_terminal", lambda: True)
    result = runner.invoke(args=["export-ssd", str(tmp_path / "out")])
    assert "Exporting: 4 of 4 children, about 0 s left" in result.output
    assert {row["cinv_person_id"] for row in read_csv(tmp_path / "out" / "ssd_cin_visits.csv")} == {"'=P1001"}


def test_a_visit_withdrawn_as_recorded_in_error_is_left_out_of_the_exports(app: Flask, runner, tmp_path) -> None:  # noqa: ANN001
    add_ssd_workers(app)
    admin = add_worker(app, "admin")
    assert runner.invoke(args=["import-ssd", str(EXTRACT)]).exit_code == 0
    with app.app_context():
        child = db.session.scalar(select(Child.id).where(Child.reference == "P1001"))
    recorded = str(uuid.uuid4())
    body = {"child_id": child, "date": "2026-11-20", "role": "social_worker", "child_seen": True, "seen_alone": True}
    phone = signed_in(app, admin)
    assert phone.put(f"/api/visits/{recorded}", json=body).status_code == 201
    assert phone.delete(f"/api/visits/{recorded}").status_code == 204
    out = tmp_path / "out"
    assert runner.invoke(args=["export-ssd", str(out)]).exit_code == 0
    assert [row["cinv_cin_visit_id"] for row in read_csv(out / "ssd_cin_visits.csv")] == ["CV1", "CV2"]


def test_the_import_shows_progress_while_it_checks_on_a_terminal(app: Flask, runner, monkeypatch) -> None:  # noqa: ANN001
    add_ssd_workers(app)
    monkeypatch.setattr("backend.ssd.cli.stderr_is_terminal", lambda: True)
    result = runner.invoke(args=["import-ssd", "--dry-run", str(EXTRACT)])
    assert result.exit_code == 0, result.output
    assert "Checking: 4 of 4 children, about 0 s left" in result.output
