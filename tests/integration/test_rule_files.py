"""Every profile in rules/ loads; a malformed one fails naming the file, the rule and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.core.errors import ProfileError
from backend.core.vocabulary import PLAN_TYPES
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


# A demo profile covers one plan type and says why not for the others (check_coverage).
NOT_COVERED = "\n[not_covered]\n" + "".join(
    f'{plan_type} = "Not part of the demo."\n' for plan_type in PLAN_TYPES if plan_type != "child_in_need"
)


def profile_text(rules: str = GOOD_RULE, header: str = 'id = "demo"\nname = "Demo"\nregion = "ENG"\n') -> str:
    return header + rules + NOT_COVERED


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


def test_a_plan_type_with_no_rule_and_no_reason_fails_naming_it(tmp_path: Path) -> None:
    text = profile_text().replace('child_protection = "Not part of the demo."\n', "")
    with pytest.raises(ProfileError, match=r"^demo\.toml: field 'not_covered\.child_protection': no rule covers"):
        load_profile_file(write_profile(tmp_path, text))


def test_a_reason_for_a_plan_type_that_has_rules_fails(tmp_path: Path) -> None:
    text = profile_text() + 'child_in_need = "Not part of the demo."\n'
    with pytest.raises(ProfileError, match=r"field 'not_covered\.child_in_need': this plan type has rules"):
        load_profile_file(write_profile(tmp_path, text))


def test_a_local_profile_takes_the_statutory_floor_from_its_base(tmp_path: Path) -> None:
    base = GOOD_RULE.replace('id = "demo.cin"', 'id = "base.cin"\nstatutory = true')
    write_profile(tmp_path, profile_text(base, header='id = "base"\nname = "Base"\nregion = "ENG"\n'), "base.toml")
    local = GOOD_RULE.replace("20 working days", "10 working days")
    write_profile(tmp_path, profile_text(local, header='id = "demo"\nname = "Demo"\nregion = "ENG"\nbase = "base"\n'))
    profiles = load_profiles(tmp_path)
    assert [rule.id for rule in profiles["demo"].rules_for("child_in_need")] == ["demo.cin", "base.cin"]


def test_an_unknown_base_fails_naming_the_field(tmp_path: Path) -> None:
    header = 'id = "demo"\nname = "Demo"\nregion = "ENG"\nbase = "nowhere"\n'
    with pytest.raises(ProfileError, match=r"^demo\.toml: field 'base': 'nowhere' is not a profile"):
        load_profile_file(write_profile(tmp_path, profile_text(header=header)))


@pytest.mark.parametrize("name", ["haringey", "sefton"])
def test_local_profiles_apply_every_statutory_rule_of_england(name: str) -> None:
    profiles = load_profiles()
    statutory = {rule.id for rule in profiles["england"].rules if rule.statutory}
    assert statutory <= {rule.id for rule in profiles[name].floor}


def write_base_and_local(tmp_path: Path, local_rule: str) -> None:
    base = GOOD_RULE.replace('id = "demo.cin"', 'id = "base.cin"\nstatutory = true\nfirst_visit = "7 days"')
    write_profile(tmp_path, profile_text(base, header='id = "base"\nname = "Base"\nregion = "ENG"\n'), "base.toml")
    header = 'id = "demo"\nname = "Demo"\nregion = "ENG"\nbase = "base"\n'
    write_profile(tmp_path, profile_text(local_rule, header=header))


def test_a_stricter_local_rule_replaces_the_statutory_one(tmp_path: Path) -> None:
    stricter = GOOD_RULE.replace(
        'phases = [{ every = "20 working days" }]',
        'replaces = ["base.cin"]\nfirst_visit = "5 days"\nphases = [{ every = "2 weeks" }]',
    )
    write_base_and_local(tmp_path, stricter)
    assert [rule.id for rule in load_profiles(tmp_path)["demo"].rules_for("child_in_need")] == ["demo.cin"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ('first_visit = "10 days"\nphases = [{ every = "2 weeks" }]', "its first visit can be later"),
        ('first_visit = "5 days"\nphases = [{ every = "1 month" }]', "allows longer between visits"),
        ('phases = [{ every = "2 weeks" }]', "its first visit can be later"),
    ],
)
def test_a_looser_local_replacement_of_a_statutory_rule_is_refused_at_load(
    tmp_path: Path, change: str, why: str
) -> None:
    looser = GOOD_RULE.replace('phases = [{ every = "20 working days" }]', 'replaces = ["base.cin"]\n' + change)
    write_base_and_local(tmp_path, looser)
    with pytest.raises(
        ProfileError, match=rf"rule 'demo\.cin', field 'replaces': .*{why}.* than base\.cin: a local rule"
    ):
        load_profiles(tmp_path)
