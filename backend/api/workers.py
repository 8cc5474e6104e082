"""``/api/workers/<id>/...``: a team manager's (or an admin's) view of one worker's caseload."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..services import covers
from ..services.access import overseen_worker
from ..services.audit import record_read
from .caseload import CaseloadQueryArgsSchema, CaseloadSchema, caseload_document
from .child_schemas import ID
from .context import route_name, today
from .fields import IsoDate
from .guard import current_viewer
from .rendered import cached_json

blp = Blueprint("workers", __name__, url_prefix="/api/workers", description="Workers, as their managers see them.")


@blp.route("/<worker_id>/caseload")
class WorkerCaseload(MethodView):
    @blp.arguments(CaseloadQueryArgsSchema(), location="query")
    @blp.response(200, CaseloadSchema)
    @blp.alt_response(
        404, description="No such worker, or not one the caller manages (the caller's own: /api/caseload)"
    )
    def get(self, query: dict[str, Any], worker_id: str) -> Response:
        viewer, today_date = current_viewer(), today()
        worker = overseen_worker(viewer, worker_id, today_date)  # on every request, cached body or not
        as_of, wanted = query.get("as_of") or today_date, query.get("status")
        # The same key as the worker's own /api/caseload: the same document, rendered once.
        response = cached_json(
            ("caseload", worker.id, as_of, today_date, wanted),
            lambda: caseload_document(worker.id, as_of, today_date, wanted),
        )
        record_read(viewer.worker_id, None, route_name())
        return response


class CoverInSchema(Schema):
    """A colleague of the absent worker's team acts for them from ``from`` to ``until`` (both included)."""

    worker_id = fields.String(required=True, validate=ID)
    from_ = IsoDate(data_key="from", attribute="from", required=True)
    until = IsoDate(required=True, metadata={"description": "The last day of cover"})


class CoverSchema(Schema):
    id = fields.String()
    worker_id = fields.String(metadata={"description": "The colleague who covers"})
    worker_name = fields.String()
    from_ = IsoDate(data_key="from", attribute="from")
    until = IsoDate()
    granted_by = fields.String()


class CoverListSchema(Schema):
    covers = fields.List(fields.Nested(CoverSchema))


@blp.route("/<worker_id>/cover")
class Cover(MethodView):
    @blp.response(200, CoverListSchema)
    @blp.alt_response(404, description="No such worker, or not one the caller manages")
    def get(self, worker_id: str) -> dict[str, Any]:
        return {"covers": covers.covers_of(current_viewer(), worker_id, today())}

    @blp.arguments(CoverInSchema())
    @blp.response(201, CoverSchema)
    @blp.alt_response(404, description="No such worker or colleague, or not one the caller manages")
    def post(self, cover: dict[str, Any], worker_id: str) -> dict[str, Any]:
        return covers.grant_cover(current_viewer(), worker_id, cover, route_name())


@blp.route("/<worker_id>/cover/<cover_id>")
class CoverRecord(MethodView):
    @blp.response(204)
    @blp.alt_response(404, description="No such worker or cover, or not one the caller manages")
    def delete(self, worker_id: str, cover_id: str) -> None:
        covers.end_cover(current_viewer(), worker_id, cover_id, today(), route_name())
