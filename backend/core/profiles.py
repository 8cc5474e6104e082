"""Rules profiles: one authority's visiting standards as frozen data, each rule with its source.

A profile arrives as an already-loaded mapping (adapters read the TOML file) and is
checked completely here, so that a typo fails at start-up with the file, the rule
and the field named, never as a child with no visiting schedule.

A rule's cadence is a list of phases. Each phase allows a longest gap between visits
(``every``) from the date its anchor resolves to (``from``): ``start``, ``event:TYPE``
(the first such event on or after the episode's start), ``birthday:N`` (the day the
child turns N), each optionally ``+ <interval>``. A list of anchors means the later of
them. A phase whose anchor has not happened yet is not in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from .errors import ProfileError
from .intervals import Interval, parse_interval
from .vocabulary import EVENT_TYPES, PLACEMENTS, PLAN_TYPES, VISIT_ROLES

ANCHOR_KINDS = ("start", "event", "birthday")


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    quote: str

    def cite(self) -> str:
        return f"{self.document}, {self.section}"


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

    def applies_to(self, placement: str | None, age_at_start: int | None) -> bool:
        """Whether this rule covers an episode; an unknown age matches (the protective choice)."""
        if self.placements is not None and placement not in self.placements:
            return False
        if placement in self.excluded_placements:
            return False
        if age_at_start is None:
            return True
        if self.min_age_at_start is not None and age_at_start < self.min_age_at_start:
            return False
        return self.max_age_at_start is None or age_at_start <= self.max_age_at_start


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    region: str
    closures: tuple[tuple[date, str], ...]
    rules: tuple[VisitRule, ...]
    _by_plan_type: Mapping[str, tuple[VisitRule, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexed once: the scheduler looks rules up for every episode of every case.
        grouped: dict[str, list[VisitRule]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.plan_type, []).append(rule)
        index = MappingProxyType({plan_type: tuple(rules) for plan_type, rules in grouped.items()})
        object.__setattr__(self, "_by_plan_type", index)

    def rules_for(self, plan_type: str) -> tuple[VisitRule, ...]:
        return self._by_plan_type.get(plan_type, ())

    def rule(self, rule_id: str) -> VisitRule:
        return next(rule for rule in self.rules if rule.id == rule_id)


def parse_profile(data: Mapping[str, Any], source: str) -> Profile:
    """Check and freeze a profile mapping; ``source`` names the file in error messages."""
    reader = _Reader(source, None, data)
    profile_id = reader.text("id")
    region = reader.choice("region", ("ENG", "WLS", "SCT", "NIR"))
    closures = tuple(_parse_closure(source, index, item) for index, item in enumerate(reader.items("closures", [])))
    raw_rules = reader.items("rules")
    if not raw_rules:
        raise ProfileError(source, None, "rules", "a profile needs at least one rule")
    rules = tuple(_parse_rule(source, index, raw) for index, raw in enumerate(raw_rules))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ProfileError(source, rule.id, "id", "two rules share this id")
        seen.add(rule.id)
    return Profile(profile_id, reader.text("name"), region, closures, rules)


def _parse_closure(source: str, index: int, item: Any) -> tuple[date, str]:
    reader = _Reader(source, None, item, prefix=f"closures[{index}].")
    return reader.date("date"), reader.text("name")


def _parse_rule(source: str, index: int, raw: Any) -> VisitRule:
    if not isinstance(raw, Mapping):
        raise ProfileError(source, None, f"rules[{index}]", "each rule must be a table")
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"rules[{index}]"
    reader = _Reader(source, rule_id, raw)
    plan_type = reader.choice("plan_type", tuple(PLAN_TYPES))
    placements = reader.optional_choices("placements", PLACEMENTS)
    phases = tuple(_parse_phase(reader, position, item) for position, item in enumerate(reader.items("phases")))
    if not phases:
        raise ProfileError(source, rule_id, "phases", "a rule needs at least one phase")
    if phases[0].starts != (Anchor("start"),):
        raise ProfileError(source, rule_id, "phases[0].from", "the first phase must run from 'start'")
    return VisitRule(
        id=reader.text("id"),
        plan_type=plan_type,
        role=reader.choice("role", tuple(VISIT_ROLES)),
        label=reader.text("label", default=PLAN_TYPES[plan_type]),
        phases=phases,
        source=_parse_source(reader),
        placements=frozenset(placements) if placements is not None else None,
        excluded_placements=frozenset(reader.optional_choices("exclude_placements", PLACEMENTS) or ()),
        min_age_at_start=reader.optional_int("min_age_at_start"),
        max_age_at_start=reader.optional_int("max_age_at_start"),
        first_visit=reader.optional_interval("first_visit"),
        triggers=tuple(
            _parse_trigger(reader, position, item) for position, item in enumerate(reader.items("triggers", []))
        ),
        decision=reader.text("decision", default=None),
    )


def _parse_phase(rule: _Reader, position: int, item: Any) -> Phase:
    reader = rule.child(item, f"phases[{position}].")
    raw_from = reader.raw("from", "start")
    anchors = [raw_from] if isinstance(raw_from, str) else raw_from
    if not isinstance(anchors, list) or not anchors:
        raise reader.error("from", "expected an anchor like 'start' or a list of them")
    return Phase(reader.interval("every"), tuple(_parse_anchor(reader, text) for text in anchors))


def _parse_anchor(reader: _Reader, text: Any) -> Anchor:
    if not isinstance(text, str):
        raise reader.error("from", f"{text!r} is not an anchor")
    base, _, offset_text = (part.strip() for part in text.partition("+"))
    offset = reader.parse_interval_text("from", offset_text) if offset_text else None
    kind, _, argument = base.partition(":")
    if kind == "start" and not argument:
        return Anchor("start", offset=offset)
    if kind == "event" and argument in EVENT_TYPES:
        return Anchor("event", event_type=argument, offset=offset)
    if kind == "birthday" and argument.isdigit():
        return Anchor("birthday", years=int(argument), offset=offset)
    raise reader.error("from", f"{text!r} is not 'start', 'event:<known event type>' or 'birthday:<years>'")


def _parse_trigger(rule: _Reader, position: int, item: Any) -> Trigger:
    reader = rule.child(item, f"triggers[{position}].")
    return Trigger(reader.choice("event", tuple(EVENT_TYPES)), reader.interval("within"))


def _parse_source(rule: _Reader) -> Source:
    reader = rule.child(rule.raw("source", None), "source.")
    return Source(reader.text("document"), reader.text("section"), reader.text("quote"))


_MISSING = object()


class _Reader:
    """Reads typed fields from one table of a profile, naming file, rule and field on error."""

    def __init__(self, source: str, rule: str | None, data: Any, prefix: str = "") -> None:
        self.source, self.rule, self.prefix = source, rule, prefix
        if not isinstance(data, Mapping):
            raise ProfileError(source, rule, prefix.rstrip(".") or "(top)", "expected a table")
        self.data = data

    def child(self, data: Any, prefix: str) -> _Reader:
        return _Reader(self.source, self.rule, data, self.prefix + prefix)

    def error(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, self.rule, self.prefix + key, problem)

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error(key, "is required")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "expected non-empty text")
        return value.strip()

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.raw(key)
        if value not in allowed:
            raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def optional_choices(self, key: str, allowed: Mapping[str, str]) -> list[str] | None:
        values = self.raw(key, None)
        if values is None:
            return None
        if not isinstance(values, list) or not values:
            raise self.error(key, "expected a non-empty list")
        for value in values:
            # isinstance first: a nested list is unhashable and would crash the lookup.
            if not isinstance(value, str) or value not in allowed:
                raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return [str(value) for value in values]

    def optional_int(self, key: str) -> int | None:
        value = self.raw(key, None)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise self.error(key, "expected a whole number of years")
        return value

    def items(self, key: str, default: Any = _MISSING) -> list[Any]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise self.error(key, "expected a list")
        return value

    def interval(self, key: str) -> Interval:
        return self.parse_interval_text(key, self.raw(key))

    def optional_interval(self, key: str) -> Interval | None:
        value = self.raw(key, None)
        return None if value is None else self.parse_interval_text(key, value)

    def parse_interval_text(self, key: str, text: Any) -> Interval:
        try:
            return parse_interval(text)
        except ValueError as problem:
            raise self.error(key, str(problem)) from None

    def date(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.error(key, f"{value!r} is not a date (YYYY-MM-DD)") from None
