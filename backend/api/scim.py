"""``/scim/v2/Users``: SCIM 2.0 provisioning for the organisation's directory (docs/sign-in.md).

Outside ``/api`` and its session guard: the directory presents the bearer token of
``SCIM_TOKEN``, compared in constant time; without one configured every request is a 401.
Errors are SCIM's own documents (RFC 7644 section 3.12), not problem documents.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Flask, Response, current_app, json, request

from ..auth.app_roles import parse_role_map
from ..auth.provisioning import (
    ROUTE,
    ScimError,
    as_resource,
    create_user,
    deactivate_user,
    find_users,
    patch_user,
    replace_user,
    user,
)

SCIM_MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
blp = Blueprint("scim", __name__, url_prefix=ROUTE)


def scim_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype=SCIM_MEDIA_TYPE)


def scim_error(error: ScimError) -> Response:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(error.status), "detail": error.detail}
    if error.scim_type:
        body["scimType"] = error.scim_type
    response = scim_response(body, error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


@blp.before_request
def require_bearer_token() -> Response | None:
    expected = current_app.config.get("SCIM_TOKEN") or ""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(presented.encode(), expected.encode()):
        return scim_error(ScimError(401, "A valid bearer token is required."))
    return None


def _body() -> Any:
    body = request.get_json(silent=True, force=True)
    if body is None:
        raise ScimError(400, "The request body is not JSON.", "invalidSyntax")
    return body


def _roles() -> Any:
    return parse_role_map(current_app.config.get("OIDC_ROLES") or "")


@blp.get("")
def list_users() -> Response:
    workers = find_users(request.args.get("filter"))
    resources = [as_resource(worker) for worker in workers]
    listing = {"schemas": [LIST_SCHEMA], "totalResults": len(resources), "startIndex": 1}
    return scim_response({**listing, "itemsPerPage": len(resources), "Resources": resources})


@blp.post("")
def post_user() -> Response:
    worker = create_user(_body(), _roles())
    response = scim_response(as_resource(worker), 201)
    response.headers["Location"] = f"{ROUTE}/{worker.id}"
    return response


@blp.get("/<worker_id>")
def get_user(worker_id: str) -> Response:
    return scim_response(as_resource(user(worker_id)))


@blp.put("/<worker_id>")
def put_user(worker_id: str) -> Response:
    return scim_response(as_resource(replace_user(worker_id, _body(), _roles())))


@blp.patch("/<worker_id>")
def patch(worker_id: str) -> Response:
    return scim_response(as_resource(patch_user(worker_id, _body(), _roles())))


@blp.delete("/<worker_id>")
def delete_user(worker_id: str) -> Response:
    deactivate_user(worker_id)
    return Response(status=204)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
    app.register_error_handler(ScimError, scim_error)
