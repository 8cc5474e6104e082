"""``/api/teams/<id>/overview``: a team manager's view of the team's visits."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..core.vocabulary import PLAN_TYPES
from ..services.audit import record_read
from ..services.overview import overseen_teams, overview_period, require_team, team_overview
from .carer_schemas import CARER_DUTIES, CaseloadCarerSchema
from .context import route_name, today
from .fields import IsoDate
from .guard import current_viewer
from .overview_csv import COLUMNS, OVERDUE_COLUMNS, overdue_rows, overview_rows
from .rendered import cached_json
from .schemas import AsOfQueryArgsSchema, CaseloadObligationSchema, UnscheduledChildSchema
from .spreadsheets import csv_response

blp = Blueprint("teams", __name__, url_prefix="/api/teams", description="Team overviews for managers.")


class OverviewQueryArgsSchema(AsOfQueryArgsSchema):
    from_ = IsoDate(
        data_key="from",
        attribute="from",
        metadata={"description": "Timeliness period start (default: to minus 3 months)"},
    )
    to = IsoDate(metadata={"description": "Timeliness period end (default: as_of)"})


class OverviewCsvQueryArgsSchema(OverviewQueryArgsSchema):
    section = fields.String(
        validate=validate.OneOf(["overdue"]),
        metadata={"description": "overdue: only the overdue list, in its own columns (default: the whole overview)"},
    )


class TeamSchema(Schema):
    id = fields.String()
    name = fields.String()


class WorkerCountsSchema(Schema):
    id = fields.String()
    name = fields.String()
    role = fields.String()
    overdue = fields.Integer()
    due_today = fields.Integer()
    due_soon = fields.Integer()


class OverdueObligationSchema(CaseloadObligationSchema):
    worker_id = fields.String()
    worker_name = fields.String()
    days_overdue = fields.Integer(metadata={"description": "Calendar days from due to as_of"})
    escalated = fields.Boolean(metadata={"description": "The team manager was sent this missed due date"})


class UnscheduledTeamChildSchema(UnscheduledChildSchema):
    worker_id = fields.String()
    worker_name = fields.String()


class AllocatedOutsideSchema(Schema):
    """One role of one of the team's children, allocated to a worker of another team."""

    child_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    role = fields.String()
    worker_id = fields.String()
    worker_name = fields.String()
    team_name = fields.String(allow_none=True, metadata={"description": "The worker's team (null: none)"})
    due = IsoDate(allow_none=True, metadata={"description": "The role's soonest visit due (null: none)"})
    status = fields.String(allow_none=True, metadata={"description": "Its status, as on a caseload"})


class UnallocatedSchema(Schema):
    """One of the team's children with a visit due in a role nobody holds, or allocated in no role."""

    child_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    role = fields.String(
        allow_none=True,
        metadata={"description": "The role nobody holds (null: a plan no rule covers, of a child allocated in none)"},
    )
    plan_type = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(PLAN_TYPES)),
        metadata={"description": "The plan of the soonest visit due, or the plan no rule covers (null: see reason)"},
    )
    due = IsoDate(allow_none=True, metadata={"description": "The role's soonest visit due (null: see reason)"})
    status = fields.String(allow_none=True, metadata={"description": "Its status, as on a caseload"})
    reason = fields.String(
        allow_none=True,
        metadata={"description": "Why no visit is due, as on a caseload's unscheduled list (null: one is due)"},
    )


class UnsupervisedSchema(Schema):
    """One of the team's carers with no supervising social worker."""

    carer_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    duty = fields.String(
        allow_none=True,
        validate=validate.OneOf(CARER_DUTIES),
        metadata={"description": "The duty of the carer's soonest visit due (null: none)"},
    )
    due = IsoDate(allow_none=True, metadata={"description": "The carer's soonest visit due (null: none)"})
    status = fields.String(allow_none=True, metadata={"description": "Its status, as on a caseload"})


class SupervisedOutsideSchema(UnsupervisedSchema):
    """One of the team's carers, supervised by a worker of another team."""

    worker_id = fields.String()
    worker_name = fields.String()
    team_name = fields.String(allow_none=True, metadata={"description": "The worker's team (null: none)"})


class TimelinessSchema(Schema):
    from_ = IsoDate(data_key="from", attribute="from")
    to = IsoDate()
    fell_due = fields.Integer()
    in_time = fields.Integer()
    percent = fields.Float(allow_none=True)


class PlanStandingCountsSchema(Schema):
    on_time = fields.Integer(metadata={"description": "Planned on or before plan_by"})
    late = fields.Integer(metadata={"description": "Planned, but after plan_by"})
    none = fields.Integer(metadata={"description": "No plan in person answers the due date"})


class PlanCountsSchema(Schema):
    overdue = fields.Nested(PlanStandingCountsSchema)
    due_today = fields.Nested(PlanStandingCountsSchema)
    due_soon = fields.Nested(PlanStandingCountsSchema)


class PracticeCheckCountsSchema(Schema):
    children = fields.Integer(metadata={"description": "Children raising any check"})
    seen_alone = fields.Integer()
    bedroom_seen = fields.Integer()
    seen_awake = fields.Integer()


class OverdueCarerSchema(CaseloadCarerSchema):
    worker_id = fields.String(allow_none=True, metadata={"description": "Null: the carer has no supervising worker"})
    worker_name = fields.String(allow_none=True)


class TeamCarersSchema(Schema):
    overdue = fields.Integer()
    due_today = fields.Integer()
    due_soon = fields.Integer()
    overdue_list = fields.List(fields.Nested(OverdueCarerSchema))


class PlanTypeTimescaleSchema(Schema):
    plan_type = fields.String(validate=validate.OneOf(list(PLAN_TYPES)))
    due = fields.Integer(metadata={"description": "Visits that fell due in the period"})
    in_time = fields.Integer(metadata={"description": "Of those, made on or before their due date"})
    no_access = fields.Integer(metadata={"description": "Visits in person in the period where the child was not seen"})


class WorkerTimescaleSchema(Schema):
    worker_id = fields.String()
    due = fields.Integer(metadata={"description": "Visits that fell due in the period while they held the role"})
    in_time = fields.Integer()
    no_access = fields.Integer()


class TrendMonthSchema(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    plan_type = fields.String(validate=validate.OneOf(list(PLAN_TYPES)))
    due = fields.Integer()
    in_time = fields.Integer()


class DeadlineTimelinessSchema(Schema):
    kind = fields.String(metadata={"description": "A kind of deadline that is not a visit (DEADLINE_KINDS)"})
    due = fields.Integer(metadata={"description": "Deadlines of this kind that fell due in the period"})
    met_in_time = fields.Integer(metadata={"description": "Of those, met on or before their day"})
    overdue = fields.Integer(metadata={"description": "Of those, still open and overdue at the period's end"})


class OverviewSchema(Schema):
    team = fields.Nested(TeamSchema)
    as_of = IsoDate()
    workers = fields.List(fields.Nested(WorkerCountsSchema))
    overdue = fields.List(fields.Nested(OverdueObligationSchema))
    unscheduled = fields.List(
        fields.Nested(UnscheduledTeamChildSchema),
        metadata={"description": "Children with an active plan no visiting rule covers, by allocated worker"},
    )
    allocated_outside = fields.List(
        fields.Nested(AllocatedOutsideSchema),
        metadata={
            "description": "The team's children with a role allocated to a worker of another team (one moved "
            "by the directory, say), by reference: each for this team's manager to reallocate; their visits "
            "count in the worker's team's lists"
        },
    )
    supervised_outside = fields.List(
        fields.Nested(SupervisedOutsideSchema),
        metadata={
            "description": "The team's carers supervised by a worker of another team (one moved by the "
            "directory, say), by reference: each for this team's manager to give a supervising social worker "
            "of the team (PATCH /api/carers/<id>); they count in this team's carers until then"
        },
    )
    unallocated = fields.List(
        fields.Nested(UnallocatedSchema),
        metadata={
            "description": "The team's children on no worker's list: each role with a visit due that nobody "
            "holds today (the allocation ended, say), with the soonest; each active plan no rule covers of a "
            "child allocated in no role, and each child whose dates the engine cannot use, with a reason. "
            "Soonest due first (the overdue lead), then those with no due date. For this team's manager to "
            "allocate (POST /api/children/<id>/reallocation)"
        },
    )
    unsupervised = fields.List(
        fields.Nested(UnsupervisedSchema),
        metadata={
            "description": "The team's carers with no supervising social worker, by reference: on no worker's "
            "list and in none of the team's carer counts until this team's manager chooses one "
            "(PATCH /api/carers/<id>)"
        },
    )
    plans = fields.Nested(PlanCountsSchema)
    timeliness = fields.Nested(TimelinessSchema)
    practice_checks = fields.Nested(
        PracticeCheckCountsSchema, metadata={"description": "The team's children raising practice checks on as_of"}
    )
    carers = fields.Nested(
        TeamCarersSchema,
        metadata={
            "description": "Visits due to the team's carers: those it holds, whoever supervises them, and those "
            "no team holds supervised by its workers"
        },
    )
    by_plan_type = fields.List(
        fields.Nested(PlanTypeTimescaleSchema),
        metadata={"description": "Visits in timescale in the period, per plan type (those with any)"},
    )
    by_worker = fields.List(fields.Nested(WorkerTimescaleSchema), metadata={"description": "The same, per worker"})
    trend = fields.List(
        fields.Nested(TrendMonthSchema),
        metadata={"description": "Visits in timescale in each of the 12 months up to as_of, per plan type"},
    )
    deadlines = fields.List(
        fields.Nested(DeadlineTimelinessSchema),
        metadata={"description": "Deadlines that are not visits in the period, per kind (those with any)"},
    )


class TeamListSchema(Schema):
    teams = fields.List(fields.Nested(TeamSchema))


@blp.route("")
class Teams(MethodView):
    @blp.response(200, TeamListSchema)
    def get(self) -> dict[str, Any]:
        """The teams whose overview the caller may open: every team for an admin, their own for a manager."""
        return {"teams": overseen_teams(current_viewer())}


@blp.route("/<team_id>/overview")
class TeamOverview(MethodView):
    @blp.arguments(OverviewQueryArgsSchema(), location="query")
    @blp.response(200, OverviewSchema)
    @blp.alt_response(404, description="No such team, or not one the caller manages")
    def get(self, query: dict[str, Any], team_id: str) -> Response:
        response = overview_response(query, team_id)
        record_read(current_viewer().worker_id, None, route_name())
        return response


@blp.route("/<team_id>/overview.csv")
class TeamOverviewCsv(MethodView):
    @blp.arguments(OverviewCsvQueryArgsSchema(), location="query")
    @blp.response(200, content_type="text/csv", description="The overview as one table with a header row")
    @blp.alt_response(404, description="No such team, or not one the caller manages")
    def get(self, query: dict[str, Any], team_id: str) -> Response:
        overview = json.loads(overview_response(query, team_id).get_data())
        record_read(current_viewer().worker_id, None, route_name())
        if query.get("section") == "overdue":
            return csv_response(OVERDUE_COLUMNS, overdue_rows(overview), f"team-overdue-{overview['as_of']}.csv")
        return csv_response(COLUMNS, overview_rows(overview), f"team-overview-{overview['as_of']}.csv")


def overview_response(query: dict[str, Any], team_id: str) -> Response:
    """The overview's JSON, from the rendered cache: one team's document is the same for every
    manager and admin who may see it, and costs a replay of the year's visits to build."""
    viewer, today_date = current_viewer(), today()
    as_of = query.get("as_of") or today_date
    require_team(viewer, team_id)  # on every request, cached body or not
    start, end = overview_period(as_of, query.get("from"), query.get("to"))
    return cached_json(
        ("team_overview", team_id, as_of, start, end, today_date),
        lambda: OverviewSchema().dump(team_overview(viewer, team_id, as_of, start, end, today_date)),
    )
