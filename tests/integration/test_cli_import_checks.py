"""flask import-cases checks each row as the API checks a new child, and reads any file without a traceback.

Every refused file or row: exit status 1, the problem named by row (and reference) and field,
nothing written, and no Python traceback on the terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.children import Child
from tests.builders import make_case_json
from tests.support.world import add_worker

CSV_HEADER = (
    "reference,name,date_of_birth,plan_type,plan_start,plan_end,placement,social_worker_email,personal_adviser_email\n"
)


def children(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Child))


def run(runner, path: Path) -> tuple[int, str]:  # noqa: ANN001
    result = runner.invoke(args=["import-cases", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def json_file(tmp_path: Path, cases: object) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "A" * 100_000}, "name"),
        ({"reference": "R" * 309}, "reference"),
        ({"name": "Jo\x00Smith"}, "name"),
        ({"name": "Jo \u202eSmith"}, "name"),
        ({"name": "Jo\x1bSmith"}, "name"),
        ({"name": ["Jo", "Smith"]}, "name"),
        ({"date_of_birth": ["2015-03-02"]}, "date_of_birth"),
        ({"episodes": [{"type": ["child_in_need"], "start": "2026-10-01"}]}, "episodes[0].type"),
        ({"episodes": "child_in_need"}, "episodes"),
        ({"visits": [{"date": "2026-10-05", "role": "social_worker", "child_seen": "yes"}]}, "visits[0].child_seen"),
        ({"allocations": [{"worker_email": {"a": 1}, "role": "social_worker"}]}, "allocations[0].worker_email"),
        ({"allocations": [{"worker_email": "sw@example.org", "role": ["social_worker"]}]}, "allocations[0].role"),
        ({"date_of_birth": "20150302"}, "date_of_birth"),
        ({"notes": "an unknown key"}, "notes"),
        # The event route's checks (backend/api/child_schemas.py), one home for both.
        ({"events": [{"type": "returned_from_missing", "date": "2026-10-05", "time": "9:30"}]}, "events[0].time"),
        ({"events": [{"type": "allocated", "date": "2026-10-05"}]}, "events[0].role"),
        (
            {"overrides": [{"role": "social_worker", "every": "often", "from": "2026-10-05", "reason": "x"}]},
            "overrides[0].every",
        ),
    ],
    ids=lambda value: str(value)[:40],
)
def test_a_row_the_api_would_refuse_is_refused_by_row_and_field(
    app: Flask, runner, tmp_path: Path, overrides: dict, field: str
) -> None:  # noqa: ANN001
    path = json_file(tmp_path, [make_case_json(reference="C-1"), make_case_json(**{"reference": "C-2", **overrides})])
    status, output = run(runner, path)
    assert status == 1
    assert "row 2" in output and f": {field}: " in output, output
    assert "nothing was imported" in output
    assert children(app) == 0


def test_every_bad_field_of_every_row_is_reported(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    path = json_file(
        tmp_path,
        [
            make_case_json(reference="C-1", name="N" * 201, date_of_birth="2015-02-30"),
            "not a case",
            make_case_json(reference="C-3"),
        ],
    )
    status, output = run(runner, path)
    assert status == 1
    assert "row 1 (C-1): name: " in output and "row 1 (C-1): date_of_birth: " in output
    assert "row 2: (case): " in output
    assert "3 problem(s)" in output
    assert children(app) == 0


def test_a_refused_reference_is_not_echoed(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    path = json_file(tmp_path, [make_case_json(reference="R" * 309), make_case_json(reference="C\x1b[2J")])
    _, output = run(runner, path)
    assert "R" * 65 not in output and "\x1b" not in output
    assert "row 1: reference: " in output and "row 2: reference: " in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"reference": "C-1", "name": ' + "9" * 4_301 + "}]", "not valid JSON"),
        ("[{", "not valid JSON"),
        ('{"reference": "C-1"}', "expected a JSON array"),
    ],
    ids=["deep", "huge-integer", "truncated", "object"],
)
def test_a_json_file_that_cannot_be_read_is_refused_clearly(
    app: Flask, runner, tmp_path: Path, content: str, message: str
) -> None:  # noqa: ANN001
    path = tmp_path / "cases.json"
    path.write_text(content)
    status, output = run(runner, path)
    assert status == 1 and message in output, output


def test_a_latin_1_csv_is_refused_as_not_utf_8(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "cases.csv"
    path.write_bytes((CSV_HEADER + "C-1,Zoë Brontë,2015-03-02,child_in_need,2026-10-01,,,,\n").encode("latin-1"))
    status, output = run(runner, path)
    assert status == 1 and "line 2" in output and "not UTF-8" in output, output
    assert children(app) == 0


def test_a_utf_8_csv_with_a_byte_order_mark_imports(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    """What Excel writes for "CSV UTF-8"."""
    add_worker(app, email="sw@example.org")
    path = tmp_path / "cases.csv"
    row = "C-1,Zoë Brontë,2015-03-02,child_in_need,2026-10-01,,,sw@example.org,\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + (CSV_HEADER.replace("\n", "\r\n") + row).encode("utf-8"))
    status, output = run(runner, path)
    assert status == 0, output
    with app.app_context():
        assert db.session.scalar(select(Child.name)) == "Zoë Brontë"


def test_a_csv_cell_over_the_size_limit_is_refused_by_line(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "cases.csv"
    path.write_text(CSV_HEADER + "C-1," + "A" * 200_000 + ",2015-03-02,child_in_need,2026-10-01,,,,\n")
    status, output = run(runner, path)
    assert status == 1 and "(line " in output and "not a readable CSV" in output, output


def test_csv_rows_are_checked_by_the_same_schema(app: Flask, runner, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "cases.csv"
    path.write_text(
        CSV_HEADER
        + "C-1,Ann\u202eLee,2015-03-02,child_in_need,2026-10-01,,,,\n"
        + "C-2,Bo Ray,2015-03-02,made_up_plan,2026-10-01,,,,\n"
    )
    status, output = run(runner, path)
    assert status == 1
    assert "row 2 (C-1): name: Contains control characters." in output
    assert "row 3 (C-2): episodes[0].type: " in output
    assert children(app) == 0
