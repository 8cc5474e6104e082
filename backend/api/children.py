"""``/api/children``: the children a worker may see, adding one, and reading one's schedule."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..services import children as service
from ..services.audit import record_read
from .child_schemas import (
    ChildChangeSchema,
    ChildCreateSchema,
    ChildListSchema,
    ChildSchema,
    ChildSearchQueryArgsSchema,
    CreatedSchema,
    DeadlineListSchema,
    ObligationListSchema,
    ProjectionListSchema,
    ProjectionQueryArgsSchema,
)
from .context import route_name, today
from .guard import current_viewer
from .rendered import cached_json
from .schemas import AsOfQueryArgsSchema

blp = Blueprint("children", __name__, url_prefix="/api/children", description="Children and their schedules.")


@blp.route("")
class Children(MethodView):
    @blp.arguments(ChildSearchQueryArgsSchema(), location="query")
    @blp.response(200, ChildListSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        viewer = current_viewer()
        children = service.visible_children(viewer, today(), query.get("q"))
        record_read(viewer.worker_id, None, route_name())
        return {"children": children}

    @blp.arguments(ChildCreateSchema())
    @blp.response(201, CreatedSchema)
    @blp.alt_response(403, description="Only team managers and admins add children")
    @blp.alt_response(409, description="The case reference is taken")
    def post(self, payload: dict[str, Any]) -> dict[str, str]:
        return {"id": service.create_child(current_viewer(), payload, today(), route_name())}


@blp.route("/<child_id>")
class ChildRecord(MethodView):
    @blp.response(200, ChildSchema)
    @blp.alt_response(404, description="No such child, or not one the caller may see")
    def get(self, child_id: str) -> dict[str, Any]:
        viewer = current_viewer()
        detail = service.child_detail(viewer, child_id, today())
        record_read(viewer.worker_id, child_id, route_name())
        return detail

    @blp.arguments(ChildChangeSchema())
    @blp.response(200, ChildSchema)
    def patch(self, changes: dict[str, Any], child_id: str) -> dict[str, Any]:
        return service.update_child(current_viewer(), child_id, changes, today(), route_name())


@blp.route("/<child_id>/obligations")
class ChildObligations(MethodView):
    @blp.arguments(AsOfQueryArgsSchema(), location="query")
    @blp.response(200, ObligationListSchema)
    def get(self, query: dict[str, Any], child_id: str) -> Response:
        viewer, today_date = current_viewer(), today()
        as_of = query.get("as_of") or today_date
        service.require_visible_child(viewer, child_id, today_date)  # on every request, cached body or not
        response = cached_json(
            ("obligations", child_id, as_of, today_date),
            lambda: service.obligations_of(child_id, as_of),
        )
        record_read(viewer.worker_id, child_id, route_name())
        return response


@blp.route("/<child_id>/deadlines")
class ChildDeadlines(MethodView):
    @blp.arguments(AsOfQueryArgsSchema(), location="query")
    @blp.response(200, DeadlineListSchema)
    @blp.alt_response(404, description="No such child, or not one the caller may see")
    def get(self, query: dict[str, Any], child_id: str) -> Response:
        """Deadlines that are not visits (conferences, reviews, write-ups...): as ``flask due`` gives them."""
        viewer, today_date = current_viewer(), today()
        as_of = query.get("as_of") or today_date
        service.require_visible_child(viewer, child_id, today_date)  # on every request, cached body or not
        response = cached_json(
            ("deadlines", child_id, as_of, today_date),
            lambda: service.deadlines_of(child_id, as_of),
        )
        record_read(viewer.worker_id, child_id, route_name())
        return response


@blp.route("/<child_id>/projections")
class ChildProjections(MethodView):
    @blp.arguments(ProjectionQueryArgsSchema(), location="query")
    @blp.response(200, ProjectionListSchema)
    def get(self, query: dict[str, Any], child_id: str) -> dict[str, Any]:
        viewer, today_date = current_viewer(), today()
        projections = service.child_projections(
            viewer, child_id, query.get("as_of") or today_date, query["count"], today_date
        )
        record_read(viewer.worker_id, child_id, route_name())
        return {"projections": projections}
