"""Deadlines that are not visits, as frozen data: a conference, a review, a write-up, a plan.

A profile's ``[[deadlines]]`` tables are read here (``profiles.py`` calls ``parse_deadlines``)
and evaluated by ``deadlines.py``. Each rule is a clock:

- ``from``: what starts it: ``event:TYPE`` (each such event), ``start`` (the start of an
  unbroken period of the rule's ``plan_types``), ``birthday:N`` (the day the child turns N,
  or the start of a later period of the plan types: "or becomes an eligible child after that
  age"), ``visit`` (each visit: its write-up), each optionally ``+ <interval>``;
- ``within``: the first deadline after the start; without one the start is itself the first
  meeting (a review health assessment counts from the last health assessment);
- ``met_by``: the event types that meet it (for ``visit``, the visit's ``written_up`` date);
- ``then``: after each meeting, the next deadline, as steps in force from the start, from the
  N-th meeting (``meeting:N``) or from a birthday (``birthday:N``), the engine's phase rule:
  the due date is max(step start, last meeting + every), kept only if it falls before the next
  step starts; ``termly = true`` instead asks for one meeting in each school term;
- ``plan_types``: the clock runs only in a period of these plans, still running (for a
  write-up: running on the visit's day); ``ends_with_plan``: it stops when such a plan ends after it started;
- ``before``: a backward deadline, ``by`` before each scheduled meeting of that event type.

Statute is the floor, as for visits: a local profile's deadlines and its base's statutory ones
all apply, and for each kind the earliest due date wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .intervals import Interval
from .profile_fields import Reader
from .visit_rules import LINE, Source
from .vocabulary import DEADLINE_KINDS, EVENT_TYPES, PLAN_TYPES

TRIGGERS = ("event", "start", "birthday", "visit")


@dataclass(frozen=True)
class Trigger:
    kind: str  # one of TRIGGERS
    event_type: str | None = None
    years: int | None = None
    offset: Interval | None = None


@dataclass(frozen=True)
class Step:
    """One cadence of a repeating deadline, in force from ``start``: "start", "meeting", "birthday"."""

    every: Interval
    start: str = "start"
    number: int = 0


@dataclass(frozen=True)
class DeadlineRule:
    id: str
    kind: str
    label: str
    source: Source
    trigger: Trigger
    within: Interval | None = None
    met_by: tuple[str, ...] = ()
    then: tuple[Step, ...] = ()
    termly: bool = False
    # Backward: ``by`` before each scheduled meeting of this event type.
    before: str | None = None
    by: Interval | None = None
    plan_types: frozenset[str] | None = None
    # A write-up counts contacts of every kind (calls, texts), not only visits in person.
    any_contact: bool = False
    # The clock stops when an episode of these types ends after it started, by the day asked
    # about (an enquiry closed without a conference): nothing is owed after.
    ends_with_plan: frozenset[str] | None = None
    # A meeting this long before the start still meets it (a needs assessment begun at 15 years
    # 9 months and finished before the 16th birthday).
    early: Interval | None = None
    school_age: bool = False
    statutory: bool = False
    decision: str | None = None


@dataclass(frozen=True)
class SchoolTerm:
    start: date
    end: date
    name: str


def parse_deadlines(reader: Reader) -> tuple[DeadlineRule, ...]:
    return tuple(_parse_rule(reader, index, raw) for index, raw in enumerate(reader.items("deadlines", [])))


def parse_school_terms(reader: Reader) -> tuple[SchoolTerm, ...]:
    terms = []
    for index, item in enumerate(reader.items("school_terms", [])):
        entry = reader.child(item, f"school_terms[{index}].")
        term = SchoolTerm(entry.date("start"), entry.date("end"), entry.text("name"))
        if term.end < term.start:
            raise entry.error("end", "a term ends before it starts")
        terms.append(term)
    return tuple(sorted(terms, key=lambda term: term.start))


def _parse_rule(profile: Reader, index: int, raw: Any) -> DeadlineRule:
    rule_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else f"deadlines[{index}]"
    reader = Reader(profile.source, rule_id, raw)
    before = reader.raw("before", None)
    if before is not None:
        before = _event_type(reader, "before", before)
    trigger = _trigger(reader, reader.raw("from", "visit" if before is not None else None))
    within = reader.optional_interval("within")
    then = tuple(_step(reader, position, item) for position, item in enumerate(reader.items("then", [])))
    termly = reader.flag("termly")
    by = reader.optional_interval("by")
    if (before is None) != (by is None):
        raise reader.error("by", "a backward deadline needs both 'before' and 'by'")
    if before is None and within is None and not then and not termly:
        raise reader.error("within", "a deadline needs 'within', 'then', 'termly' or 'before'")
    if then and then[0].start != "start":
        raise reader.error("then[0].from", "the first step must run from 'start'")
    plan_types = reader.optional_choices("plan_types", PLAN_TYPES)
    met_by = tuple(_event_type(reader, "met_by", value) for value in reader.items("met_by", []))
    if trigger.kind != "visit" and before is None and not met_by:
        raise reader.error("met_by", "name the event types that meet the deadline")
    return DeadlineRule(
        id=reader.text("id"),
        kind=reader.choice("kind", tuple(DEADLINE_KINDS)),
        label=reader.text("label"),
        source=_source(reader),
        trigger=trigger,
        within=within,
        met_by=met_by,
        then=then,
        termly=termly,
        before=before,
        by=by,
        plan_types=_optional_set(plan_types),
        any_contact=reader.flag("any_contact"),
        ends_with_plan=_optional_set(reader.optional_choices("ends_with_plan", PLAN_TYPES)),
        early=reader.optional_interval("early"),
        school_age=reader.flag("school_age"),
        statutory=reader.flag("statutory"),
        decision=reader.text("decision", default=None),
    )


def _optional_set(values: list[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None


def _event_type(reader: Reader, key: str, value: Any) -> str:
    if not isinstance(value, str) or value not in EVENT_TYPES:
        raise reader.error(key, f"{value!r} is not an event type")
    return value


def _trigger(reader: Reader, text: Any) -> Trigger:
    if not isinstance(text, str):
        raise reader.error("from", "expected 'event:TYPE', 'start', 'birthday:N' or 'visit'")
    base, _, offset_text = (part.strip() for part in text.partition("+"))
    offset = reader.parse_interval_text("from", offset_text) if offset_text else None
    if offset is not None and offset.unit in ("hours", "working_days"):
        raise reader.error("from", "an offset is in days, weeks, months or years")
    kind, _, argument = base.partition(":")
    if kind in ("start", "visit") and not argument:
        return Trigger(kind, offset=offset)
    if kind == "event" and argument in EVENT_TYPES:
        return Trigger("event", event_type=argument, offset=offset)
    if kind == "birthday" and argument.isdigit():
        return Trigger("birthday", years=int(argument), offset=offset)
    raise reader.error("from", f"{text!r} is not 'event:<known event type>', 'start', 'birthday:N' or 'visit'")


def _step(rule: Reader, position: int, item: Any) -> Step:
    reader = rule.child(item, f"then[{position}].")
    start = reader.raw("from", "start")
    every = reader.interval("every")
    if start == "start":
        return Step(every)
    kind, _, number = str(start).partition(":")
    if kind in ("meeting", "birthday") and number.isdigit() and int(number) > 0:
        return Step(every, kind, int(number))
    raise reader.error("from", f"{start!r} is not 'start', 'meeting:N' or 'birthday:N'")


def _source(rule: Reader) -> Source:
    reader = rule.child(rule.raw("source", None), "source.")
    lines = reader.raw("lines", [])
    if not isinstance(lines, list) or not all(isinstance(line, str) and LINE.match(line) for line in lines):
        raise reader.error("lines", "expected a list of seed lines like 'S:1173' or 'H:357-358'")
    return Source(reader.text("document"), reader.text("section"), reader.text("quote"), tuple(lines))
