"""Request and response shapes for carers and the visits made to them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.vocabulary import CARER_TYPES
from .child_schemas import EMAIL, ID, NAME, REFERENCE
from .fields import IsoDate, StrictBoolean
from .schemas import ObligationSchema

CARER_TYPE = validate.OneOf(list(CARER_TYPES))
CARER_DUTIES = ("visit", "unannounced")


class CarerObligationSchema(ObligationSchema):
    duty = fields.String(
        validate=validate.OneOf(CARER_DUTIES),
        metadata={"description": "visit: any supervisory visit counts; unannounced: only an unannounced visit"},
    )


class CarerCreateSchema(Schema):
    reference = fields.String(required=True, validate=REFERENCE)
    name = fields.String(load_default="", validate=NAME)
    type = fields.String(required=True, validate=CARER_TYPE)
    approved = IsoDate(required=True, metadata={"description": "The approval as a foster carer or connected person"})
    transferred = IsoDate(
        allow_none=True, metadata={"description": "Transfer to the supervising team; supervision runs from it"}
    )
    ended = IsoDate(allow_none=True, metadata={"description": "The day the carer stopped fostering"})
    household = fields.String(
        allow_none=True,
        validate=REFERENCE,
        metadata={"description": "The key children's placements name as their carer_household"},
    )
    supervising_worker_id = fields.String(allow_none=True, validate=ID)


class ImportedCarerVisitSchema(Schema):
    date = IsoDate(required=True)
    unannounced = StrictBoolean(load_default=False)


class CarerImportSchema(CarerCreateSchema):
    """A carer in an import file: the supervising worker named by email, and past visits."""

    class Meta:
        exclude = ("supervising_worker_id",)

    supervising_worker_email = fields.String(allow_none=True, validate=EMAIL)
    visits = fields.List(fields.Nested(ImportedCarerVisitSchema), load_default=list, validate=validate.Length(max=2000))


class CarerChangeSchema(Schema):
    reference = fields.String(validate=REFERENCE)
    name = fields.String(validate=NAME)
    type = fields.String(validate=CARER_TYPE)
    approved = IsoDate()
    transferred = IsoDate(allow_none=True)
    ended = IsoDate(allow_none=True)
    household = fields.String(allow_none=True, validate=REFERENCE)
    supervising_worker_id = fields.String(allow_none=True, validate=ID)


class CarerSchema(Schema):
    id = fields.String()
    reference = fields.String()
    name = fields.String()
    initials = fields.String()
    type = fields.String(validate=CARER_TYPE)
    approved = IsoDate()
    transferred = IsoDate(allow_none=True)
    ended = IsoDate(allow_none=True)
    household = fields.String(allow_none=True)
    supervising_worker_id = fields.String(allow_none=True)
    children_joined = fields.Integer(metadata={"description": "Placements naming the household (children not named)"})
    obligations = fields.List(fields.Nested(CarerObligationSchema))


class CarerListSchema(Schema):
    carers = fields.List(fields.Nested(CarerSchema))


class CaseloadCarerSchema(CarerObligationSchema):
    """A visit due to a carer the worker supervises."""

    carer_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    carer_type = fields.String(validate=CARER_TYPE)
    carer_label = fields.String()
    household = fields.String(allow_none=True)


class CarerVisitReportSchema(Schema):
    carer_id = fields.String(required=True, validate=ID)
    date = IsoDate(required=True)
    unannounced = StrictBoolean(
        load_default=False, metadata={"description": "Only an unannounced visit meets that duty"}
    )


class CarerVisitSchema(Schema):
    id = fields.String()
    carer_id = fields.String()
    date = IsoDate()
    unannounced = fields.Boolean()
    visitor_id = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime()
