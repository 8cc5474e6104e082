"""``/api/caseload``: the signed-in worker's obligations across their children, soonest first."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import current_viewer
from ..core.scheduling import STATUSES
from ..services.audit import record_read
from ..services.caseload import worker_caseload
from .context import route_name, today
from .fields import IsoDate
from .schemas import AsOfQueryArgsSchema, CaseloadObligationSchema

blp = Blueprint("caseload", __name__, url_prefix="/api/caseload", description="A worker's caseload.")


class CaseloadQueryArgsSchema(AsOfQueryArgsSchema):
    status = fields.String(
        validate=validate.OneOf(STATUSES), metadata={"description": "Only obligations with this status"}
    )


class CaseloadSchema(Schema):
    as_of = IsoDate()
    obligations = fields.List(fields.Nested(CaseloadObligationSchema))


@blp.route("")
class Caseload(MethodView):
    @blp.arguments(CaseloadQueryArgsSchema, location="query")
    @blp.response(200, CaseloadSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        now = today()
        as_of = query.get("as_of") or now
        worker_id = current_viewer().worker_id
        entries = worker_caseload(worker_id, as_of, now)
        record_read(worker_id, None, route_name())
        wanted = query.get("status")
        return {
            "as_of": as_of,
            "obligations": [
                entry.as_dict() for entry in entries if wanted is None or entry.obligation.status == wanted
            ],
        }
