"""Calendar feeds over HTTP: ``/api/feeds/*`` for the signed-in worker, ``/feeds/<token>.ics`` for calendar clients.

The ``.ics`` route sits outside ``/api``: a calendar client has no session cookie, and the
secret in its URL is its only credential.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..clock import today_in_london
from ..config import ConfigurationError, serving_problem
from ..feeds import logscrub
from ..feeds.service import change_feed_settings, feed_for_token, feed_settings, issue_feed_token, revoke_feed_token
from ..persistence.feeds import FEED_KINDS
from ..services.audit import record_read
from .context import route_name
from .guard import current_viewer
from .problems import problem

blp = Blueprint("feeds", __name__, url_prefix="/api/feeds", description="Calendar feed links and settings.")
files = FlaskBlueprint("feed_files", __name__)

# Short enough that a changed feed reaches a client soon, long enough to spare repeated polls;
# "private": a shared cache must never hold a feed.
FEED_CACHE_CONTROL = "private, max-age=300"


class FeedKindSchema(Schema):
    kind = fields.String(
        load_default="worker",
        validate=validate.OneOf(FEED_KINDS),
        metadata={"description": "worker (your visits) or team (a team manager's overdue and due-today visits)"},
    )


class FeedLinkSchema(Schema):
    kind = fields.String()
    url = fields.String(metadata={"description": "https://.../feeds/<token>.ics, shown once; store it nowhere else"})
    webcal_url = fields.String(metadata={"description": "The same feed as webcal://, which opens a calendar app"})


class FeedSettingsSchema(Schema):
    show_projected = fields.Boolean(metadata={"description": "Show the next two projected due dates as tentative"})
    names_allowed = fields.Boolean(metadata={"description": "Feeds may carry children's names (admin only)"})
    names_warning = fields.String(dump_only=True)
    active_feeds = fields.List(
        fields.String(), dump_only=True, metadata={"description": "Kinds of feed (worker, team) with a live link"}
    )


@blp.route("/token")
class FeedTokenResource(MethodView):
    @blp.arguments(FeedKindSchema(), required=False)
    @blp.response(201, FeedLinkSchema)
    @blp.alt_response(403, description="A team feed for someone who is not a team manager")
    def post(self, body: dict[str, Any]) -> dict[str, str]:
        """Mint the link to your feed; calling again rotates it (the old link answers 404 at once)."""
        viewer = current_viewer()
        kind = body.get("kind", "worker")
        token = issue_feed_token(viewer.worker_id, viewer.role, kind)
        url = f"{public_base_url()}/feeds/{token}.ics"
        return {"kind": kind, "url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}

    @blp.arguments(FeedKindSchema(), location="query")
    @blp.response(204)
    def delete(self, query: dict[str, Any]) -> None:
        """Turn the feed off: its link answers 404 from now on."""
        revoke_feed_token(current_viewer().worker_id, query["kind"])


@blp.route("/settings")
class FeedSettingsResource(MethodView):
    @blp.response(200, FeedSettingsSchema)
    def get(self) -> dict[str, object]:
        return feed_settings(current_viewer().worker_id, with_links=True).as_dict()

    @blp.arguments(FeedSettingsSchema())
    @blp.response(200, FeedSettingsSchema)
    @blp.alt_response(403, description="names_allowed changed by someone who is not an admin")
    def patch(self, body: dict[str, Any]) -> dict[str, object]:
        viewer = current_viewer()
        settings = change_feed_settings(
            viewer.worker_id, viewer.role, body.get("show_projected"), body.get("names_allowed")
        )
        return settings.as_dict()


@files.get("/feeds/<token>.ics")
def feed_file(token: str) -> Response:
    delivery = feed_for_token(token, today_in_london(), public_base_url())
    if delivery is None:
        response = problem(404, "No such feed.")
        response.headers["Cache-Control"] = "no-store"
        return response
    rendered = delivery.feed
    if request.if_none_match.contains_weak(rendered.etag.strip('"')):
        # Nothing is disclosed that the client does not hold already, so a 304 is not a read.
        response = Response(status=304)
    else:
        response = Response(rendered.body, status=200, content_type="text/calendar; charset=utf-8")
        # A delivered feed is a listing of the worker's children: audited like the caseload.
        record_read(delivery.worker_id, None, route_name())
    response.headers["ETag"] = rendered.etag
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def public_base_url() -> str:
    """Where clients reach the app: PUBLIC_BASE_URL; in development and testing, when it is
    unset, this request's host. Never the Host header in production, where anyone may set it."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    problem = serving_problem(current_app.config)
    if problem:
        current_app.logger.error(problem)
        raise ConfigurationError(problem)
    return request.host_url.rstrip("/")


def init_app(app: Flask) -> None:
    """The parts that are not a smorest resource: the .ics route and log scrubbing."""
    app.register_blueprint(files)
    logscrub.install(app.logger)
