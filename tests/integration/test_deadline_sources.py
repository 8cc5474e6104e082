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


# The England deadlines' quotes checked word for word against the published text (the URL),
# with the paragraph each comes from. A quote edited away from the source fails here.
VERIFIED_ENGLAND_QUOTES = {
    "england.deadline.cared_for_review": (
        "https://www.legislation.gov.uk/uksi/2010/959/part/6/made",
        "Regulation 33(1) and (2): timing of reviews",
        "The responsible authority must first review C's case within 20 working days of the date on which"
        " C becomes looked after. ... The second review must be carried out not more than three months"
        " after the first, and subsequent reviews must be carried out at intervals of not more than six months.",
    ),
    "england.deadline.needs_assessment": (
        "https://www.legislation.gov.uk/uksi/2010/959/part/7/crossheading/eligible-children",
        "Regulation 42(1): assessment of needs",
        "The responsible authority must complete the assessment of C's needs in accordance with paragraph"
        " 19B(4) of Schedule 2 to the 1989 Act not more than three months after the date on which C reaches"
        " the age of 16 or becomes an eligible child after that age.",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(VERIFIED_ENGLAND_QUOTES))
def test_england_deadline_quotes_are_the_verified_words(profiles: dict[str, Profile], rule_id: str) -> None:
    _url, section, quote = VERIFIED_ENGLAND_QUOTES[rule_id]
    rule = next(rule for rule in profiles["england"].deadlines if rule.id == rule_id)
    assert (rule.source.section, rule.source.quote) == (section, quote)
