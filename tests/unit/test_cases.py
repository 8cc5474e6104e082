"""Reading a case file: every problem names the case reference and the field."""

from __future__ import annotations

from typing import Any

import pytest

from backend.core.cases import Case, Episode, Event, Visit, parse_case
from backend.core.errors import InvalidCase
from tests.builders import d, make_case_json


def test_a_case_file_mapping_becomes_frozen_objects() -> None:
    case = parse_case(
        make_case_json(
            reference=" C-1001 ",
            episodes=[{"type": "cared_for", "start": "2026-11-02", "end": None, "placement": "regulation_24"}],
            events=[{"type": "first_cared_for_review", "date": "2026-11-20"}],
            visits=[
                {"date": "2026-11-05", "role": "social_worker"},
                {"date": "2026-11-06", "role": "social_worker", "child_seen": False},
            ],
        )
    )
    assert case == Case(
        "C-1001",
        "Jo Smith",
        d("2015-03-02"),
        (Episode("cared_for", d("2026-11-02"), None, "regulation_24"),),
        (Event("first_cared_for_review", d("2026-11-20")),),
        (Visit(d("2026-11-05"), "social_worker", True), Visit(d("2026-11-06"), "social_worker", False)),
    )


def test_missing_lists_and_nulls_are_empty() -> None:
    case = parse_case({"reference": "C-1", "episodes": None})
    assert (case.episodes, case.events, case.visits, case.date_of_birth) == ((), (), (), None)


@pytest.mark.parametrize(
    ("document", "reference", "field"),
    [
        ([], None, "(case)"),
        ({"reference": 1001}, None, "reference"),
        ({"reference": "   "}, None, "reference"),
        (make_case_json(name=["Jo"]), "C-1001", "name"),
        (make_case_json(episodes={"type": "child_in_need"}), "C-1001", "episodes"),
        (make_case_json(episodes=["child_in_need"]), "C-1001", "episodes[0]"),
        (make_case_json(episodes=[{"type": ["child_in_need"], "start": "2026-01-01"}]), "C-1001", "episodes[0].type"),
        (make_case_json(episodes=[{"type": "child_in_need"}]), "C-1001", "episodes[0].start"),
        (make_case_json(episodes=[{"type": "child_in_need", "start": 20260101}]), "C-1001", "episodes[0].start"),
        (
            make_case_json(episodes=[{"type": "cared_for", "start": "2026-01-01", "placement": {}}]),
            "C-1001",
            "episodes[0].placement",
        ),
        (make_case_json(events=[{"type": "permanence_ratified"}]), "C-1001", "events[0].date"),
        (make_case_json(visits=[{"date": "2026-01-05"}]), "C-1001", "visits[0].role"),
        (make_case_json(visits=[{"date": "2026-1-5", "role": "social_worker"}]), "C-1001", "visits[0].date"),
    ],
)
def test_each_problem_names_the_reference_and_the_field(document: Any, reference: str | None, field: str) -> None:
    with pytest.raises(InvalidCase) as raised:
        parse_case(document)
    assert (raised.value.reference, raised.value.field) == (reference, field)
    assert f"field {field!r}" in str(raised.value)
    assert str(raised.value).startswith(f"case {reference or '(no reference)'}: ")
