"""``/api/children``: the children a worker may see, adding one, and reading one's schedule."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import current_viewer
from ..services import children as service
from ..services.audit import record_read
from .child_schemas import (
    ChildChangeSchema,
    ChildCreateSchema,
    ChildListSchema,
    ChildSchema,
    CreatedSchema,
    ObligationListSchema,
    ProjectionListSchema,
    ProjectionQueryArgsSchema,
)
from .context import route_name, today
from .rendered import cached_json
from .schemas import AsOfQueryArgsSchema

blp = Blueprint("children", __name__, url_prefix="/api/children", description="Children and their schedules.")


@blp.route("")
class Children(MethodView):
    @blp.response(200, ChildListSchema)
    def get(self) -> dict[str, Any]:
        viewer = current_viewer()
        children = service.visible_children(viewer, today())
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
        viewer, now = current_viewer(), today()
        as_of = query.get("as_of") or now
        # The viewer is part of the key: whether they may see the child is checked when rendering.
        response = cached_json(
            ("obligations", viewer, child_id, as_of, now),
            lambda: service.child_obligations(viewer, child_id, as_of, now),
        )
        record_read(viewer.worker_id, child_id, route_name())
        return response


@blp.route("/<child_id>/projections")
class ChildProjections(MethodView):
    @blp.arguments(ProjectionQueryArgsSchema(), location="query")
    @blp.response(200, ProjectionListSchema)
    def get(self, query: dict[str, Any], child_id: str) -> dict[str, Any]:
        viewer, now = current_viewer(), today()
        projections = service.child_projections(viewer, child_id, query.get("as_of") or now, query["count"], now)
        record_read(viewer.worker_id, child_id, route_name())
        return {"projections": projections}
