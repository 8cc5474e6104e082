"""Every profile in rules/ loads; a malformed one fails naming the file, the rule and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.core.errors import ProfileError
from backend.persistence.rules_files import RULES_DIR, load_profile_file, load_profiles

PROFILE_FILES = sorted(RULES_DIR.glob("*.toml"))

GOOD_RULE = """
[[rules]]
id = "demo.cin"
plan_type = "child_in_need"
role = "social_worker"
phases = [{ every = "20 working days" }]
[rules.source]
document = "Demo standards"
section = "Section 1"
quote = "every 20 working days"
"""


def profile_text(rules: str = GOOD_RULE, header: str = 'id = "demo"\nname = "Demo"\nregion = "ENG"\n') -> str:
    return header + rules


def write_profile(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_rules_folder_holds_the_england_profile() -> None:
    assert RULES_DIR / "england.toml" in PROFILE_FILES


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda path: path.name)
def test_every_profile_file_loads_with_sourced_rules(path: Path) -> None:
    profile = load_profile_file(path)
    assert profile.id == path.stem
    assert profile.rules
    for rule in profile.rules:
        assert rule.source.document and rule.source.section and rule.source.quote, rule.id


def test_load_profiles_returns_every_file_by_id() -> None:
    assert set(load_profiles()) == {path.stem for path in PROFILE_FILES}


def test_a_well_formed_profile_in_a_temporary_file_loads(tmp_path: Path) -> None:
    profile = load_profile_file(write_profile(tmp_path, profile_text()))
    assert [rule.id for rule in profile.rules] == ["demo.cin"]


@pytest.mark.parametrize(
    ("replace", "by", "field"),
    [
        ('plan_type = "child_in_need"', 'plan_type = "child_in_nede"', "plan_type"),
        ('role = "social_worker"', 'role = "socail_worker"', "role"),
        ('every = "20 working days"', 'every = "20 workdays"', "phases[0].every"),
        ('phases = [{ every = "20 working days" }]', "phases = []", "phases"),
        ('{ every = "20 working days" }', '{ every = "20 working days", from = "event:party" }', "phases[0].from"),
        ('{ every = "20 working days" }', '{ from = "start" }', "phases[0].every"),
        ('quote = "every 20 working days"\n', "", "source.quote"),
        ('role = "social_worker"\n', 'role = "social_worker"\nplacements = ["hotel"]\n', "placements"),
        ('role = "social_worker"\n', 'role = "social_worker"\nfirst_visit = "soon"\n', "first_visit"),
        ('role = "social_worker"\n', 'role = "social_worker"\nplacements = [["foster_care"]]\n', "placements"),
        ('role = "social_worker"\n', 'role = "social_worker"\nmin_age_at_start = "five"\n', "min_age_at_start"),
    ],
)
def test_a_malformed_rule_fails_naming_file_rule_and_field(tmp_path: Path, replace: str, by: str, field: str) -> None:
    assert replace in GOOD_RULE
    path = write_profile(tmp_path, profile_text(GOOD_RULE.replace(replace, by, 1)))
    with pytest.raises(ProfileError) as raised:
        load_profile_file(path)
    message = str(raised.value)
    assert message.startswith("demo.toml: ")
    assert "rule 'demo.cin'" in message
    assert f"field '{field}'" in message
    assert (raised.value.source, raised.value.rule, raised.value.field) == ("demo.toml", "demo.cin", field)


def test_two_rules_with_one_id_fail_naming_the_rule(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"demo\.toml: rule 'demo\.cin', field 'id': two rules share"):
        load_profile_file(write_profile(tmp_path, profile_text(GOOD_RULE + GOOD_RULE)))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ('id = "demo"\nname = "Demo"\nregion = "XYZ"\n', "region"),
        ('id = "demo"\nregion = "ENG"\n', "name"),
        ('id = "other"\nname = "Demo"\nregion = "ENG"\n', "id"),
    ],
)
def test_a_malformed_profile_header_fails_naming_file_and_field(tmp_path: Path, header: str, field: str) -> None:
    with pytest.raises(ProfileError, match=rf"^demo\.toml: field '{field}'"):
        load_profile_file(write_profile(tmp_path, profile_text(header=header)))


def test_a_profile_that_is_not_toml_fails_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"^demo\.toml: .*not valid TOML"):
        load_profile_file(write_profile(tmp_path, "id = \n[[rules]"))


def test_one_malformed_file_stops_the_whole_load(tmp_path: Path) -> None:
    write_profile(tmp_path, profile_text())
    write_profile(tmp_path, profile_text(GOOD_RULE.replace("20 working days", "twenty")), name="broken.toml")
    with pytest.raises(ProfileError, match=r"^broken\.toml: "):
        load_profiles(tmp_path)
