"""``/scim/v2/Users``: SCIM 2.0 provisioning for the organisation's directory (docs/sign-in.md),
and the discovery documents a SCIM client may read first (scim_discovery.py).

Outside ``/api`` and its session guard: the directory presents the bearer token of
``SCIM_TOKEN``, compared in constant time; without one configured every request is a 401.
Errors are SCIM's own documents (RFC 7644 section 3.12), not problem documents.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from flask import Blueprint, Flask, Response, current_app, json, request

from ..auth.app_roles import parse_role_map
from ..auth.provisioning import (
    SCIM_ROOT,
    ScimError,
    as_resource,
    create_user,
    deactivate_user,
    find_users,
    patch_user,
    replace_user,
    user,
)
from .scim_discovery import MAX_PAGE, resource_types, schemas, service_provider_config

SCIM_MEDIA_TYPE = "application/scim+json"
INTEGER = re.compile(r"-?[0-9]{1,12}")  # ASCII digits only: int() would take "²" or "１"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
blp = Blueprint("scim", __name__, url_prefix=SCIM_ROOT)


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


@blp.get("/Users")
def list_users() -> Response:
    start_index, count = _page()
    total, workers = find_users(request.args.get("filter"), start_index, count)
    resources = [as_resource(worker) for worker in workers]
    listing = {"schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": start_index}
    return scim_response({**listing, "itemsPerPage": len(resources), "Resources": resources})


def _page() -> tuple[int, int]:
    """``startIndex`` and ``count`` as RFC 7644 3.4.2.4 reads them: below 1 is 1, a negative
    count is 0; the page is bounded (``count`` above MAX_PAGE gives MAX_PAGE, as the service
    provider config says), so listing a whole authority never loads it into one answer."""
    values = []
    for name, default in (("startIndex", 1), ("count", MAX_PAGE)):
        text = request.args.get(name, "").strip()
        if text and not INTEGER.fullmatch(text):
            raise ScimError(400, f"{name}: Expected an integer.", "invalidValue")
        values.append(int(text) if text else default)
    return max(values[0], 1), min(max(values[1], 0), MAX_PAGE)


@blp.get("/ServiceProviderConfig")
def get_service_provider_config() -> Response:
    return scim_response(service_provider_config())


@blp.get("/ResourceTypes")
def list_resource_types() -> Response:
    return scim_response(_listing(resource_types()))


@blp.get("/Schemas")
def list_schemas() -> Response:
    return scim_response(_listing(schemas()))


def _listing(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


@blp.post("/Users")
def post_user() -> Response:
    worker = create_user(_body(), _roles())
    response = scim_response(as_resource(worker), 201)
    response.headers["Location"] = f"{SCIM_ROOT}/Users/{worker.id}"
    return response


@blp.get("/Users/<worker_id>")
def get_user(worker_id: str) -> Response:
    return scim_response(as_resource(user(worker_id)))


@blp.put("/Users/<worker_id>")
def put_user(worker_id: str) -> Response:
    return scim_response(as_resource(replace_user(worker_id, _body(), _roles())))


@blp.patch("/Users/<worker_id>")
def patch(worker_id: str) -> Response:
    return scim_response(as_resource(patch_user(worker_id, _body(), _roles())))


@blp.delete("/Users/<worker_id>")
def delete_user(worker_id: str) -> Response:
    deactivate_user(worker_id)
    return Response(status=204)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
    app.register_error_handler(ScimError, scim_error)
