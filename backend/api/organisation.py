"""``/api/session/organisation``: signing in with the organisation's identity provider, and
``/api/session/providers``: which ways of signing in the sign-in page offers."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ..auth.cookies import SIGN_IN_COOKIE, clear_sign_in_cookie, set_session_cookie, set_sign_in_cookie
from ..auth.organisation import OrganisationProvider, refuse
from ..auth.organisation_sign_in import CALLBACK_ROUTE, begin_sign_in, finish_sign_in
from ..core.errors import CoreError
from ..services.errors import NotFound
from .guard import public
from .problems import core_error_response

blp = Blueprint(
    "organisation", __name__, url_prefix="/api/session", description="Signing in with the organisation's account."
)
START_ROUTE = "/api/session/organisation"


class OrganisationButtonSchema(Schema):
    label = fields.String(metadata={"description": "What the sign-in page's button says"})
    url = fields.String(metadata={"description": "Where the button goes (a navigation, not a fetch)"})


class ProvidersSchema(Schema):
    passwords = fields.Boolean(metadata={"description": "Whether local passwords are accepted"})
    organisation = fields.Nested(OrganisationButtonSchema, allow_none=True)


class CallbackArgsSchema(Schema):
    class Meta:
        # Providers add parameters of their own (Entra's session_state, client_info...).
        unknown = EXCLUDE

    code = fields.String(validate=validate.Length(max=4096))
    state = fields.String(validate=validate.Length(max=512))
    error = fields.String(validate=validate.Length(max=512))
    error_description = fields.String(validate=validate.Length(max=4096))
    iss = fields.String(validate=validate.Length(max=2048))
    session_state = fields.String(validate=validate.Length(max=512))


def refused_navigation(error: CoreError) -> Response:
    """A refusal on the way to or back from the provider is a browser's navigation, not an
    app's fetch: a page of JSON would strand the worker. It goes back to the sign-in page, which
    says what happened from the status it names; other callers get the problem document."""
    answer = core_error_response(error)
    navigations = ("organisation.Start", "organisation.Callback")
    if request.endpoint not in navigations or not request.accept_mimetypes.accept_html:
        return answer
    return Response(status=303, headers={"Location": f"/sign-in?problem={answer.status_code}"})


blp.register_error_handler(CoreError, refused_navigation)


def organisation_provider() -> OrganisationProvider:
    """The configured provider; a 404 where the organisation's sign-in is off."""
    provider = current_app.extensions["identity_providers"].get("organisation")
    if provider is None:
        raise NotFound("organisation sign-in")
    return provider  # type: ignore[no-any-return]


def callback_url() -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + CALLBACK_ROUTE


@blp.route("/providers")
class Providers(MethodView):
    @public
    @blp.response(200, ProvidersSchema)
    def get(self) -> dict[str, Any]:
        """The ways of signing in this service accepts, for the sign-in page."""
        providers = current_app.extensions["identity_providers"]
        organisation = providers.get("organisation")
        button = {"label": organisation.settings.label, "url": START_ROUTE} if organisation else None
        return {"passwords": "local" in providers, "organisation": button}


@blp.route("/organisation")
class Start(MethodView):
    @public
    @blp.response(302, description="To the organisation's identity provider")
    @blp.alt_response(404, description="The organisation's sign-in is not configured")
    @blp.alt_response(429, description="Too many sign-ins begun from this address, or under way")
    def get(self) -> Response:
        """Begin signing in at the organisation's identity provider (authorization code with PKCE)."""
        url, browser_secret = begin_sign_in(
            organisation_provider(), callback_url(), request.remote_addr, current_app.config
        )
        response = Response(status=302, headers={"Location": url})
        set_sign_in_cookie(response, browser_secret)
        return response


@blp.route("/organisation/callback")
class Callback(MethodView):
    @public
    @blp.arguments(CallbackArgsSchema, location="query")
    @blp.response(303, description="Signed in: to the phone app, with the session cookie")
    @blp.alt_response(401, description="The sign-in did not complete (state, code or ID token refused)")
    @blp.alt_response(403, description="No role in this service, not a worker, or a disabled worker")
    @blp.alt_response(404, description="The organisation's sign-in is not configured")
    @blp.alt_response(429, description="Too many failed sign-ins from this address")
    def get(self, args: dict[str, str]) -> Response:
        """Where the identity provider sends the browser back; ends in a session like local sign-in."""
        provider = organisation_provider()
        if "error" in args or "code" not in args or "state" not in args:
            refuse(f"the provider sent back {args.get('error', 'no code')!r}"[:120])
        token, _ = finish_sign_in(
            provider,
            (args["code"], args["state"], request.cookies.get(SIGN_IN_COOKIE)),
            callback_url(),
            request.remote_addr,
            current_app.config,
        )
        response = Response(status=303, headers={"Location": "/"})
        set_session_cookie(response, token)
        clear_sign_in_cookie(response)
        return response
