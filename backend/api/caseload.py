"""``/api/caseload``: the signed-in worker's obligations across their children, soonest first."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..core.scheduling import STATUSES
from ..services.audit import record_read
from ..services.carers import supervised_carers
from ..services.caseload import sort_key, workers_caseloads_in_full
from ..services.covers import covered_workers
from ..services.worker_deadlines import WEEK_AHEAD
from .carer_schemas import CaseloadCarerSchema
from .context import route_name, today
from .fields import IsoDate
from .guard import current_viewer
from .rendered import cached_json
from .schemas import AsOfQueryArgsSchema, CaseloadObligationSchema, DeadlineSchema, UnscheduledChildSchema

blp = Blueprint("caseload", __name__, url_prefix="/api/caseload", description="A worker's caseload.")


class CaseloadQueryArgsSchema(AsOfQueryArgsSchema):
    status = fields.String(
        validate=validate.OneOf(STATUSES), metadata={"description": "Only obligations with this status"}
    )


class OwnCaseloadObligationSchema(CaseloadObligationSchema):
    covering_for = fields.String(
        allow_none=True,
        metadata={
            "description": "The absent colleague's name whose child this is, while the worker covers "
            '("acts for") them; null: the worker\'s own'
        },
    )


class CaseloadDeadlineSchema(DeadlineSchema):
    """A deadline of one of the worker's children: the child's deadline fields, and which child."""

    child_id = fields.String()
    reference = fields.String()
    initials = fields.String()


class CaseloadSchema(Schema):
    as_of = IsoDate()
    obligations = fields.List(fields.Nested(OwnCaseloadObligationSchema))
    unscheduled = fields.List(
        fields.Nested(UnscheduledChildSchema),
        metadata={"description": "Children with an active plan no visiting rule covers: check each one"},
    )
    carers = fields.List(
        fields.Nested(CaseloadCarerSchema),
        metadata={"description": "Visits due to the carers the worker supervises, soonest first"},
    )
    deadlines = fields.List(
        fields.Nested(CaseloadDeadlineSchema),
        metadata={
            "description": "Deadlines that are not visits (write-ups, conferences, reviews) of the worker's "
            "children, overdue or due within the week from as_of, soonest first; not filtered by status"
        },
    )


@blp.route("")
class Caseload(MethodView):
    @blp.arguments(CaseloadQueryArgsSchema(), location="query")
    @blp.response(200, CaseloadSchema)
    def get(self, query: dict[str, Any]) -> Response:
        worker_id, today_date = current_viewer().worker_id, today()
        as_of, wanted = query.get("as_of") or today_date, query.get("status")
        response = cached_json(
            ("caseload", worker_id, as_of, today_date, wanted),
            lambda: caseload_document(worker_id, as_of, today_date, wanted),
        )
        record_read(worker_id, None, route_name())
        return response


def caseload_document(worker_id: str, as_of: date, today: date, wanted: str | None) -> dict[str, Any]:
    """What ``CaseloadSchema`` dumps, built directly: a schema walks each of hundreds of fields
    per caseload in Python, several times the cost of the engine (a test holds them equal)."""
    # The children of colleagues the worker covers today are on their list too, so that the one
    # list they carry (offline) holds the child they stand at the door of.
    covered = covered_workers(worker_id, today)
    caseloads = workers_caseloads_in_full([worker_id, *covered], as_of, today, deadlines_until=as_of + WEEK_AHEAD)
    entries = sorted(
        (
            (entry, covered.get(holder))
            for holder in [worker_id, *covered]
            for entry in caseloads.entries.get(holder, [])
        ),
        key=lambda pair: sort_key(pair[0]),
    )
    return {
        "as_of": as_of.isoformat(),
        "obligations": [
            entry.as_dict() | {"covering_for": absent}
            for entry, absent in entries
            if wanted is None or entry.obligation.status == wanted
        ],
        "unscheduled": [entry.as_dict() for entry in caseloads.unscheduled.get(worker_id, [])],
        "carers": [
            entry.as_dict()
            for entry in supervised_carers([worker_id], as_of).get(worker_id, [])
            if wanted is None or entry.obligation.status == wanted
        ],
        "deadlines": [entry.as_dict() for entry in caseloads.deadlines.get(worker_id, [])],
    }
