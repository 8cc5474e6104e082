"""Children no rule schedules: never silently dropped.

A profile covers every plan type or says why not (``profiles.check_coverage``), but an
episode can still fall between its rules: a short-breaks episode with no placement
recorded, an age band a local profile left out. Such a child gets no due date, so the
``due`` command, caseloads and the team overview list it as unscheduled, with the
reason, for a person to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .cases import Case, Episode, age_on
from .profiles import Profile
from .vocabulary import PLACEMENTS, PLAN_TYPES

CHECK_THIS_CHILD = "no visiting rule: check this child"


@dataclass(frozen=True)
class Unscheduled:
    plan_type: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"plan_type": self.plan_type, "reason": self.reason}


def unscheduled_episodes(case: Case, today: date, profile: Profile) -> tuple[Unscheduled, ...]:
    """One entry per distinct (plan type, reason) among ``case``'s active episodes no rule covers."""
    found: dict[tuple[str, str], Unscheduled] = {}
    always_covered = profile.always_covered
    for episode in case.episodes:
        # Most episodes are of a plan type some rule always covers: one set lookup each.
        if episode.type in always_covered:
            continue
        if episode.is_active(today) and not _covered(episode, case, today, profile):
            entry = Unscheduled(episode.type, _reason(episode, profile))
            found.setdefault((entry.plan_type, entry.reason), entry)
    return tuple(found.values())


def _covered(episode: Episode, case: Case, today: date, profile: Profile) -> bool:
    # Most kinds of episode are covered, or not, whatever the age: known once per profile.
    known = profile.covered_at_any_age(episode.type, episode.placement, episode.legal_status)
    if known is not None:
        return known
    age = age_on(case.date_of_birth, episode.start)
    age_today = age_on(case.date_of_birth, today)
    return any(
        rule.applies_to(episode.placement, age, episode.legal_status, age_today)
        for rule in profile.rules_of_type(episode.type)
        if rule.covers_any_placement_kind
    )


def _reason(episode: Episode, profile: Profile) -> str:
    stated = profile.why_not_covered(episode.type)
    if stated is not None:
        return f"{CHECK_THIS_CHILD}. {stated}"
    plan = PLAN_TYPES[episode.type].lower()
    placement = f"placement '{PLACEMENTS[episode.placement].lower()}'" if episode.placement else "no placement recorded"
    return (
        f"{CHECK_THIS_CHILD}. No rule of the {profile.id} profile covers a {plan} episode with {placement} "
        "and this legal status at this child's age: record the placement, or ask for the profile to cover it."
    )
