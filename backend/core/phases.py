"""When each phase of a rule is in force for one episode: anchors resolved to dates.

Events are looked for from the episode's start, except the events of a period of care
(``PERIOD_EVENTS``: the first cared-for review, permanence): a period of care is one or
more consecutive cared-for episodes with no gap between them, and a first review held
during an earlier placement of the same period still counts after a move.
"""

from __future__ import annotations

from datetime import date

from .calendars import WorkingCalendar
from .cases import Case, Episode, Event
from .profiles import Anchor, Phase, VisitRule
from .vocabulary import PERIOD_EVENTS


def phases_in_force(
    rule: VisitRule, episode: Episode, case: Case, today: date, calendar: WorkingCalendar
) -> list[tuple[date, Phase]]:
    """The rule's phases whose start is known by ``today``, with their start dates, in order.

    A phase never starts before the episode does; of phases starting the same day the
    later-listed one wins, because the earlier one would be in force for no time at all.
    A phase with ``until`` ends on that date, and the phase in force before it resumes.
    """
    if rule.fixed_phases is not None:
        # Most rules' phases start a fixed time after the episode's start: ordered at load.
        start = episode.start
        return [(start + shift, phase) for shift, phase in rule.fixed_phases]
    if not rule.phases_end:
        return _stacked(_starts(rule, episode, case, today, calendar))
    resolved: list[tuple[date, int, Phase, date | None]] = []
    ended = False
    for phase_start, position, phase, _ in _starts(rule, episode, case, today, calendar):
        phase_end = _earliest_end(phase, episode, case, today, calendar) if phase.until else None
        if phase_end is None or phase_end > phase_start:
            resolved.append((phase_start, position, phase, phase_end))
            ended = ended or phase_end is not None
    # Usually the end has not happened (a reduced frequency whose basis is still there): then the
    # segments are the stacked phases, found without looking at every boundary.
    return _segments(resolved) if ended else _stacked(resolved)


def _starts(
    rule: VisitRule, episode: Episode, case: Case, today: date, calendar: WorkingCalendar
) -> list[tuple[date, int, Phase, date | None]]:
    """The phases whose start is known by ``today``, by start date then position."""
    resolved: list[tuple[date, int, Phase, date | None]] = []
    start = episode.start
    for position, phase in enumerate(rule.phases):
        if phase.start_shift is not None:
            # Most phases start a fixed time after the episode's start: nothing to resolve.
            resolved.append((start + phase.start_shift, position, phase, None))
            continue
        # Events count only once they have happened; birthdays and anniversaries are known ahead.
        phase_start = _resolve_anchors(phase.starts, episode, case, today, calendar)
        if phase_start is not None:
            resolved.append((max(phase_start, start), position, phase, None))
    # By start date then position; positions are unique, so the phases themselves are never compared.
    resolved.sort()
    return resolved


def _stacked(resolved: list[tuple[date, int, Phase, date | None]]) -> list[tuple[date, Phase]]:
    """Phases that never end: each is in force from its start until a later one starts."""
    in_force: list[tuple[date, Phase]] = []
    for phase_start, _, phase, _ in resolved:
        if in_force and in_force[-1][0] == phase_start:
            in_force.pop()
        in_force.append((phase_start, phase))
    return in_force


def _segments(resolved: list[tuple[date, int, Phase, date | None]]) -> list[tuple[date, Phase]]:
    """At each start or end, the in-force phase is the latest-started one that has not ended."""
    boundaries = sorted({item[0] for item in resolved} | {item[3] for item in resolved if item[3] is not None})
    in_force: list[tuple[date, Phase]] = []
    for day in boundaries:
        running = [item for item in resolved if item[0] <= day and (item[3] is None or day < item[3])]
        if not running:
            continue
        phase = max(running, key=lambda item: (item[0], item[1]))[2]
        if not in_force or in_force[-1][1] is not phase:
            in_force.append((day, phase))
    return in_force


def _earliest_end(phase: Phase, episode: Episode, case: Case, today: date, calendar: WorkingCalendar) -> date | None:
    ends = [_resolve_anchors((anchor,), episode, case, today, calendar) for anchor in phase.until]
    return min((end for end in ends if end is not None), default=None)


def _resolve_anchors(
    anchors: tuple[Anchor, ...], episode: Episode, case: Case, today: date, calendar: WorkingCalendar
) -> date | None:
    """The later of the anchors' dates, or None while any of them has not happened."""
    latest: date | None = None
    for anchor in anchors:
        if anchor.kind == "start":
            day: date | None = episode.start
        elif anchor.kind == "event":
            day = _first_event_date(case, anchor.event_type, episode, today)
        else:
            day = birthday(case.date_of_birth, anchor.years or 0) if case.date_of_birth else None
        if day is None:
            return None
        if anchor.offset is not None:
            day = anchor.offset.elapsed_on(day, calendar)
        latest = day if latest is None or day > latest else latest
    return latest


def _first_event_date(case: Case, event_type: str | None, episode: Episode, today: date) -> date | None:
    # One plain loop (this runs for every event anchor of every case): the period of care is
    # worked out only once an event of the type has happened.
    first: date | None = None
    start: date | None = None
    for event in case.events:
        day = event.date
        if event.type == event_type and day <= today:
            if start is None:
                start = period_start(case, episode) if event_type in PERIOD_EVENTS else episode.start
            if day >= start and (first is None or day < first):
                first = day
    return first


def events_of(case: Case, event_type: str | None, episode: Episode, today: date) -> list[Event]:
    """Events of one type that belong to ``episode`` and happened by ``today``, in file order:
    on or after its start, or for an event of the period of care, the period's start."""
    start = period_start(case, episode) if event_type in PERIOD_EVENTS else episode.start
    return [event for event in case.events if event.type == event_type and start <= event.date <= today]


def period_start(case: Case, episode: Episode) -> date:
    """The start of the unbroken run of same-type episodes that ``episode`` ends (a move
    between placements is no gap: the old one ends the day the new one starts)."""
    start = episode.start
    if len(case.episodes) == 1:
        return start
    moved = True
    while moved:
        moved = False
        for other in case.episodes:
            if other.type == episode.type and other.start < start and other.end is not None and other.end >= start:
                start, moved = other.start, True
    return start


def birthday(date_of_birth: date, years: int) -> date:
    """The day a child turns ``years``; for a 29 February birth in a common year, 1 March,
    as in English law and as ``age_on`` counts it."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date(date_of_birth.year + years, 3, 1)
