"""Changing a child's schedule one fact at a time: plan episodes, events, allocations, overrides."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..services import child_facts as service
from ..services import overrides, reallocations
from .child_schemas import (
    AllocationSchema,
    EpisodeChangeSchema,
    EpisodeInSchema,
    EpisodeSchema,
    EventInSchema,
    EventSchema,
    MoveSchema,
    OverrideEndSchema,
    OverrideInSchema,
    OverrideSchema,
    ReallocationSchema,
)
from .context import route_name, today
from .guard import current_viewer

blp = Blueprint(
    "child_facts", __name__, url_prefix="/api/children", description="Plan episodes, events, allocations, overrides."
)


@blp.route("/<child_id>/episodes")
class Episodes(MethodView):
    @blp.arguments(EpisodeInSchema())
    @blp.response(201, EpisodeSchema)
    @blp.alt_response(403, description="The plan type is visited in no role the caller holds for the child")
    def post(self, fields: dict[str, Any], child_id: str) -> dict[str, Any]:
        return service.add_episode(current_viewer(), child_id, fields, today(), route_name())


@blp.route("/<child_id>/episodes/<episode_id>")
class Episode(MethodView):
    @blp.arguments(EpisodeChangeSchema())
    @blp.response(200, EpisodeSchema)
    @blp.alt_response(403, description="The plan type is visited in no role the caller holds for the child")
    @blp.alt_response(404, description="No such child or episode, or not one the caller may see")
    def patch(self, fields: dict[str, Any], child_id: str, episode_id: str) -> dict[str, Any]:
        return service.change_episode(current_viewer(), child_id, episode_id, fields, today(), route_name())


@blp.route("/<child_id>/events")
class Events(MethodView):
    @blp.arguments(EventInSchema())
    @blp.response(201, EventSchema)
    @blp.alt_response(403, description="The event sets visits in no role the caller holds for the child")
    def post(self, fields: dict[str, Any], child_id: str) -> dict[str, Any]:
        return service.add_event(current_viewer(), child_id, fields, today(), route_name())


@blp.route("/<child_id>/allocations")
class Allocations(MethodView):
    @blp.arguments(ReallocationSchema())
    @blp.response(201, AllocationSchema)
    @blp.alt_response(403, description="Only team managers and admins reallocate")
    def post(self, fields: dict[str, Any], child_id: str) -> dict[str, Any]:
        return service.reallocate(current_viewer(), child_id, fields, today(), route_name())


@blp.route("/<child_id>/reallocation")
class Reallocation(MethodView):
    @blp.arguments(MoveSchema())
    @blp.response(201, AllocationSchema)
    @blp.alt_response(404, description="No such child or worker, or not one the caller manages")
    @blp.alt_response(409, description="The worker already holds this role for the child")
    def post(self, fields: dict[str, Any], child_id: str) -> dict[str, Any]:
        return reallocations.move_child(current_viewer(), child_id, fields, today(), route_name())


@blp.route("/<child_id>/overrides")
class Overrides(MethodView):
    @blp.arguments(OverrideInSchema())
    @blp.response(201, OverrideSchema)
    @blp.alt_response(403, description="Only the team manager of the child's team or an admin sets overrides")
    def post(self, fields: dict[str, Any], child_id: str) -> dict[str, Any]:
        return overrides.add_override(current_viewer(), child_id, fields, today(), route_name())


@blp.route("/<child_id>/overrides/<override_id>")
class OverrideRecord(MethodView):
    @blp.arguments(OverrideEndSchema())
    @blp.response(200, OverrideSchema)
    @blp.alt_response(403, description="Only the team manager of the child's team or an admin ends overrides")
    @blp.alt_response(404, description="No such child or override, or not one the caller may see")
    def patch(self, fields: dict[str, Any], child_id: str, override_id: str) -> dict[str, Any]:
        return overrides.end_override(current_viewer(), child_id, override_id, fields, today(), route_name())
