"""One visiting rule as frozen data: when it applies, its cadence, and its source.

``profiles.py`` reads rules from a profile mapping; ``scheduling.py`` evaluates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from .intervals import Interval
from .vocabulary import EVENT_TYPES


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    quote: str
    # The seed lines the rule encodes ("S:1173", "H:357-358"), for the coverage table.
    lines: tuple[str, ...] = ()

    def cite(self) -> str:
        return f"{self.document}, {self.section}"

    # Built once: the closing sentence of every explanation of the rule.
    @cached_property
    def closing(self) -> str:
        return f" Source: {self.cite()}."


LINE = re.compile(r"^[SH]:\d+(-\d+)?$")


@dataclass(frozen=True)
class NotEncoded:
    """A duty of the profile's document that no rule encodes, and why."""

    lines: tuple[str, ...]
    duty: str
    reason: str


@dataclass(frozen=True)
class Anchor:
    """A date a phase starts from: the episode start, an event, or a birthday, plus an offset."""

    kind: str
    event_type: str | None = None
    years: int | None = None
    offset: Interval | None = None

    def describe(self) -> str:
        if self.kind == "start":
            base = "the start"
        elif self.kind == "event":
            base = f"the {EVENT_TYPES[self.event_type or '']}"
        else:
            base = f"the {self.years}th birthday"
        return f"{self.offset.describe()} after {base}" if self.offset else base


@dataclass(frozen=True)
class Phase:
    every: Interval
    starts: tuple[Anchor, ...]
    # The phase ends when this anchor resolves (the earliest of several), and the phase in force
    # before it resumes: "weekly until the review conference", a reduced frequency whose basis went.
    until: tuple[Anchor, ...] = ()
    # How long after the episode's start the phase starts, when that is all its start depends
    # on and is the same length from any date ("from the start", "7 days after the start"): the
    # scheduler then needs no anchor resolved. None otherwise.
    start_shift: timedelta | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shift = None
        if len(self.starts) == 1 and self.starts[0].kind == "start":
            offset = self.starts[0].offset
            length = None if offset is None else offset.fixed_length
            # Whole days, as a date plus a timedelta counts them ("48 hours" is 2 days).
            shift = timedelta(0) if offset is None else None if length is None else timedelta(days=length.days)
        object.__setattr__(self, "start_shift", shift)

    def describe_start(self) -> str:
        return " and ".join(anchor.describe() for anchor in self.starts)


@dataclass(frozen=True)
class Trigger:
    """A visit is due within ``within`` of each ``event`` (a move, entering custody)."""

    event_type: str
    within: Interval


@dataclass(frozen=True)
class VisitRule:
    id: str
    plan_type: str
    role: str
    label: str
    phases: tuple[Phase, ...]
    source: Source
    placements: frozenset[str] | None = None
    excluded_placements: frozenset[str] = frozenset()
    min_age_at_start: int | None = None
    max_age_at_start: int | None = None
    first_visit: Interval | None = None
    triggers: tuple[Trigger, ...] = ()
    decision: str | None = None
    # A statutory duty of the base profile: it applies in every profile built on the base.
    statutory: bool = False
    # What meets it: "visit" (seen in person), "contact" (any contact), "attempt" (an attempt to visit).
    duty: str = "visit"
    legal_statuses: frozenset[str] | None = None
    # Only the first episode of a period of care ("within 48 hours of the child becoming cared for").
    first_placement_only: bool = False
    # Only a placement naming no carer household: where the carers are recorded, their own carer
    # rules hold the same duty once per household (core/carers.py), not once per child placed.
    without_carer_household: bool = False
    # Statutory rules of the base this stricter local rule stands in for (checked by core/floor.py).
    replaces: tuple[str, ...] = ()
    # Whole years on the evaluation day: the rule switches on the birthday during an episode.
    min_age: int | None = None
    max_age: int | None = None

    # The trigger events of a rule that has nothing else (no cadence, no first visit), else empty:
    # such a rule is skipped at once for a case with none of them.
    only_on_events: frozenset[str] = field(init=False, repr=False, compare=False)
    # Built once for the scheduler's hot loop: what the rule's obligation is keyed by, and
    # whether any age band applies (most rules have none, and then no age is computed).
    key: tuple[str, str] = field(init=False, repr=False, compare=False)
    age_limited: bool = field(init=False, repr=False, compare=False)
    # Whether some phase ends (``until``): only then are phases resolved as segments.
    phases_end: bool = field(init=False, repr=False, compare=False)
    # When every phase starts a fixed time after the episode's start and none ends, the phases in
    # force are known at load, as (time after the start, phase) in order; None otherwise.
    fixed_phases: tuple[tuple[timedelta, Phase], ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        events = frozenset(trigger.event_type for trigger in self.triggers)
        object.__setattr__(self, "only_on_events", frozenset() if self.phases or self.first_visit else events)
        object.__setattr__(self, "key", (self.role, self.duty))
        bands = (self.min_age_at_start, self.max_age_at_start, self.min_age, self.max_age)
        object.__setattr__(self, "age_limited", any(band is not None for band in bands))
        object.__setattr__(self, "phases_end", any(phase.until for phase in self.phases))
        object.__setattr__(self, "fixed_phases", _fixed_phases(self.phases))

    def applies_to(
        self,
        placement: str | None,
        age_at_start: int | None,
        legal_status: str | None = None,
        age_today: int | None = None,
    ) -> bool:
        """Whether this rule covers an episode; an unknown age matches (the protective choice)."""
        if self.placements is not None and placement not in self.placements:
            return False
        if placement in self.excluded_placements:
            return False
        if self.legal_statuses is not None and legal_status not in self.legal_statuses:
            return False
        return self.fits_age(age_at_start, age_today)

    @property
    def covers_any_placement_kind(self) -> bool:
        """Whether the rule can count as covering an episode: one held back for the first placement
        of a period of care, or for placements naming no carer household, could leave it uncovered."""
        return not self.first_placement_only and not self.without_carer_household

    def fits_age(self, age_at_start: int | None, age_today: int | None) -> bool:
        return _in_band(age_at_start, self.min_age_at_start, self.max_age_at_start) and _in_band(
            age_today, self.min_age, self.max_age
        )


def _fixed_phases(phases: tuple[Phase, ...]) -> tuple[tuple[timedelta, Phase], ...] | None:
    """``phases.phases_in_force`` worked out once, for phases that all start a fixed time after
    the episode's start and never end: by start then position, the later-listed of phases
    starting together winning, as there."""
    if len(phases) == 1 and not phases[0].until:
        return ((timedelta(0), phases[0]),)  # a lone phase is in force from the start, whatever its anchor
    if not phases or any(phase.until or phase.start_shift is None for phase in phases):
        return None
    starts = sorted((phase.start_shift, position, phase) for position, phase in enumerate(phases))
    in_force: list[tuple[timedelta, Phase]] = []
    for shift, _, phase in starts:
        assert shift is not None  # checked above
        if in_force and in_force[-1][0] == shift:
            in_force.pop()
        in_force.append((shift, phase))
    return tuple(in_force)


def _in_band(age: int | None, low: int | None, high: int | None) -> bool:
    if age is None:
        return True
    return (low is None or age >= low) and (high is None or age <= high)
