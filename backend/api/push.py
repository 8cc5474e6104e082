"""``/api/push/...``: the VAPID public key, this device's subscription, reminder settings, a test."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ..clock import now_in_london
from ..core.reminders import MAX_LEAD_WORKING_DAYS, MAX_PLAN_LEAD_MINUTES
from ..push import devices as push_service
from .fields import StrictBoolean
from .guard import current_viewer

blp = Blueprint("push", __name__, url_prefix="/api/push", description="Push reminders on the worker's devices.")

HOUR_MINUTE = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class HourMinute(fields.Field):
    """A London wall-clock time written HH:MM (24-hour)."""

    default_error_messages = {"invalid": "Not a time in the form HH:MM."}

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        if not isinstance(value, str) or not HOUR_MINUTE.fullmatch(value):
            raise self.make_error("invalid")
        return time.fromisoformat(value)


class PublicKeySchema(Schema):
    public_key = fields.String(metadata={"description": "The applicationServerKey, base64url"})


class SubscriptionKeysSchema(Schema):
    p256dh = fields.String(required=True)
    auth = fields.String(required=True)


class SubscriptionSchema(Schema):
    """``PushSubscription.toJSON()`` as the browser gives it."""

    class Meta:
        unknown = EXCLUDE  # expirationTime, and whatever browsers add later

    endpoint = fields.String(required=True)
    keys = fields.Nested(SubscriptionKeysSchema, required=True)


class EndpointSchema(Schema):
    endpoint = fields.String(required=True)


class TestResultSchema(Schema):
    devices = fields.Integer()
    delivered = fields.Integer()
    removed = fields.Integer(metadata={"description": "Devices the push service said are gone"})
    failed = fields.Integer()


class ReminderPreferencesSchema(Schema):
    lead_working_days = fields.Integer(strict=True, validate=validate.Range(0, MAX_LEAD_WORKING_DAYS))
    slot_time = HourMinute()
    mute_weekends = StrictBoolean()
    quiet_start = HourMinute(allow_none=True)
    quiet_end = HourMinute(allow_none=True)
    plan_lead_minutes = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(1, MAX_PLAN_LEAD_MINUTES),
        metadata={"description": "Minutes before a planned contact to remind of it; null: never"},
    )


@blp.route("/public-key")
class PublicKey(MethodView):
    @blp.response(200, PublicKeySchema)
    def get(self) -> dict[str, str]:
        return {"public_key": push_service.public_key()}


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @blp.arguments(SubscriptionSchema())
    @blp.response(201, EndpointSchema, description="Registered")
    @blp.alt_response(200, schema=EndpointSchema, description="Already registered to this worker")
    @blp.alt_response(
        422,
        description="Malformed keys, or an endpoint that is not https on port 443 under a public DNS name",
    )
    def post(self, body: dict[str, Any]) -> tuple[dict[str, str], int]:
        keys = body["keys"]
        created = push_service.register_subscription(
            current_viewer().worker_id, body["endpoint"], keys["p256dh"], keys["auth"], now_in_london()
        )
        return {"endpoint": body["endpoint"]}, 201 if created else 200

    @blp.arguments(EndpointSchema())
    @blp.response(204)
    def delete(self, body: dict[str, str]) -> None:
        push_service.remove_subscription(current_viewer().worker_id, body["endpoint"])


@blp.route("/test")
class TestNotification(MethodView):
    @blp.response(200, TestResultSchema)
    @blp.alt_response(429, description="More than three tests in a minute; Retry-After says when to try again")
    def post(self) -> dict[str, int]:
        return push_service.send_test_notification(current_viewer().worker_id, now_in_london())


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.response(200, ReminderPreferencesSchema)
    def get(self) -> Any:
        return push_service.reminder_preferences(current_viewer().worker_id)

    @blp.arguments(ReminderPreferencesSchema())
    @blp.response(200, ReminderPreferencesSchema)
    def put(self, body: dict[str, Any]) -> Any:
        return push_service.update_reminder_preferences(current_viewer().worker_id, body, now_in_london())
