"""Request and response shapes for children and their episodes, events and allocations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..core.vocabulary import CONTACT_KINDS, EVENT_TYPES, LEGAL_STATUSES, PLACEMENTS, PLAN_TYPES, VISIT_ROLES
from .fields import DateOfBirth, IsoDate, StrictBoolean, plain_text
from .schemas import AsOfQueryArgsSchema, ObligationSchema, VisitSchema

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


class EpisodeInSchema(Schema):
    type = fields.String(required=True, validate=PLAN_TYPE)
    start = IsoDate(required=True)
    end = IsoDate(allow_none=True)
    placement = fields.String(allow_none=True, validate=PLACEMENT)
    legal_status = fields.String(allow_none=True, validate=validate.OneOf(list(LEGAL_STATUSES)))


class EventInSchema(Schema):
    type = fields.String(required=True, validate=EVENT_TYPE)
    date = IsoDate(required=True)
    time = fields.String(allow_none=True, metadata={"description": "HH:MM, Europe/London"})
    role = fields.String(allow_none=True, validate=VISIT_ROLE, metadata={"description": "For an 'allocated' event"})


class CaseVisitSchema(Schema):
    date = IsoDate(required=True)
    role = fields.String(required=True, validate=VISIT_ROLE)
    child_seen = StrictBoolean(load_default=True)
    kind = fields.String(allow_none=True, validate=validate.OneOf(list(CONTACT_KINDS)))


class OverrideInSchema(Schema):
    """A more frequent cadence agreed for this child; it only ever tightens."""

    role = fields.String(required=True, validate=VISIT_ROLE)
    every = fields.String(required=True, metadata={"description": "An interval, e.g. '5 working days'"})
    from_ = IsoDate(data_key="from", attribute="from", required=True)
    until = IsoDate(allow_none=True)
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500), plain_text])


class AllocationRequestSchema(Schema):
    worker_email = fields.String(required=True, validate=EMAIL)
    role = fields.String(required=True, validate=VISIT_ROLE)


class ChildCreateSchema(Schema):
    """The engine's case JSON (as ``flask due`` reads it) plus who is allocated."""

    reference = fields.String(required=True, validate=REFERENCE)
    name = fields.String(load_default="", validate=NAME)
    date_of_birth = DateOfBirth(allow_none=True)
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


class CreatedSchema(Schema):
    id = fields.String()


class ChildSummarySchema(Schema):
    id = fields.String()
    reference = fields.String()
    initials = fields.String()


class ChildListSchema(Schema):
    children = fields.List(fields.Nested(ChildSummarySchema))


class EpisodeSchema(Schema):
    id = fields.String()
    type = fields.String()
    start = IsoDate()
    end = IsoDate(allow_none=True)
    placement = fields.String(allow_none=True)


class EpisodeChangeSchema(Schema):
    end = IsoDate(required=True, allow_none=True, metadata={"description": "The day the plan ended (null re-opens it)"})


class EventSchema(Schema):
    id = fields.String()
    type = fields.String()
    date = IsoDate()


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


class ChildSchema(Schema):
    id = fields.String()
    reference = fields.String()
    name = fields.String()
    initials = fields.String()
    date_of_birth = DateOfBirth(allow_none=True)
    episodes = fields.List(fields.Nested(EpisodeSchema))
    events = fields.List(fields.Nested(EventSchema))
    visits = fields.List(fields.Nested(VisitSchema))
    allocations = fields.List(fields.Nested(AllocationSchema))


class ObligationListSchema(Schema):
    obligations = fields.List(fields.Nested(ObligationSchema))


class ProjectionQueryArgsSchema(AsOfQueryArgsSchema):
    count = fields.Integer(load_default=3, validate=validate.Range(min=1, max=12))


class ProjectionSchema(Schema):
    role = fields.String()
    dates = fields.List(IsoDate())


class ProjectionListSchema(Schema):
    projections = fields.List(fields.Nested(ProjectionSchema))
