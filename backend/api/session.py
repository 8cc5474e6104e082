"""``/api/session``: sign in, find out who is signed in, sign out, change one's password."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth.cookies import clear_session_cookie, set_session_cookie
from ..auth.providers import IdentityProvider
from ..auth.sessions import csrf_token_for, hash_token
from ..auth.sign_in import change_password, sign_in, sign_out
from ..persistence.people import Worker
from ..services.errors import Forbidden
from .fields import plain_text
from .guard import csrf_exempt, current_session, current_worker, public
from .problems import problem

blp = Blueprint("session", __name__, url_prefix="/api/session", description="Signing in and out.")


class SignInSchema(Schema):
    email = fields.String(required=True, validate=[validate.Length(min=1, max=320), plain_text])
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1024),
        metadata={
            "description": "At least 12 characters, not only spaces, not too repetitive or common, "
            "not the worker's email or name"
        },
    )


class WorkerSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    team_id = fields.String(allow_none=True)
    team_name = fields.String(allow_none=True)


class SessionSchema(Schema):
    csrf_token = fields.String(metadata={"description": "Send back in X-CSRF-Token on every write"})
    worker = fields.Nested(WorkerSchema)


def local_passwords() -> IdentityProvider:
    """The local password provider; Forbidden where local passwords are turned off."""
    provider = current_app.extensions["identity_providers"].get("local")
    if provider is None:
        raise Forbidden("Passwords are turned off here: sign in with your organisation's account.")
    return provider  # type: ignore[no-any-return]


def worker_as_dict(worker: Worker) -> dict[str, Any]:
    return {
        "id": worker.id,
        "name": worker.name,
        "email": worker.email,
        "role": worker.role,
        "team_id": worker.team_id,
        "team_name": worker.team.name if worker.team else None,
    }


@blp.route("")
class Session(MethodView):
    @public
    @csrf_exempt
    @blp.arguments(SignInSchema())
    @blp.response(200, SessionSchema)
    @blp.alt_response(401, description="Wrong email or password (the same answer for both)")
    @blp.alt_response(403, description="Local passwords are turned off: sign in with the organisation")
    @blp.alt_response(429, description="Too many failed sign-ins for this account or address")
    def post(self, credentials: dict[str, str]) -> Response:
        provider = local_passwords()
        token, worker = sign_in(
            provider, credentials["email"], credentials["password"], request.remote_addr, current_app.config
        )
        body = {
            "csrf_token": csrf_token_for(hash_token(token), current_app.config["SECRET_KEY"]),
            "worker": worker_as_dict(worker),
        }
        response = jsonify(SessionSchema().dump(body))
        set_session_cookie(response, token)
        return response

    @public
    @blp.response(200, SessionSchema)
    @blp.alt_response(401, description="Not signed in")
    def get(self) -> Any:
        session = current_session()
        worker = current_worker()
        if session is None or worker is None:
            return problem(401, "Not signed in.")
        return {
            "csrf_token": csrf_token_for(session.token_hash, current_app.config["SECRET_KEY"]),
            "worker": worker_as_dict(worker),
        }

    @blp.response(204)
    def delete(self) -> Response:
        session = current_session()
        assert session is not None  # the guard lets only signed-in requests through
        sign_out(session.token_hash)
        g.session_ended = True
        response = Response(status=204)
        # The app clears its own stored child data; this asks the browser to drop cached responses.
        response.headers["Clear-Site-Data"] = '"cache"'
        clear_session_cookie(response)
        return response


@blp.route("/password")
class Password(MethodView):
    @blp.arguments(PasswordChangeSchema())
    @blp.response(204)
    @blp.alt_response(403, description="Local passwords are turned off")
    @blp.alt_response(422, description="The current password is wrong, or the new one is not allowed")
    @blp.alt_response(429, description="Too many wrong current passwords for this account or address")
    def post(self, passwords: dict[str, str]) -> Response:
        """Change the signed-in worker's password; their other sessions end, this one stays."""
        session, worker = current_session(), current_worker()
        assert session is not None and worker is not None  # the guard lets only signed-in requests through
        provider = local_passwords()
        change_password(
            provider,
            worker,
            passwords["current_password"],
            passwords["new_password"],
            (session.token_hash, request.remote_addr),
            current_app.config,
        )
        return Response(status=204)
