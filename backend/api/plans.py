"""``/api/plans``: planned contacts, made idempotently with a client id like visits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, post_load, validate

from ..core.vocabulary import CONTACT_KINDS, VISIT_ROLES
from ..persistence.plans import NOTE_LENGTH, PLAN_STATUSES
from ..plans.completion import Completion, complete_plan
from ..plans.service import PlanRequest, cancel_plan, list_plans, put_plan, visible_plan
from ..services.audit import record_read
from .child_schemas import ID
from .context import now, route_name
from .fields import IsoDate, LocalDateTime, StrictBoolean, plain_text
from .guard import current_viewer
from .schemas import VisitSchema

blp = Blueprint("plans", __name__, url_prefix="/api/plans", description="Planned contacts with children.")

MAX_DURATION_MINUTES = 12 * 60


class PlanRequestSchema(Schema):
    child_id = fields.String(required=True, validate=ID)
    starts_at = LocalDateTime(
        required=True,
        metadata={"description": "Local time in Europe/London (2026-11-24T14:00) unless it carries an offset"},
    )
    duration_minutes = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=MAX_DURATION_MINUTES)
    )
    kind = fields.String(required=True, validate=validate.OneOf(list(CONTACT_KINDS)))
    note = fields.String(allow_none=True, validate=[validate.Length(max=NOTE_LENGTH), plain_text])
    role = fields.String(validate=validate.OneOf(list(VISIT_ROLES)), metadata={"description": "Default: the caller's"})

    @post_load
    def to_request(self, data: dict[str, Any], **_: Any) -> PlanRequest:
        return PlanRequest(**{**data, "note": data.get("note") or ""})


class PlanWarningSchema(Schema):
    code = fields.String()
    message = fields.String()


class PlanSchema(Schema):
    id = fields.String()
    child_id = fields.String()
    role = fields.String()
    planner_id = fields.String()
    starts_at = fields.String(metadata={"description": "Local time in Europe/London with its offset"})
    ends_at = fields.String(allow_none=True)
    date = IsoDate(metadata={"description": "The local date of the start"})
    duration_minutes = fields.Integer(allow_none=True)
    kind = fields.String()
    in_person = fields.Boolean(metadata={"description": "Whether this contact can count as a visit"})
    note = fields.String(allow_none=True, metadata={"description": "The planner's note to self; null for others"})
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    visit_id = fields.String(allow_none=True)
    on_time = fields.Boolean(metadata={"description": "On or before plan_by for the plan's role"})
    due = IsoDate(allow_none=True)
    plan_by = IsoDate(allow_none=True)
    warnings = fields.List(fields.Nested(PlanWarningSchema))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class PlanListSchema(Schema):
    plans = fields.List(fields.Nested(PlanSchema))


class PlanQueryArgsSchema(Schema):
    child_id = fields.String(
        validate=ID, metadata={"description": "That child's plans; without it, the caller's own plans"}
    )
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))


class CompletionSchema(Schema):
    date = IsoDate(metadata={"description": "Default: the plan's local date"})
    child_seen = StrictBoolean(metadata={"description": "Default: true in person and by video, false otherwise"})
    seen_alone = StrictBoolean(allow_none=True)
    visit_id = fields.UUID(metadata={"description": "The visit's client id; default: derived from the plan id"})

    @post_load
    def to_completion(self, data: dict[str, Any], **_: Any) -> Completion:
        visit_id = data.pop("visit_id", None)
        return Completion(**data, visit_id=str(visit_id) if visit_id else None)


class CompletedSchema(Schema):
    plan = fields.Nested(PlanSchema)
    visit = fields.Nested(VisitSchema)


@blp.route("")
class Plans(MethodView):
    @blp.arguments(PlanQueryArgsSchema(), location="query")
    @blp.response(200, PlanListSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        viewer = current_viewer()
        plans = list_plans(viewer, query.get("child_id"), query.get("status"), now())
        # One child's plans are a read of that child; the caller's own plans, a listing (no child id).
        record_read(viewer.worker_id, query.get("child_id"), route_name())
        return {"plans": plans}


@blp.route("/<uuid:plan_id>")
class Plan(MethodView):
    @blp.arguments(PlanRequestSchema())
    @blp.response(201, PlanSchema, description="Created")
    @blp.alt_response(200, schema=PlanSchema, description="Replaced (moved), or the same plan again: nothing changed")
    @blp.alt_response(403, description="Another worker's plan")
    @blp.alt_response(404, description="No such child, or not one the caller may see")
    @blp.alt_response(409, description="The id belongs to another child's plan, or to a completed or cancelled one")
    def put(self, request: PlanRequest, plan_id: UUID) -> tuple[dict[str, Any], int]:
        plan, created = put_plan(current_viewer(), str(plan_id), request, now(), route_name())
        return plan, 201 if created else 200

    @blp.response(200, PlanSchema)
    def get(self, plan_id: UUID) -> dict[str, Any]:
        viewer = current_viewer()
        plan = visible_plan(viewer, str(plan_id), now())
        record_read(viewer.worker_id, plan["child_id"], route_name())
        return plan

    @blp.response(204)
    @blp.alt_response(409, description="The plan is completed")
    def delete(self, plan_id: UUID) -> None:
        cancel_plan(current_viewer(), str(plan_id), now(), route_name())


@blp.route("/<uuid:plan_id>/complete")
class PlanCompletion(MethodView):
    @blp.arguments(CompletionSchema())
    @blp.response(201, CompletedSchema, description="The visit was recorded and the plan completed")
    @blp.alt_response(200, schema=CompletedSchema, description="Already completed with this visit: nothing changed")
    @blp.alt_response(409, description="The plan was cancelled, or completed with another visit")
    def post(self, completion: Completion, plan_id: UUID) -> tuple[dict[str, Any], int]:
        result, created = complete_plan(current_viewer(), str(plan_id), completion, now(), route_name())
        return result, 201 if created else 200
