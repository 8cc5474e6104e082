"""``/api/workers/<id>/...``: a team manager's (or an admin's) view of one worker's caseload."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..services.access import overseen_worker
from ..services.audit import record_read
from .caseload import CaseloadQueryArgsSchema, CaseloadSchema, caseload_document
from .context import route_name, today
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
        worker = overseen_worker(viewer, worker_id)  # on every request, cached body or not
        as_of, wanted = query.get("as_of") or today_date, query.get("status")
        # The same key as the worker's own /api/caseload: the same document, rendered once.
        response = cached_json(
            ("caseload", worker.id, as_of, today_date, wanted),
            lambda: caseload_document(worker.id, as_of, today_date, wanted),
        )
        record_read(viewer.worker_id, None, route_name())
        return response
