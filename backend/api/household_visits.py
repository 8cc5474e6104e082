"""``/api/household-visits/<uuid>``: one visit that saw several children of a household, recorded
idempotently as one visit per child (the phone chooses the id)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, post_load, validate

from ..core.vocabulary import CONTACT_KINDS
from ..services.household_visits import ChildSeen, HouseholdVisitReport, record_household_visit
from .child_schemas import ID, VISIT_ROLE
from .context import route_name, today
from .fields import IsoDate, StrictBoolean
from .guard import current_viewer
from .schemas import VisitSchema

blp = Blueprint(
    "household_visits",
    __name__,
    url_prefix="/api/household-visits",
    description="One visit to a household, recorded as one visit per child.",
)

MAX_CHILDREN = 20


class ChildSeenSchema(Schema):
    child_id = fields.String(required=True, validate=ID)
    child_seen = StrictBoolean(required=True)
    seen_alone = StrictBoolean(required=True)
    bedroom_seen = StrictBoolean(load_default=None, allow_none=True, metadata={"description": "null: not said"})
    seen_awake = StrictBoolean(
        load_default=None, allow_none=True, metadata={"description": "For a baby: seen awake (null: not said)"}
    )

    @post_load
    def as_child(self, data: dict[str, Any], **_kwargs: object) -> ChildSeen:
        return ChildSeen(**data)


class HouseholdVisitReportSchema(Schema):
    date = IsoDate(required=True)
    role = fields.String(required=True, validate=VISIT_ROLE)
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(list(CONTACT_KINDS)),
        metadata={"description": "How contact was made, as for a visit"},
    )
    children = fields.List(
        fields.Nested(ChildSeenSchema), required=True, validate=validate.Length(min=1, max=MAX_CHILDREN)
    )


class HouseholdVisitSchema(Schema):
    id = fields.String()
    date = IsoDate()
    role = fields.String()
    kind = fields.String(allow_none=True)
    visits = fields.List(fields.Nested(VisitSchema), metadata={"description": "One per child, in the request's order"})


@blp.route("/<uuid:household_visit_id>")
class HouseholdVisit(MethodView):
    @blp.arguments(HouseholdVisitReportSchema())
    @blp.response(201, HouseholdVisitSchema, description="Created: one visit per child")
    @blp.alt_response(200, schema=HouseholdVisitSchema, description="The same household visit again: nothing changed")
    @blp.alt_response(404, description="A child that does not exist or the caller may not see: nothing stored")
    @blp.alt_response(409, description="A different household visit, or another worker's, already has this id")
    def put(self, body: dict[str, Any], household_visit_id: UUID) -> tuple[dict[str, Any], int]:
        """Each child's visit meets that child's due date only if that child was seen."""
        report = HouseholdVisitReport(
            date=body["date"], role=body["role"], kind=body["kind"], children=tuple(body["children"])
        )
        visit, created = record_household_visit(
            current_viewer(), str(household_visit_id), report, today(), route_name()
        )
        return visit, 201 if created else 200
