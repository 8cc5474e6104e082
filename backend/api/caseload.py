"""``/api/caseload``: the signed-in worker's obligations across their children, soonest first."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..core.scheduling import STATUSES
from ..services.audit import record_read
from ..services.carers import CarerEntry, supervised_carers
from ..services.caseload import UnscheduledEntry, obligation_identity, sort_key, workers_caseloads_in_full
from ..services.covers import covered_workers, with_covered
from ..services.worker_deadlines import WEEK_AHEAD, deadline_identity
from ..services.worker_deadlines import sort_key as deadline_order
from .carer_schemas import CaseloadCarerSchema
from .context import route_name, today
from .fields import IsoDate
from .guard import current_viewer
from .rendered import cached_json
from .schemas import AsOfQueryArgsSchema, CaseloadObligationSchema, DeadlineSchema, UnscheduledChildSchema

Entry = TypeVar("Entry")

blp = Blueprint("caseload", __name__, url_prefix="/api/caseload", description="A worker's caseload.")


class CaseloadQueryArgsSchema(AsOfQueryArgsSchema):
    status = fields.String(
        validate=validate.OneOf(STATUSES), metadata={"description": "Only obligations with this status"}
    )


def covering_for_field() -> fields.String:
    return fields.String(
        allow_none=True,
        metadata={
            "description": "The absent colleague's name whose child (or carer) this is, while the worker "
            'covers ("acts for") them; null: the worker\'s own'
        },
    )


class OwnCaseloadObligationSchema(CaseloadObligationSchema):
    covering_for = covering_for_field()


class OwnUnscheduledChildSchema(UnscheduledChildSchema):
    covering_for = covering_for_field()


class OwnCaseloadCarerSchema(CaseloadCarerSchema):
    covering_for = covering_for_field()


class CaseloadDeadlineSchema(DeadlineSchema):
    """A deadline of one of the worker's children: the child's deadline fields, and which child."""

    child_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    covering_for = covering_for_field()


class CaseloadSchema(Schema):
    as_of = IsoDate()
    obligations = fields.List(fields.Nested(OwnCaseloadObligationSchema))
    unscheduled = fields.List(
        fields.Nested(OwnUnscheduledChildSchema),
        metadata={"description": "Children with an active plan no visiting rule covers: check each one"},
    )
    carers = fields.List(
        fields.Nested(OwnCaseloadCarerSchema),
        metadata={"description": "Visits due to the carers the worker supervises, soonest first"},
    )
    deadlines = fields.List(
        fields.Nested(CaseloadDeadlineSchema),
        metadata={
            "description": "Deadlines that are not visits (write-ups, conferences, reviews) of the worker's "
            "children, and of the children of colleagues they cover, overdue or due within the week from "
            "as_of, soonest first; not filtered by status"
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
    # The children and carers of colleagues the worker covers today are on their list too, each
    # labelled with the colleague's name, so that the one list they carry (offline) holds the
    # child or carer they stand at the door of; cover ended, they leave it.
    covered = covered_workers(worker_id, today)
    holders = [worker_id, *covered]
    caseloads = workers_caseloads_in_full(holders, as_of, today, deadlines_until=as_of + WEEK_AHEAD)
    carers = supervised_carers(holders, as_of)
    return {
        "as_of": as_of.isoformat(),
        "obligations": [
            entry.as_dict() | {"covering_for": absent}
            for entry, absent in in_reach(caseloads.entries, worker_id, covered, obligation_identity, sort_key)
            if wanted is None or entry.obligation.status == wanted
        ],
        "unscheduled": [
            entry.as_dict() | {"covering_for": absent}
            for entry, absent in in_reach(caseloads.unscheduled, worker_id, covered, gap_identity, gap_order)
        ],
        "carers": [
            entry.as_dict() | {"covering_for": absent}
            for entry, absent in in_reach(carers, worker_id, covered, carer_identity, carer_order)
            if wanted is None or entry.obligation.status == wanted
        ],
        "deadlines": [
            entry.as_dict() | {"covering_for": absent}
            for entry, absent in in_reach(caseloads.deadlines, worker_id, covered, deadline_identity, deadline_order)
        ],
    }


def in_reach(
    by_worker: Mapping[str, Sequence[Entry]],
    worker_id: str,
    covered: dict[str, str],
    identity: Callable[[Entry], Hashable],
    order: Callable[[Entry], Any],
) -> list[tuple[Entry, str | None]]:
    """The worker's entries and those of the colleagues they cover, each once (as the worker's own
    when they hold it too: covers.with_covered), in ``order``, with the absent colleague's name
    (None: the worker's own)."""
    reach = with_covered(by_worker, worker_id, covered, identity)
    return [
        (entry, covered[absent] if absent else None) for entry, absent in sorted(reach, key=lambda pair: order(pair[0]))
    ]


def gap_identity(entry: UnscheduledEntry) -> tuple[str, str]:
    return (entry.child_id, entry.plan_type)


def gap_order(entry: UnscheduledEntry) -> tuple[str, str]:
    return (entry.reference, entry.plan_type)


def carer_identity(entry: CarerEntry) -> tuple[str, str, date]:
    return (entry.carer_id, entry.obligation.duty, entry.obligation.due)


def carer_order(entry: CarerEntry) -> tuple[date, str, str]:
    """As ``supervised_carers`` sorts each worker's: soonest first."""
    return (entry.obligation.due, entry.obligation.duty, entry.reference)
