"""Request and response shapes for children and their episodes, events and allocations."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..core.intervals import parse_interval
from ..core.practice_checks import CONDITIONS
from ..core.vocabulary import CONTACT_KINDS, EVENT_TYPES, LEGAL_STATUSES, PLACEMENTS, PLAN_TYPES, VISIT_ROLES
from .fields import DateOfBirth, IsoDate, StrictBoolean, plain_text
from .schemas import AsOfQueryArgsSchema, DeadlineSchema, ObligationSchema, VisitSchema

PLAN_TYPE = validate.OneOf(list(PLAN_TYPES))
PLACEMENT = validate.OneOf(list(PLACEMENTS))
EVENT_TYPE = validate.OneOf(list(EVENT_TYPES))
VISIT_ROLE = validate.OneOf(list(VISIT_ROLES))
# Typed for marshmallow's ``validate=``: a list mixing a Validator and a function is a list[object] to mypy.
Validator = Callable[[Any], Any]
REFERENCE: list[Validator] = [validate.Length(min=1, max=64), plain_text]
NAME: list[Validator] = [validate.Length(max=200), plain_text]
EMAIL: list[Validator] = [validate.Length(min=1, max=320), plain_text]
ID: list[Validator] = [validate.Length(min=1, max=32), plain_text]
HOUSEHOLD: list[Validator] = [validate.Length(min=1, max=64), plain_text]
HOUSEHOLD_DOC = {"description": "A family or sibling-group key (e.g. the SSD's fami_family_id)", "example": "F-1021"}


LEGAL_STATUS = validate.OneOf(list(LEGAL_STATUSES))
TIME_TEXT = re.compile(r"[0-9]{2}:[0-9]{2}")


class WallTime(fields.String):
    """A time of day as ``HH:MM`` exactly (Europe/London wall time), read into a ``time``: the
    form the case file takes (core/cases.py), so the event route and a case file (sent, or
    imported) refuse the same texts. Digits are ASCII only, as in dates: ``str.isdigit`` alone
    would also take other scripts' digits, which no case-management export writes."""

    default_error_messages = {"invalid": "Not a time in the form HH:MM.", "impossible": "{text} is not a real time."}

    # A String to the OpenAPI document (text in, as the client sends it), a time once loaded.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:  # type: ignore[override]
        if not isinstance(value, str) or not TIME_TEXT.fullmatch(value):
            raise self.make_error("invalid")
        try:
            return time(int(value[:2]), int(value[3:]))
        except ValueError:
            raise self.make_error("impossible", text=value) from None

    def _serialize(self, value: time | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:  # type: ignore[override]
        return None if value is None else value.strftime("%H:%M")


def an_interval(text: str) -> None:
    """The profile's interval syntax ('5 working days', '6 weeks'), as the engine reads it."""
    try:
        parse_interval(text)
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


class EpisodeInSchema(Schema):
    type = fields.String(required=True, validate=PLAN_TYPE)
    start = IsoDate(required=True)
    end = IsoDate(allow_none=True)
    placement = fields.String(allow_none=True, validate=PLACEMENT)
    legal_status = fields.String(allow_none=True, validate=LEGAL_STATUS)
    carer_household = fields.String(
        allow_none=True,
        validate=REFERENCE,
        metadata={"description": "The household key of the carers the child is placed with (a carer's household)"},
    )


class EventInSchema(Schema):
    type = fields.String(required=True, validate=EVENT_TYPE)
    date = IsoDate(required=True)
    time = WallTime(
        allow_none=True,
        metadata={"description": "HH:MM, Europe/London", "example": "15:30", "pattern": "^[0-9]{2}:[0-9]{2}$"},
    )
    role = fields.String(allow_none=True, validate=VISIT_ROLE, metadata={"description": "For an 'allocated' event"})

    @validates_schema
    def allocation_names_its_role(self, data: dict[str, Any], **_kwargs: object) -> None:
        # An allocation concerns only the role allocated (core/scheduling.py): without one, the
        # engine could not tell whose introductory contact falls due.
        if data.get("type") == "allocated" and data.get("role") is None:
            raise ValidationError("An 'allocated' event names the role allocated.", field_name="role")


class CaseVisitSchema(Schema):
    date = IsoDate(required=True)
    role = fields.String(required=True, validate=VISIT_ROLE)
    child_seen = StrictBoolean(load_default=True)
    kind = fields.String(allow_none=True, validate=validate.OneOf(list(CONTACT_KINDS)))
    written_up = IsoDate(
        allow_none=True, metadata={"description": "The day the visit's record was completed; null or absent: not yet"}
    )


class OverrideInSchema(Schema):
    """A more frequent cadence agreed for this child; it only ever tightens."""

    role = fields.String(required=True, validate=VISIT_ROLE)
    every = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=40), an_interval],
        metadata={"description": "An interval in the profile's syntax, e.g. '5 working days'"},
    )
    from_ = IsoDate(data_key="from", attribute="from", required=True)
    until = IsoDate(allow_none=True, metadata={"description": "The last day it applies (null: no end)"})
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500), plain_text])

    @validates_schema
    def ends_after_it_starts(self, data: dict[str, Any], **_kwargs: object) -> None:
        until, start = data.get("until"), data.get("from")
        if until is not None and start is not None and until < start:
            raise ValidationError(
                f"Ends {until.isoformat()}, before it starts {start.isoformat()}.", field_name="until"
            )


class AllocationRequestSchema(Schema):
    worker_email = fields.String(required=True, validate=EMAIL)
    role = fields.String(required=True, validate=VISIT_ROLE)


class ChildCreateSchema(Schema):
    """The engine's case JSON (as ``flask due`` reads it) plus who is allocated."""

    reference = fields.String(required=True, validate=REFERENCE)
    name = fields.String(load_default="", validate=NAME)
    date_of_birth = DateOfBirth(allow_none=True)
    household = fields.String(allow_none=True, validate=HOUSEHOLD, metadata=HOUSEHOLD_DOC)
    episodes = fields.List(fields.Nested(EpisodeInSchema), load_default=list, validate=validate.Length(max=200))
    events = fields.List(fields.Nested(EventInSchema), load_default=list, validate=validate.Length(max=500))
    visits = fields.List(fields.Nested(CaseVisitSchema), load_default=list, validate=validate.Length(max=2000))
    overrides = fields.List(fields.Nested(OverrideInSchema), load_default=list, validate=validate.Length(max=20))
    allocations = fields.List(
        fields.Nested(AllocationRequestSchema), load_default=list, validate=validate.Length(max=10)
    )


class ChildChangeSchema(Schema):
    reference = fields.String(validate=REFERENCE)
    name = fields.String(validate=NAME)
    date_of_birth = DateOfBirth(allow_none=True)
    household = fields.String(allow_none=True, validate=HOUSEHOLD, metadata={"description": "null: in no household"})


class CreatedSchema(Schema):
    id = fields.String()


class ChildSummarySchema(Schema):
    id = fields.String()
    reference = fields.String()
    initials = fields.String()


class ChildSearchQueryArgsSchema(Schema):
    q = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Only children whose case reference holds this, or whose initials are it"},
    )


class ChildListSchema(Schema):
    children = fields.List(fields.Nested(ChildSummarySchema))


class EpisodeSchema(Schema):
    id = fields.String()
    type = fields.String()
    start = IsoDate()
    end = IsoDate(allow_none=True)
    placement = fields.String(allow_none=True)
    legal_status = fields.String(allow_none=True)
    carer_household = fields.String(allow_none=True)


class EpisodeChangeSchema(Schema):
    """Ends or re-opens an episode, records its legal status as it now stands, or names the carers'
    household the child is placed with (give any of them)."""

    end = IsoDate(allow_none=True, metadata={"description": "The day the plan ended (null re-opens it)"})
    legal_status = fields.String(
        allow_none=True,
        validate=LEGAL_STATUS,
        metadata={"description": "The episode's legal status; a care order also needs a 'care_order_made' event"},
    )
    carer_household = fields.String(
        allow_none=True,
        validate=REFERENCE,
        metadata={"description": "The household of the carers the child is placed with (null: none named)"},
    )

    @validates_schema
    def changes_something(self, data: dict[str, Any], **_kwargs: object) -> None:
        if not data:
            raise ValidationError("Give end, legal_status, carer_household, or some of them.", field_name="end")


class EventSchema(Schema):
    id = fields.String()
    type = fields.String()
    date = IsoDate()
    time = WallTime(allow_none=True)
    role = fields.String(allow_none=True)


class OverrideSchema(Schema):
    id = fields.String()
    role = fields.String()
    every = fields.String()
    from_ = IsoDate(data_key="from", attribute="from")
    until = IsoDate(allow_none=True)
    reason = fields.String()
    agreed_by = fields.String(allow_none=True, metadata={"description": "The worker who set it (null: imported)"})
    agreed_by_name = fields.String(allow_none=True)


class OverrideEndSchema(Schema):
    until = IsoDate(
        required=True, allow_none=True, metadata={"description": "The last day it applies (null: no end again)"}
    )


class AllocationSchema(Schema):
    worker_id = fields.String()
    worker_name = fields.String()
    role = fields.String()
    from_ = IsoDate(data_key="from", attribute="from")
    to = IsoDate(allow_none=True)


class ReallocationSchema(Schema):
    """Give a role to a worker (by id or email) from a date on; the current holder's allocation ends then."""

    worker_id = fields.String(validate=ID)
    worker_email = fields.String(validate=EMAIL)
    role = fields.String(required=True, validate=VISIT_ROLE)
    from_ = IsoDate(data_key="from", attribute="from", metadata={"description": "Default: today"})

    @validates_schema
    def one_worker(self, data: dict[str, object], **_kwargs: object) -> None:
        if ("worker_id" in data) == ("worker_email" in data):
            raise ValidationError("Give exactly one of worker_id and worker_email.", field_name="worker_id")


class MoveSchema(Schema):
    """Move the child's ``role`` to a worker of the child's team from ``from`` on (default: today)."""

    role = fields.String(required=True, validate=VISIT_ROLE)
    worker_id = fields.String(required=True, validate=ID)
    from_ = IsoDate(data_key="from", attribute="from", metadata={"description": "Default: today"})


class ChildSchema(Schema):
    id = fields.String()
    reference = fields.String()
    name = fields.String()
    initials = fields.String()
    date_of_birth = DateOfBirth(allow_none=True)
    household = fields.String(allow_none=True)
    episodes = fields.List(fields.Nested(EpisodeSchema))
    events = fields.List(fields.Nested(EventSchema))
    visits = fields.List(fields.Nested(VisitSchema))
    allocations = fields.List(fields.Nested(AllocationSchema))
    overrides = fields.List(fields.Nested(OverrideSchema))


class UnscheduledPlanSchema(Schema):
    """An active plan no visiting rule covers, as the ``due`` command lists it."""

    plan_type = fields.String()
    reason = fields.String()


class PracticeCheckSchema(Schema):
    """A condition of recent visits a profile's practice check asks for and none of them met.
    Shown beside the due dates; it never moves one."""

    check = fields.String(metadata={"description": "The profile's check id"})
    condition = fields.String(validate=validate.OneOf(list(CONDITIONS)))
    role = fields.String()
    visits = fields.List(IsoDate(), metadata={"description": "The visits looked at, latest first"})
    message = fields.String(metadata={"example": "Not seen alone at the last 2 visits."})
    source = fields.String(metadata={"description": "The document and section the check encodes"})


class ObligationListSchema(Schema):
    obligations = fields.List(fields.Nested(ObligationSchema))
    unscheduled = fields.List(fields.Nested(UnscheduledPlanSchema))
    practice_checks = fields.List(fields.Nested(PracticeCheckSchema))


class DeadlineListSchema(Schema):
    deadlines = fields.List(fields.Nested(DeadlineSchema))


class ProjectionQueryArgsSchema(AsOfQueryArgsSchema):
    count = fields.Integer(load_default=3, validate=validate.Range(min=1, max=12))


class ProjectionSchema(Schema):
    role = fields.String()
    dates = fields.List(IsoDate())


class ProjectionListSchema(Schema):
    projections = fields.List(fields.Nested(ProjectionSchema))
