"""A malformed rules profile is refused with an error naming the file, the rule and the field;
and each anchor of a well-formed one describes itself in words."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from backend.core.errors import ProfileError, UnknownProfile
from backend.core.profiles import parse_profile


def valid_profile() -> dict[str, Any]:
    return {
        "id": "demo",
        "name": "Demo",
        "region": "ENG",
        "closures": [{"date": "2026-12-29", "name": "Office closed"}],
        "rules": [
            {
                "id": "demo.cin",
                "plan_type": "child_in_need",
                "role": "social_worker",
                "phases": [{"every": "20 working days"}],
                "source": {"document": "Demo standards", "section": "1", "quote": "Every 20 working days."},
            }
        ],
    }


def test_the_valid_profile_parses() -> None:
    profile = parse_profile(valid_profile(), "demo.toml")
    assert profile.rule("demo.cin").role == "social_worker"
    assert profile.rules_for("no_such_plan") == ()


def rule_with(**changes: Any) -> dict[str, Any]:
    data = valid_profile()
    data["rules"][0].update(changes)
    return data


BAD_PROFILES = [
    ({**valid_profile(), "rules": []}, "rules", "at least one rule"),
    ({**valid_profile(), "rules": ["not a table"]}, "rules[0]", "each rule must be a table"),
    ({**valid_profile(), "closures": [{"date": "2026-02-30", "name": "x"}]}, "closures[0].date", "is not a date"),
    ({**valid_profile(), "closures": [{"date": 20261229, "name": "x"}]}, "closures[0].date", "is not a date"),
    ({**valid_profile(), "closures": "none"}, "closures", "expected a list"),
    (rule_with(phases=[]), "phases", "at least one phase"),
    (rule_with(phases=[{"every": "4 weeks", "from": "event:first_cared_for_review"}]), "phases[0].from", "first phase"),
    (rule_with(phases=[{"every": "4 weeks", "from": []}]), "phases[0].from", "expected an anchor"),
    (rule_with(phases=[{"every": "4 weeks", "from": [7]}]), "phases[0].from", "is not an anchor"),
    (rule_with(phases=[{"every": "4 weeks", "from": "tomorrow"}]), "phases[0].from", "is not 'start'"),
    (rule_with(phases=[{"every": "4 weeks", "from": "start + soon"}]), "phases[0].from", ""),
    (rule_with(phases=[{"every": "often"}]), "phases[0].every", ""),
    (rule_with(placements=[]), "placements", "a non-empty list"),
    (rule_with(placements=[["nested"]]), "placements", "is not one of"),
    (rule_with(min_age_at_start=True), "min_age_at_start", "whole number"),
    (rule_with(max_age_at_start=-1), "max_age_at_start", "whole number"),
    (rule_with(label="  "), "label", "non-empty text"),
    (rule_with(role="cook"), "role", "is not one of"),
    (rule_with(first_visit="whenever"), "first_visit", ""),
    (rule_with(triggers=[{"event": "first_cared_for_review"}]), "triggers[0].within", "is required"),
    (rule_with(source="a book"), "source", "expected a table"),
    ({**valid_profile(), "name": None}, "name", "non-empty text"),
    ({key: value for key, value in valid_profile().items() if key != "region"}, "region", "is required"),
]


@pytest.mark.parametrize(("data", "field", "problem"), BAD_PROFILES)
def test_a_malformed_profile_names_its_field(data: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(ProfileError) as raised:
        parse_profile(copy.deepcopy(data), "demo.toml")
    assert raised.value.field == field and problem in raised.value.problem
    assert str(raised.value).startswith("demo.toml: ")


def test_a_profile_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"field '\(top\)': expected a table"):
        parse_profile(["not", "a", "table"], "demo.toml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("anchor", "words"),
    [
        ("start", "the start"),
        ("event:first_cared_for_review", "the first cared-for review"),
        ("birthday:16", "the 16th birthday"),
        ("birthday:16 + 4 weeks", "after the 16th birthday"),
    ],
)
def test_each_anchor_describes_itself(anchor: str, words: str) -> None:
    data = rule_with(phases=[{"every": "4 weeks"}, {"every": "6 weeks", "from": anchor}])
    (_, phase) = parse_profile(data, "demo.toml").rule("demo.cin").phases
    assert words in phase.starts[0].describe()


def test_an_unknown_profile_names_the_known_ones() -> None:
    error = UnknownProfile("wales", ["sefton", "england"])
    assert str(error) == "unknown profile 'wales' (known: england, sefton)"
