"""Per-child overrides: a plan, strategy meeting, risk assessment or manager sets a more
frequent cadence for one child (Sefton S:337, S:782, S:858, S:1200, S:1204), with the reason.

An override is one more candidate due date for its role's visits while it lasts. The earliest
candidate wins, so it can only ever bring a visit forward, never put one off.
"""

from __future__ import annotations

from datetime import date

from .calendars import WorkingCalendar
from .cases import Case, Override
from .explanations import Basis
from .profiles import Anchor, Phase, Source, VisitRule

OVERRIDE_RULE_ID = "override"


def override_bases(
    case: Case, today: date, latest: dict[tuple[str, str], date], calendar: WorkingCalendar
) -> list[Basis]:
    """A candidate for each override in force on ``today``, while the child has an active plan."""
    if not case.overrides:
        return []
    episode = next((episode for episode in case.episodes if episode.is_active(today)), None)
    if episode is None:
        return []
    bases = []
    for override in case.overrides:
        if override.is_active(today):
            last = latest.get((override.role, "visit"))
            since = last if last is not None and last >= override.start else override.start
            due = max(override.start, override.every.after(since, calendar))
            rule = _rule_for(override, episode.type)
            bases.append(Basis(rule, episode, "override", due, since, override.every, from_visit=since == last))
    return bases


def _rule_for(override: Override, plan_type: str) -> VisitRule:
    return VisitRule(
        id=OVERRIDE_RULE_ID,
        plan_type=plan_type,
        role=override.role,
        label="Agreed more frequent visits",
        phases=(Phase(override.every, (Anchor("start"),)),),
        source=Source("the child's record", f"override from {override.start.isoformat()}: {override.reason}", ""),
    )
