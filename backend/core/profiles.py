"""Rules profiles: one authority's visiting standards as frozen data, each rule with its source.

A profile arrives as an already-loaded mapping (adapters read the TOML file) and is
checked completely here, so that a typo fails at start-up with the file, the rule
and the field named, never as a child with no visiting schedule.

A rule's cadence is a list of phases. Each phase allows a longest gap between visits
(``every``) from the date its anchor resolves to (``from``): ``start``, ``event:TYPE``
(the first such event on or after the episode's start), ``birthday:N`` (the day the
child turns N), each optionally ``+ <interval>``. A list of anchors means the later of
them. A phase whose anchor has not happened yet is not in force.

Statute is the floor: a local profile names ``base = "england"`` and every rule of the
base marked ``statutory = true`` applies in it as well, after the local rules. The
earliest due date wins, so a local rule can only add visits to the statutory ones; a
looser local standard never loosens the law.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from .carer_rules import CarerRule, parse_carer_rule
from .deadline_rules import DeadlineRule, SchoolTerm, parse_deadlines, parse_school_terms
from .errors import ProfileError
from .floor import statutory_floor
from .practice_checks import PracticeCheck, parse_practice_checks
from .profile_fields import Reader
from .visit_rules import LINE, Anchor, NotEncoded, Phase, Source, Trigger, VisitRule
from .vocabulary import DUTIES, EVENT_TYPES, LEGAL_STATUSES, PLACEMENTS, PLAN_TYPES, VISIT_ROLES

# Re-exported: callers import the rule classes from here, beside the profile that holds them.
__all__ = ["Anchor", "NotEncoded", "Phase", "Profile", "Source", "Trigger", "VisitRule", "parse_profile"]

ANCHOR_KINDS = ("start", "event", "birthday")
ANY_PLAN = "any"


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    region: str
    closures: tuple[tuple[date, str], ...]
    rules: tuple[VisitRule, ...]
    # The base profile's statutory rules, applied after this profile's own (see the module docstring).
    floor: tuple[VisitRule, ...] = ()
    base: str | None = None
    # Plan types this profile has no rule for, each with the reason (checked by check_coverage).
    not_covered: tuple[tuple[str, str], ...] = ()
    not_encoded: tuple[NotEncoded, ...] = ()
    # Conditions of recent visits shown beside due dates (core/practice_checks.py); never a due date.
    practice_checks: tuple[PracticeCheck, ...] = ()
    # Deadlines that are not visits (core/deadlines.py): this profile's, then its base's statutory ones.
    deadlines: tuple[DeadlineRule, ...] = ()
    school_terms: tuple[SchoolTerm, ...] = ()
    # Visits to carers (core/carers.py): this profile's own, then the base's statutory ones.
    carer_rules: tuple[CarerRule, ...] = ()
    _by_plan_type: Mapping[str, tuple[VisitRule, ...]] = field(init=False, repr=False, compare=False)
    _own: Mapping[str, tuple[VisitRule, ...]] = field(init=False, repr=False, compare=False)
    always_covered: frozenset[str] = field(init=False, repr=False, compare=False)
    _candidates: dict[tuple[str, str | None, str | None], tuple[VisitRule, ...]] = field(
        init=False, repr=False, compare=False
    )
    _episode_rules: dict[tuple[str, str | None, str | None], EpisodeRules] = field(
        init=False, repr=False, compare=False
    )
    _covered: dict[tuple[str, str | None, str | None], bool | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexed once: the scheduler looks rules up for every episode of every case.
        grouped: dict[str, list[VisitRule]] = {}
        for rule in self.rules + self.floor:
            grouped.setdefault(rule.plan_type, []).append(rule)
        # Rules for "any" plan (an introductory contact after an allocation, a return interview after
        # a missing episode) are event-driven extras: they apply to every plan, but cover none.
        extras = tuple(grouped.pop(ANY_PLAN, ()))
        own = {plan_type: tuple(rules) for plan_type, rules in grouped.items()}
        index = {plan_type: own.get(plan_type, ()) + extras for plan_type in PLAN_TYPES}
        object.__setattr__(self, "_by_plan_type", MappingProxyType(index))
        object.__setattr__(self, "_own", MappingProxyType(own))
        # Plan types some rule covers whatever the placement, age or legal status: no episode
        # of these can be unscheduled, so the check for gaps skips them.
        unconditional = {plan_type for plan_type, rules in own.items() if any(_unconditional(rule) for rule in rules)}
        object.__setattr__(self, "always_covered", frozenset(unconditional))
        object.__setattr__(self, "_candidates", {})
        object.__setattr__(self, "_episode_rules", {})
        object.__setattr__(self, "_covered", {})

    def rules_for(self, plan_type: str) -> tuple[VisitRule, ...]:
        return self._by_plan_type.get(plan_type, ())

    def candidates(self, plan_type: str, placement: str | None, legal_status: str | None) -> tuple[VisitRule, ...]:
        """The rules for an episode of this type, placement and legal status, before ages are checked.

        Memoised: a caseload has a handful of such combinations, and every case asks again.
        """
        key = (plan_type, placement, legal_status)
        found = self._candidates.get(key)
        if found is None:
            found = tuple(rule for rule in self.rules_for(plan_type) if rule.applies_to(placement, None, legal_status))
            self._candidates[key] = found
        return found

    def episode_rules(self, plan_type: str, placement: str | None, legal_status: str | None) -> EpisodeRules:
        """``candidates`` sorted for the scheduler's hot loop (memoised the same way)."""
        key = (plan_type, placement, legal_status)
        found = self._episode_rules.get(key)
        if found is None:
            found = EpisodeRules.of(self.candidates(plan_type, placement, legal_status))
            self._episode_rules[key] = found
        return found

    def covered_at_any_age(self, plan_type: str, placement: str | None, legal_status: str | None) -> bool | None:
        """Whether a rule written for the plan type covers such an episode whatever the child's age
        (True), at no age (False), or None when that depends on the age. Memoised, as ``candidates``."""
        key = (plan_type, placement, legal_status)
        if key not in self._covered:
            rules = [
                rule
                for rule in self.rules_of_type(plan_type)
                if rule.covers_any_placement_kind and rule.applies_to(placement, None, legal_status)
            ]
            self._covered[key] = None if rules and all(rule.age_limited for rule in rules) else bool(rules)
        return self._covered[key]

    def rules_of_type(self, plan_type: str) -> tuple[VisitRule, ...]:
        """The rules written for this plan type (not those for any plan): what covers it."""
        return self._own.get(plan_type, ())

    def rule(self, rule_id: str) -> VisitRule:
        return next(rule for rule in self.rules + self.floor if rule.id == rule_id)

    def why_not_covered(self, plan_type: str) -> str | None:
        return dict(self.not_covered).get(plan_type)


@dataclass(frozen=True)
class EpisodeRules:
    """The candidate rules of one kind of episode, split for the scheduler: most cases have none
    of the events that drive the event-only rules (a return from missing, an allocation), so one
    set test leaves all of those out, and the age is only worked out when some rule has a band."""

    every: tuple[VisitRule, ...]
    # ``every`` less the rules driven only by events, in the same order.
    standing: tuple[VisitRule, ...]
    # Every event type that drives one of the event-only rules.
    on_events: frozenset[str]
    age_limited: bool

    @classmethod
    def of(cls, rules: tuple[VisitRule, ...]) -> EpisodeRules:
        return cls(
            every=rules,
            standing=tuple(rule for rule in rules if not rule.only_on_events),
            on_events=frozenset().union(*(rule.only_on_events for rule in rules)),
            age_limited=any(rule.age_limited for rule in rules),
        )


def parse_profile(data: Mapping[str, Any], source: str, bases: Mapping[str, Profile] | None = None) -> Profile:
    """Check and freeze a profile mapping; ``source`` names the file in error messages.

    ``bases`` holds the profiles a ``base = "..."`` may name (already parsed).
    """
    reader = Reader(source, None, data)
    profile_id = reader.text("id")
    region = reader.choice("region", ("ENG", "WLS", "SCT", "NIR"))
    closures = tuple(_parse_closure(source, index, item) for index, item in enumerate(reader.items("closures", [])))
    raw_rules = reader.items("rules")
    if not raw_rules:
        raise ProfileError(source, None, "rules", "a profile needs at least one rule")
    rules = tuple(_parse_rule(source, index, raw) for index, raw in enumerate(raw_rules))
    base = _base_profile(reader, bases or {})
    floor = statutory_floor(rules, base, source) if base else ()
    carer_rules = _parse_carer_rules(reader, base)
    seen: set[str] = set()
    for rule in rules + floor + tuple(carer_rule.rule for carer_rule in carer_rules):
        if rule.id in seen:
            raise ProfileError(source, rule.id, "id", "two rules share this id")
        seen.add(rule.id)
    not_covered = _parse_not_covered(reader)
    deadlines = parse_deadlines(reader) + (tuple(rule for rule in base.deadlines if rule.statutory) if base else ())
    for deadline in deadlines:
        if deadline.id in seen:
            raise ProfileError(source, deadline.id, "id", "two rules share this id")
        seen.add(deadline.id)
    return Profile(
        profile_id,
        reader.text("name"),
        region,
        closures,
        rules,
        floor,
        base.id if base else None,
        not_covered,
        _parse_not_encoded(reader),
        parse_practice_checks(reader, base.practice_checks if base else ()),
        deadlines,
        parse_school_terms(reader) or (base.school_terms if base else ()),
        carer_rules,
    )


def _parse_carer_rules(reader: Reader, base: Profile | None) -> tuple[CarerRule, ...]:
    """The profile's ``[[carer_rules]]``, then the base's statutory ones (the floor, as for children)."""
    own = []
    for index, raw in enumerate(reader.items("carer_rules", [])):
        if not isinstance(raw, Mapping):
            raise ProfileError(reader.source, None, f"carer_rules[{index}]", "each carer rule must be a table")
        rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"carer_rules[{index}]"
        rule_reader = Reader(reader.source, rule_id, raw)
        own.append(parse_carer_rule(rule_reader, _parse_source(rule_reader)))
    floor = tuple(rule for rule in base.carer_rules if rule.statutory) if base else ()
    return tuple(own) + floor


def _base_profile(reader: Reader, bases: Mapping[str, Profile]) -> Profile | None:
    name = reader.raw("base", None)
    if name is None:
        return None
    if name not in bases:
        raise reader.error("base", f"{name!r} is not a profile without a base ({', '.join(sorted(bases)) or 'none'})")
    return bases[name]


def _parse_not_covered(reader: Reader) -> tuple[tuple[str, str], ...]:
    table = reader.child(reader.raw("not_covered", {}), "not_covered.")
    reasons = []
    for plan_type in table.data:
        if plan_type not in PLAN_TYPES:
            raise table.error(str(plan_type), f"{plan_type!r} is not one of {', '.join(PLAN_TYPES)}")
        reasons.append((str(plan_type), table.text(plan_type)))
    return tuple(reasons)


def _unconditional(rule: VisitRule) -> bool:
    return (
        rule.placements is None
        and not rule.excluded_placements
        and rule.min_age_at_start is None
        and rule.max_age_at_start is None
        and rule.min_age is None
        and rule.max_age is None
        and rule.legal_statuses is None
        and rule.covers_any_placement_kind
    )


def check_coverage(profile: Profile, source: str) -> None:
    """Every plan type has a rule or a stated reason why not, and never both: a child on a
    plan no rule covers would otherwise silently get no visiting schedule."""
    for plan_type in PLAN_TYPES:
        reason = profile.why_not_covered(plan_type)
        if profile.rules_of_type(plan_type) and reason is not None:
            raise ProfileError(source, None, f"not_covered.{plan_type}", "this plan type has rules; remove the reason")
        if not profile.rules_of_type(plan_type) and reason is None:
            raise ProfileError(
                source, None, f"not_covered.{plan_type}", "no rule covers this plan type: add one or say why not"
            )


def _parse_closure(source: str, index: int, item: Any) -> tuple[date, str]:
    reader = Reader(source, None, item, prefix=f"closures[{index}].")
    return reader.date("date"), reader.text("name")


def _parse_rule(source: str, index: int, raw: Any) -> VisitRule:
    if not isinstance(raw, Mapping):
        raise ProfileError(source, None, f"rules[{index}]", "each rule must be a table")
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"rules[{index}]"
    reader = Reader(source, rule_id, raw)
    plan_type = reader.choice("plan_type", (*PLAN_TYPES, ANY_PLAN))
    placements = reader.optional_choices("placements", PLACEMENTS)
    phases = tuple(_parse_phase(reader, position, item) for position, item in enumerate(reader.items("phases", [])))
    first_visit = reader.optional_interval("first_visit")
    triggers = tuple(
        _parse_trigger(reader, position, item) for position, item in enumerate(reader.items("triggers", []))
    )
    # A duty with only a first visit ("within ten working days of being detained, thereafter
    # when requested") has no cadence; anything else needs one.
    if not phases and first_visit is None and not triggers:
        raise ProfileError(source, rule_id, "phases", "a rule needs at least one phase, a first visit or a trigger")
    if phases and phases[0].starts != (Anchor("start"),):
        raise ProfileError(source, rule_id, "phases[0].from", "the first phase must run from 'start'")
    return VisitRule(
        id=reader.text("id"),
        plan_type=plan_type,
        role=reader.choice("role", tuple(VISIT_ROLES)),
        label=reader.text("label", default=PLAN_TYPES.get(plan_type, "Any plan")),
        phases=phases,
        source=_parse_source(reader),
        placements=frozenset(placements) if placements is not None else None,
        excluded_placements=frozenset(reader.optional_choices("exclude_placements", PLACEMENTS) or ()),
        min_age_at_start=reader.optional_int("min_age_at_start"),
        max_age_at_start=reader.optional_int("max_age_at_start"),
        min_age=reader.optional_int("min_age"),
        max_age=reader.optional_int("max_age"),
        first_visit=first_visit,
        triggers=triggers,
        decision=reader.text("decision", default=None),
        statutory=reader.flag("statutory"),
        duty=reader.choice("duty", DUTIES) if "duty" in raw else "visit",
        legal_statuses=_optional_set(reader.optional_choices("legal_statuses", LEGAL_STATUSES)),
        first_placement_only=reader.flag("first_placement_only"),
        without_carer_household=reader.flag("without_carer_household"),
        replaces=_rule_ids(reader, "replaces"),
    )


def _optional_set(values: list[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None


def _parse_phase(rule: Reader, position: int, item: Any) -> Phase:
    reader = rule.child(item, f"phases[{position}].")
    raw_from = reader.raw("from", "start")
    anchors = [raw_from] if isinstance(raw_from, str) else raw_from
    if not isinstance(anchors, list) or not anchors:
        raise reader.error("from", "expected an anchor like 'start' or a list of them")
    raw_until = reader.raw("until", [])
    ends = [raw_until] if isinstance(raw_until, str) else raw_until
    if not isinstance(ends, list):
        raise reader.error("until", "expected an anchor like 'event:TYPE' or a list of them")
    return Phase(
        reader.interval("every"),
        tuple(_parse_anchor(reader, text) for text in anchors),
        tuple(_parse_anchor(reader, text, "until") for text in ends),
    )


def _parse_anchor(reader: Reader, text: Any, key: str = "from") -> Anchor:
    if not isinstance(text, str):
        raise reader.error(key, f"{text!r} is not an anchor")
    base, _, offset_text = (part.strip() for part in text.partition("+"))
    offset = reader.parse_interval_text(key, offset_text) if offset_text else None
    kind, _, argument = base.partition(":")
    if kind == "start" and not argument:
        return Anchor("start", offset=offset)
    if kind == "event" and argument in EVENT_TYPES:
        return Anchor("event", event_type=argument, offset=offset)
    if kind == "birthday" and argument.isdigit():
        return Anchor("birthday", years=int(argument), offset=offset)
    raise reader.error(key, f"{text!r} is not 'start', 'event:<known event type>' or 'birthday:<years>'")


def _parse_trigger(rule: Reader, position: int, item: Any) -> Trigger:
    reader = rule.child(item, f"triggers[{position}].")
    return Trigger(reader.choice("event", tuple(EVENT_TYPES)), reader.interval("within"))


def _parse_source(rule: Reader) -> Source:
    reader = rule.child(rule.raw("source", None), "source.")
    return Source(reader.text("document"), reader.text("section"), reader.text("quote"), _lines(reader, "lines"))


def _rule_ids(reader: Reader, key: str) -> tuple[str, ...]:
    values = reader.raw(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
        raise reader.error(key, "expected a list of rule ids")
    return tuple(values)


def _lines(reader: Reader, key: str) -> tuple[str, ...]:
    values = reader.raw(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) and LINE.match(value) for value in values):
        raise reader.error(key, "expected a list of seed lines like 'S:1173' or 'H:357-358'")
    return tuple(values)


def _parse_not_encoded(reader: Reader) -> tuple[NotEncoded, ...]:
    """Seed duties with no rule, each with its lines and why (the coverage table lists them)."""
    found = []
    for position, item in enumerate(reader.items("not_encoded", [])):
        entry = reader.child(item, f"not_encoded[{position}].")
        found.append(NotEncoded(_lines(entry, "lines"), entry.text("duty"), entry.text("reason")))
    return tuple(found)
