"""``/api/visits/<uuid>``: record a visit idempotently (the phone chooses the id), or withdraw it;
``/api/visits/<uuid>/written-up``: mark the day its record was completed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..core.vocabulary import CONTACT_KINDS
from ..services.audit import record_read
from ..services.visit_withdrawals import withdraw_visit
from ..services.visit_write_ups import mark_written_up
from ..services.visits import VisitReport, record_visit, visible_visit
from .child_schemas import ID, VISIT_ROLE
from .context import now, route_name, today
from .fields import IsoDate, StrictBoolean
from .guard import current_viewer
from .schemas import VisitSchema

blp = Blueprint("visits", __name__, url_prefix="/api/visits", description="Visits, recorded idempotently.")


class VisitReportSchema(Schema):
    child_id = fields.String(required=True, validate=ID)
    date = IsoDate(required=True)
    role = fields.String(required=True, validate=VISIT_ROLE)
    child_seen = StrictBoolean(required=True)
    seen_alone = StrictBoolean(required=True)
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(list(CONTACT_KINDS)),
        metadata={"description": "How contact was made; phone, video and text do not count as visits"},
    )
    bedroom_seen = StrictBoolean(load_default=None, allow_none=True, metadata={"description": "null: not said"})
    seen_awake = StrictBoolean(
        load_default=None, allow_none=True, metadata={"description": "For a baby: seen awake (null: not said)"}
    )


@blp.route("/<uuid:visit_id>")
class Visit(MethodView):
    @blp.arguments(VisitReportSchema())
    @blp.response(201, VisitSchema, description="Created")
    @blp.alt_response(200, schema=VisitSchema, description="The same visit again: nothing changed")
    @blp.alt_response(404, description="No such child, or not one the caller may see")
    @blp.alt_response(409, description="A different visit, or another worker's, already has this id")
    def put(self, body: dict[str, Any], visit_id: UUID) -> tuple[dict[str, Any], int]:
        visit, created = record_visit(current_viewer(), str(visit_id), VisitReport(**body), today(), route_name())
        return visit, 201 if created else 200

    @blp.response(200, VisitSchema)
    def get(self, visit_id: UUID) -> dict[str, Any]:
        viewer = current_viewer()
        visit = visible_visit(viewer, str(visit_id), today())
        record_read(viewer.worker_id, visit["child_id"], route_name())
        return visit

    @blp.response(204, description="Withdrawn as recorded in error (also when it already was)")
    @blp.alt_response(403, description="Visible, but only its recorder (for 7 days), their team manager or an admin")
    @blp.alt_response(404, description="No such visit, or not one the caller may see")
    def delete(self, visit_id: UUID) -> None:
        """Withdraw a visit recorded in error: it stays in the history but no longer counts."""
        withdraw_visit(current_viewer(), str(visit_id), today(), now(), route_name())


class WriteUpSchema(Schema):
    written_up = IsoDate(
        required=True,
        allow_none=True,
        metadata={"description": "The day the visit's record was completed (not in the future); null clears it"},
    )


@blp.route("/<uuid:visit_id>/written-up")
class VisitWriteUp(MethodView):
    @blp.arguments(WriteUpSchema())
    @blp.response(200, VisitSchema)
    @blp.alt_response(403, description="Visible, but only its recorder or a worker holding its role may mark it")
    @blp.alt_response(404, description="No such visit, or not one the caller may see")
    @blp.alt_response(409, description="The visit was withdrawn as recorded in error")
    def put(self, body: dict[str, Any], visit_id: UUID) -> dict[str, Any]:
        """Mark the visit written up on a day (its write-up deadline is then met), or clear the mark."""
        return mark_written_up(current_viewer(), str(visit_id), body["written_up"], today(), route_name())
