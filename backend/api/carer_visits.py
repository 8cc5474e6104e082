"""``/api/carer-visits/<uuid>``: record a visit to a carer idempotently (the phone chooses the id)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from ..services.audit import record_read
from ..services.carer_visits import CarerVisitReport, record_carer_visit, visible_carer_visit
from .carer_schemas import CarerVisitReportSchema, CarerVisitSchema
from .context import route_name, today
from .guard import current_viewer

blp = Blueprint(
    "carer_visits", __name__, url_prefix="/api/carer-visits", description="Visits to carers, recorded idempotently."
)


@blp.route("/<uuid:visit_id>")
class CarerVisit(MethodView):
    @blp.arguments(CarerVisitReportSchema())
    @blp.response(201, CarerVisitSchema, description="Created")
    @blp.alt_response(200, schema=CarerVisitSchema, description="The same visit again: nothing changed")
    @blp.alt_response(404, description="No such carer, or not one the caller may see")
    @blp.alt_response(409, description="A different visit, or another worker's, already has this id")
    def put(self, body: dict[str, Any], visit_id: UUID) -> tuple[dict[str, Any], int]:
        report = CarerVisitReport(**body)
        visit, created = record_carer_visit(current_viewer(), str(visit_id), report, today(), route_name())
        return visit, 201 if created else 200

    @blp.response(200, CarerVisitSchema)
    @blp.alt_response(404, description="No such visit, or not one the caller may see")
    def get(self, visit_id: UUID) -> dict[str, Any]:
        viewer = current_viewer()
        visit = visible_carer_visit(viewer, str(visit_id), today())
        record_read(viewer.worker_id, None, route_name(), carer_id=visit["carer_id"])
        return visit
