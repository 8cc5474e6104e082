"""``/api/carers``: foster carers and connected persons, with the visits due to them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..services import carers as service
from ..services.audit import record_read
from .carer_schemas import CarerChangeSchema, CarerCreateSchema, CarerListSchema, CarerSchema
from .child_schemas import CreatedSchema
from .context import route_name, today
from .guard import current_viewer
from .schemas import AsOfQueryArgsSchema

blp = Blueprint("carers", __name__, url_prefix="/api/carers", description="Carers and their visits due.")


@blp.route("")
class Carers(MethodView):
    @blp.arguments(AsOfQueryArgsSchema(), location="query")
    @blp.response(200, CarerListSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        viewer = current_viewer()
        carers = service.visible_carers(viewer, query.get("as_of") or today(), today())
        record_read(viewer.worker_id, None, route_name())
        return {"carers": carers}

    @blp.arguments(CarerCreateSchema())
    @blp.response(201, CreatedSchema)
    @blp.alt_response(403, description="Only team managers and admins add carers")
    @blp.alt_response(409, description="The carer reference is taken")
    def post(self, payload: dict[str, Any]) -> dict[str, str]:
        return {"id": service.create_carer(current_viewer(), payload, today(), route_name())}


@blp.route("/<carer_id>")
class CarerRecord(MethodView):
    @blp.arguments(AsOfQueryArgsSchema(), location="query")
    @blp.response(200, CarerSchema)
    @blp.alt_response(404, description="No such carer, or not one the caller may see")
    def get(self, query: dict[str, Any], carer_id: str) -> dict[str, Any]:
        viewer = current_viewer()
        detail = service.carer_detail(viewer, carer_id, query.get("as_of") or today(), today())
        record_read(viewer.worker_id, None, route_name(), carer_id=carer_id)
        return detail

    @blp.arguments(CarerChangeSchema())
    @blp.response(200, CarerSchema)
    @blp.alt_response(403, description="Only team managers and admins change carers")
    @blp.alt_response(404, description="No such carer, or not one the caller may see")
    def patch(self, changes: dict[str, Any], carer_id: str) -> dict[str, Any]:
        return service.update_carer(current_viewer(), carer_id, changes, today(), route_name())
