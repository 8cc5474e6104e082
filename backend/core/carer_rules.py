"""A rule for visits to carers (foster carers and connected persons), read from a profile.

A carer rule is a ``VisitRule`` of the supervising social worker with the carer's supervision
as its episode: its first visit runs from the start of supervision, its cadence from the last
counting visit, and ``on_child_joining`` is a trigger on each child joining the household. So
carers are scheduled by the same machinery as children (``scheduling.earliest_due``: intervals,
phases, working days, explanations); only which visits count and which carers a rule covers
are the carers' own (``carers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .intervals import Interval
from .profile_fields import Reader
from .visit_rules import Anchor, Phase, Source, Trigger, VisitRule
from .vocabulary import CARER_DUTIES, CARER_TYPES

CARER_ROLE = "supervising_social_worker"
CHILD_JOINED = "child_joined"
# The plan type carer rules carry, so no child's episode ever matches one.
CARER_PLAN = "carer"
DUTY_OF = {"supervisory": "visit", "unannounced": "unannounced"}
# A typo in a carer rule stops the load rather than silently dropping a duty.
_FIELDS = frozenset(
    {
        "id",
        "label",
        "carer_types",
        "duty",
        "every",
        "first_visit",
        "on_child_joining",
        "after_child_joining",
        "statutory",
        "decision",
        "source",
    }
)


@dataclass(frozen=True)
class CarerRule:
    """One duty to visit carers of some types; ``rule`` holds its cadence for the scheduler."""

    rule: VisitRule
    # The carer types it covers; None for every type.
    carer_types: frozenset[str] | None
    statutory: bool = False
    # A further visit after each child joining (``after_child_joining``): its trigger is met only
    # by a visit after the one that met the joining, so the first visit never counts twice.
    follow_up: bool = False

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def duty(self) -> str:
        """'supervisory' (any visit at the home counts) or 'unannounced' (only an unannounced one)."""
        return "unannounced" if self.rule.duty == "unannounced" else "supervisory"

    def applies_to(self, carer_type: str) -> bool:
        return self.carer_types is None or carer_type in self.carer_types


def parse_carer_rule(reader: Reader, source: Source) -> CarerRule:
    """Check one ``[[carer_rules]]`` table; ``source`` is already read by the profile parser."""
    unknown = sorted(set(map(str, reader.data)) - _FIELDS)
    if unknown:
        raise reader.error(unknown[0], f"not a field of a carer rule ({', '.join(sorted(_FIELDS))})")
    duty = reader.choice("duty", CARER_DUTIES) if "duty" in reader.data else "supervisory"
    every = reader.optional_interval("every")
    first_visit = reader.optional_interval("first_visit")
    on_joining: Interval | None = reader.optional_interval("on_child_joining")
    after_joining: Interval | None = reader.optional_interval("after_child_joining")
    if after_joining is not None and (every or first_visit or on_joining):
        raise reader.error("after_child_joining", "a follow-up visit is a carer rule of its own")
    on_joining = on_joining or after_joining
    if every is None and first_visit is None and on_joining is None:
        raise reader.error(
            "every", "a carer rule needs 'every', 'first_visit', 'on_child_joining' or 'after_child_joining'"
        )
    types = reader.optional_choices("carer_types", CARER_TYPES)
    rule = VisitRule(
        id=reader.text("id"),
        plan_type=CARER_PLAN,
        role=CARER_ROLE,
        label=reader.text("label"),
        phases=(Phase(every, (Anchor("start"),)),) if every is not None else (),
        source=source,
        first_visit=first_visit,
        triggers=(Trigger(CHILD_JOINED, on_joining),) if on_joining is not None else (),
        decision=reader.text("decision", default=None),
        statutory=reader.flag("statutory"),
        duty=DUTY_OF[duty],
    )
    return CarerRule(rule, frozenset(types) if types is not None else None, rule.statutory, after_joining is not None)
