"""SSD rows into case rows: dates, flags, placements, visit ids and what is reported as not mapped."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from backend.ssd.mapping import map_extract, ssd_date, ssd_flag, visit_id
from backend.ssd.reading import read_extract

EXTRACT = Path(__file__).parent.parent / "data" / "ssd"
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-03-01", "2026-03-01"),
        ("2026-03-01 00:00:00.000", "2026-03-01"),
        ("2026-03-01T10:15:00", "2026-03-01"),
        ("01/03/2026", "2026-03-01"),
        ("", None),
        ("1st March", "1st March"),  # left for the schema to refuse, naming the column
    ],
)
def test_ssd_dates(cell: str, expected: str | None) -> None:
    assert ssd_date(cell) == expected


def test_flags_as_the_ssd_writes_them() -> None:
    assert [ssd_flag(cell) for cell in ("Y", "n", "Yes", "NO", "", "maybe")] == [
        True,
        False,
        True,
        False,
        None,
        "maybe",
    ]


def test_visit_ids_are_stable_per_table_and_a_uuid_comes_back_as_itself() -> None:
    assert visit_id("ssd_cin_visits", "17") == visit_id("ssd_cin_visits", "17") != visit_id("ssd_cp_visits", "17")
    own = "0b7e6f7e-4d3a-4c1f-9a43-2f6a1f0c9d11"
    assert visit_id("ssd_cin_visits", own) == own


def extract_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXTRACT, tmp_path / "extract"))


def test_a_placement_with_no_equivalent_is_reported_and_imported_without_one(tmp_path: Path) -> None:
    folder = extract_copy(tmp_path)
    placements = folder / "ssd_cla_placement.csv"
    placements.write_text(placements.read_text().replace(",K2,", ",Q9,"))
    mapping = map_extract(read_extract(folder), TODAY)
    assert any("line 3 (P1003): placement type 'Q9' has no equivalent" in line for line in mapping.unmapped)
    case = next(case for _, case in mapping.rows if case["reference"] == "P1003")
    assert [episode["placement"] for episode in case["episodes"]] == ["foster_care", None]


def test_repeated_ids_are_problems(tmp_path: Path) -> None:
    folder = extract_copy(tmp_path)
    for name, old, new in (("ssd_person.csv", "P1002,", "P1001,"), ("ssd_cp_visits.csv", "PV2,", "PV1,")):
        path = folder / name
        path.write_text(path.read_text().replace(old, new))
    problems = map_extract(read_extract(folder), TODAY).problems
    assert "ssd_person.csv line 3 (P1001): pers_person_id: repeats an earlier row" in problems
    assert "ssd_cp_visits.csv line 3: cppv_cp_visit_id: repeats line 2" in problems


def test_allocations_need_an_email_and_a_care_leaver_starts_when_care_ended() -> None:
    mapping = map_extract(read_extract(EXTRACT), TODAY)
    cases = {case["reference"]: case for _, case in mapping.rows}
    assert cases["P1001"]["allocations"] == [{"worker_email": "sw1@example.org", "role": "social_worker"}]
    assert cases["P1002"]["allocations"] == []  # the worker has no email
    assert cases["P1004"]["episodes"][-1] == {"type": "care_leaver", "start": "2026-03-03"}
    assert cases["P1004"]["allocations"] == [{"worker_email": "pa1@example.org", "role": "personal_adviser"}]
