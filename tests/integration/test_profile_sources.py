"""The local profiles quote their seed documents exactly, and docs/rules.md matches the rule files."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from backend.core.profiles import Profile
from backend.persistence.rules_files import RULES_DIR

ROOT = RULES_DIR.parent
SEED_FILES = {"sefton": "000_5c4b2fad3bbe01b4.txt", "haringey": "004_8fc4015e78ede66a.txt"}


def find_seeds() -> Path | None:
    """The seeds live in ../shared/seeds beside the checkout (or beside its worktree folder)."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def squeeze(text: str) -> str:
    # The seeds are flattened Word tables: tabs and line breaks fall inside sentences.
    return " ".join(text.split())


def load_rules_doc_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rules_doc", ROOT / "scripts" / "rules_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("profile_id", sorted(SEED_FILES))
def test_every_quote_is_the_seed_documents_own_words(profiles: dict[str, Profile], profile_id: str) -> None:
    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    seed_text = squeeze((seeds / SEED_FILES[profile_id]).read_text(encoding="utf-8"))
    carer_rules = [carer.rule for carer in profiles[profile_id].carer_rules if carer.rule.source.lines]
    for rule in (*profiles[profile_id].rules, *carer_rules):
        for fragment in rule.source.quote.split(" ... "):
            assert squeeze(fragment) in seed_text, f"{rule.id}: {fragment!r}"


@pytest.mark.parametrize("profile_id", sorted(SEED_FILES))
def test_every_local_rule_and_unencoded_duty_names_real_seed_lines(
    profiles: dict[str, Profile], profile_id: str
) -> None:
    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    seed_lines = (seeds / SEED_FILES[profile_id]).read_text(encoding="utf-8").splitlines()
    prefix = profile_id[0].upper() + ":"
    profile = profiles[profile_id]
    own_carer_rules = [carer.rule for carer in profile.carer_rules if not carer.statutory]
    cited = [(rule.id, rule.source.lines) for rule in (*profile.rules, *own_carer_rules)] + [
        (entry.duty, entry.lines) for entry in profile.not_encoded
    ]
    for what, lines in cited:
        assert lines, f"{what}: no seed lines"
        for line in lines:
            assert line.startswith(prefix), f"{what}: {line}"
            first, _, last = line[2:].partition("-")
            for number in range(int(first), int(last or first) + 1):
                assert 1 <= number <= len(seed_lines), f"{what}: {line}"
            assert seed_lines[int(first) - 1].strip(), f"{what}: {line} is a blank line"


@pytest.mark.parametrize("profile_id", sorted(SEED_FILES))
def test_every_local_rule_records_its_decision(profiles: dict[str, Profile], profile_id: str) -> None:
    for rule in (*profiles[profile_id].rules, *(carer.rule for carer in profiles[profile_id].carer_rules)):
        assert rule.decision, rule.id


def test_docs_rules_md_tables_match_the_rule_files(profiles: dict[str, Profile]) -> None:
    script = load_rules_doc_script()
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert script.updated_document(current, script.render_tables(profiles)) == current, (
        "docs/rules.md is out of date: run scripts/rules_doc.py"
    )
    for profile in profiles.values():
        for rule in (*profile.rules, *(carer.rule for carer in profile.carer_rules)):
            assert f"`{rule.id}`" in current


@pytest.mark.parametrize("profile_id", sorted(SEED_FILES))
def test_every_local_practice_check_quotes_its_seed_lines(profiles: dict[str, Profile], profile_id: str) -> None:
    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    seed_lines = (seeds / SEED_FILES[profile_id]).read_text(encoding="utf-8").splitlines()
    prefix = profile_id[0].upper() + ":"
    local = [check for check in profiles[profile_id].practice_checks if check.id.startswith(profile_id + ".")]
    assert local, "each local profile reads the practice conditions of its own document"
    for check in local:
        assert check.source.lines and check.decision, check.id
        for line in check.source.lines:
            assert line.startswith(prefix), f"{check.id}: {line}"
            first, _, last = line[2:].partition("-")
            cited = squeeze(" ".join(seed_lines[int(first) - 1 : int(last or first)]))
            assert squeeze(check.source.quote) in cited, f"{check.id}: {check.source.quote!r} not on {line}"


def test_practice_checks_outside_the_seeds_name_their_procedure_and_record_a_decision(
    profiles: dict[str, Profile],
) -> None:
    for check in profiles["england"].practice_checks:
        assert check.source.document and check.source.section and check.source.quote and check.decision, check.id
