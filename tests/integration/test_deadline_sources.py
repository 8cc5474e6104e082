"""The local profiles' deadlines quote their seed documents exactly, on real seed lines."""

from __future__ import annotations

import pytest

from backend.core.profiles import Profile
from tests.integration.test_profile_sources import SEED_FILES, find_seeds, squeeze


@pytest.mark.parametrize("profile_id", sorted(SEED_FILES))
def test_every_local_deadline_quotes_its_seed_lines(profiles: dict[str, Profile], profile_id: str) -> None:
    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    text = (seeds / SEED_FILES[profile_id]).read_text(encoding="utf-8")
    seed_text, seed_lines = squeeze(text), text.splitlines()
    own = [rule for rule in profiles[profile_id].deadlines if not rule.id.startswith("england.")]
    assert own
    for rule in own:
        assert rule.decision, rule.id
        assert rule.source.lines, rule.id
        for fragment in rule.source.quote.split(" ... "):
            assert squeeze(fragment) in seed_text, f"{rule.id}: {fragment!r}"
        for line in rule.source.lines:
            assert line.startswith(profile_id[0].upper() + ":"), f"{rule.id}: {line}"
            first, _, last = line[2:].partition("-")
            assert 1 <= int(first) <= int(last or first) <= len(seed_lines), f"{rule.id}: {line}"
            assert seed_lines[int(first) - 1].strip(), f"{rule.id}: {line} is a blank line"


def test_the_statutory_deadlines_apply_in_every_local_profile(profiles: dict[str, Profile]) -> None:
    statutory = {rule.id for rule in profiles["england"].deadlines if rule.statutory}
    assert statutory
    for profile_id in SEED_FILES:
        assert statutory <= {rule.id for rule in profiles[profile_id].deadlines}
