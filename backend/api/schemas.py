"""Shapes shared by several resources: obligations, caseload rows, visits, query arguments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.scheduling import STATUSES
from ..core.vocabulary import DEADLINE_KINDS, DUTIES, PLAN_TYPES, VISIT_ROLES
from .fields import IsoDate

DATE_TEXT = {"format": "date"}


class AsOfQueryArgsSchema(Schema):
    as_of = IsoDate(metadata={"description": "Evaluation date (default: today in Europe/London)"})


class ObligationSchema(Schema):
    """Exactly the fields of the ``due`` command's output (``Obligation.as_dict``)."""

    role = fields.String(validate=validate.OneOf(list(VISIT_ROLES)))
    due = fields.String(metadata=DATE_TEXT)
    plan_by = fields.String(metadata=DATE_TEXT)
    status = fields.String(validate=validate.OneOf(STATUSES))
    last_visit = fields.String(allow_none=True, metadata=DATE_TEXT)
    rule = fields.String()
    explanation = fields.String()
    duty = fields.String(
        validate=validate.OneOf(DUTIES),
        metadata={"description": "visit: seen in person; contact: any contact counts; attempt: an attempt counts"},
    )
    due_at = fields.String(
        allow_none=True,
        metadata={"description": "ISO date-time in Europe/London when the duty counts hours, else null"},
    )


class DeadlineSchema(Schema):
    """Exactly the fields of a deadline in the ``due`` command's output (``Deadline.as_dict``)."""

    kind = fields.String(validate=validate.OneOf(list(DEADLINE_KINDS)))
    due = fields.String(metadata=DATE_TEXT)
    due_at = fields.String(
        allow_none=True,
        metadata={"description": "ISO date-time in Europe/London when the deadline counts hours, else null"},
    )
    status = fields.String(validate=validate.OneOf(STATUSES))
    rule = fields.String()
    explanation = fields.String()


class NextPlanSchema(Schema):
    """The worker's own planned contact in person that answers a due date (never the note)."""

    id = fields.String()
    starts_at = fields.String(metadata={"description": "Local time in Europe/London with its offset"})
    date = fields.String(metadata=DATE_TEXT)
    duration_minutes = fields.Integer(allow_none=True)
    kind = fields.String()
    on_time = fields.Boolean(metadata={"description": "On or before the obligation's plan_by"})


class CaseloadObligationSchema(ObligationSchema):
    child_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    plan_type = fields.String(validate=validate.OneOf(list(PLAN_TYPES)))
    plan_label = fields.String()
    next_plan = fields.Nested(NextPlanSchema, allow_none=True)
    last_no_access = fields.String(
        allow_none=True,
        metadata={
            **DATE_TEXT,
            "description": "The latest visit attempted in this role without seeing the child, after "
            "last_visit (the visit is still due); null when none",
        },
    )
    household = fields.String(
        allow_none=True, metadata={"description": "The child's household key: siblings share it (null: none)"}
    )


class UnscheduledChildSchema(Schema):
    """A child with an active plan that no rule of the profile covers: no visiting rule, check this child."""

    child_id = fields.String()
    reference = fields.String()
    initials = fields.String()
    plan_type = fields.String(validate=validate.OneOf(list(PLAN_TYPES)))
    plan_label = fields.String()
    reason = fields.String(
        metadata={"description": "Why no rule covers it, starting 'no visiting rule: check this child'"}
    )


class VisitSchema(Schema):
    id = fields.String()
    child_id = fields.String()
    date = IsoDate()
    role = fields.String()
    child_seen = fields.Boolean()
    seen_alone = fields.Boolean(allow_none=True)
    bedroom_seen = fields.Boolean(allow_none=True)
    seen_awake = fields.Boolean(allow_none=True)
    kind = fields.String(allow_none=True, metadata={"description": "null: in person, place not recorded"})
    visitor_id = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime()
    withdrawn_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "Set once withdrawn as recorded in error: it no longer counts"}
    )
    written_up = IsoDate(
        allow_none=True, metadata={"description": "The day the visit's record was completed; null: not yet"}
    )
