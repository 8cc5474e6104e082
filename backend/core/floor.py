"""The statutory floor of a local profile: its base's statutory rules, less those it replaces.

A local rule may replace a statutory one (``replaces = ["england.care_leaver"]``) only with
a stricter one: covering every episode the statutory rule covers, for the same role and duty,
and never allowing a longer wait. The comparison is conservative (an interval's longest
possible length against the statutory one's shortest), so a replacement that could be looser
on any date is refused at load, naming both rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ProfileError
from .intervals import Interval

if TYPE_CHECKING:  # profiles.py calls this module while it builds a profile
    from .profiles import Profile, VisitRule


def statutory_floor(rules: tuple[VisitRule, ...], base: Profile, source: str) -> tuple[VisitRule, ...]:
    statutory = {rule.id: rule for rule in base.rules if rule.statutory}
    replaced: set[str] = set()
    for rule in rules:
        for target in rule.replaces:
            if target not in statutory:
                raise ProfileError(source, rule.id, "replaces", f"{target!r} is not a statutory rule of {base.id!r}")
            problem = looser_than(rule, statutory[target])
            if problem:
                raise ProfileError(
                    source,
                    rule.id,
                    "replaces",
                    f"{problem} than {target}: a local rule may only replace a statutory one with a stricter one",
                )
            replaced.add(target)
    return tuple(rule for rule in statutory.values() if rule.id not in replaced)


def looser_than(local: VisitRule, statute: VisitRule) -> str | None:
    """Why ``local`` could ask less than ``statute`` somewhere, or None when it never does."""
    if (local.plan_type, local.role, local.duty) != (statute.plan_type, statute.role, statute.duty):
        return "it is for another plan type, role or duty"
    if not _covers(local, statute):
        return "it covers fewer placements, ages or legal statuses"
    if statute.first_visit and not _within(local.first_visit, statute.first_visit):
        return "its first visit can be later"
    for trigger in statute.triggers:
        if not any(t.event_type == trigger.event_type and _within(t.within, trigger.within) for t in local.triggers):
            return f"it has no visit as soon after each {trigger.event_type}"
    if statute.phases and not local.phases:
        return "it has no cadence"
    if statute.phases and not _within(local.phases[0].every, statute.phases[0].every):
        return "its first cadence allows longer between visits"
    if statute.phases:
        local_longest = max((phase.every for phase in local.phases), key=_longest)
        statute_longest = max((phase.every for phase in statute.phases), key=_longest)
        if not _within(local_longest, statute_longest):
            return "its longest cadence allows longer between visits"
    return None


def _longest(interval: Interval) -> float:
    return interval.day_bounds()[1]


def _within(local: Interval | None, statute: Interval) -> bool:
    return local is not None and local.day_bounds()[1] <= statute.day_bounds()[0]


def _covers(local: VisitRule, statute: VisitRule) -> bool:
    if local.placements is not None and (statute.placements is None or not statute.placements <= local.placements):
        return False
    if statute.placements is not None:
        if local.excluded_placements & statute.placements:
            return False
    elif not local.excluded_placements <= statute.excluded_placements:
        return False
    if local.legal_statuses is not None and (
        statute.legal_statuses is None or not statute.legal_statuses <= local.legal_statuses
    ):
        return False
    low_ok = local.min_age_at_start is None or (statute.min_age_at_start or 0) >= local.min_age_at_start
    high_ok = local.max_age_at_start is None or (
        statute.max_age_at_start is not None and statute.max_age_at_start <= local.max_age_at_start
    )
    today_ok = (local.min_age is None or (statute.min_age or 0) >= local.min_age) and (
        local.max_age is None or (statute.max_age is not None and statute.max_age <= local.max_age)
    )
    return low_ok and high_ok and today_ok and local.covers_any_placement_kind
