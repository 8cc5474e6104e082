"""Every error as ``application/problem+json`` (RFC 9457), and the one map from domain errors to HTTP.

flask-smorest answers errors with its own ``{"code", "status", "errors"}`` body; ``ProblemApi``
replaces that handler so that validation failures, HTTP errors raised anywhere and the
service layer's errors all reach the client in one shape, naming each bad field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, json
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from ..core.errors import CalendarRangeError, CoreError, InvalidCase
from ..services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError, Throttled, Unauthenticated

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "A URI reference naming the problem type"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "For 422: messages by field, nested fields joined with dots (episodes.0.start)"},
    )


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return http_exception_response(error)


def http_exception_response(error: HTTPException) -> Response:
    """Any HTTP error (raised by Flask, webargs or a view) as a problem document."""
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    if status == 400 and data.get("messages", {}).get("json") == ["Invalid JSON body."]:
        return problem(400, "The request body is not valid JSON.")
    field_errors = data.get("errors") or data.get("messages")
    if status == 422 and field_errors:
        return problem(422, "Some fields are not valid.", errors=flatten_errors(_without_location(field_errors)))
    headers = dict(data.get("headers") or {})
    allowed = error.get_response().headers.get("Allow")
    if allowed:
        headers["Allow"] = allowed
    detail = data.get("message") or (error.description if status != 500 else None)
    return problem(status, detail, headers=headers)


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = dict(errors)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested ``{"episodes": {0: {"start": [...]}}}`` as ``{"episodes.0.start": [...]}``."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = "body" if key == "_schema" and not prefix else str(key) if key != "_schema" else ""
            flat.update(flatten_errors(value, f"{prefix}.{name}".strip(".") if name else prefix))
        return flat
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "body": list(messages)}
    if isinstance(messages, list):
        flat = {}
        for item in messages:
            for key, value in flatten_errors(item, prefix).items():
                flat.setdefault(key, []).extend(value)
        return flat
    return {prefix or "body": [str(messages)]}


def _without_location(messages: Mapping[str, Any]) -> Mapping[str, Any]:
    """webargs files errors under the request part ("json", "query"); clients want field names."""
    locations = {"json", "query", "querystring", "view_args", "path", "headers", "form", "files"}
    if messages and set(messages) <= locations:
        merged: dict[str, Any] = {}
        for part in messages.values():
            merged.update(part if isinstance(part, Mapping) else {"body": part})
        return merged
    return messages


def dotted_field(core_field: str) -> str:
    """The core names fields like ``episodes[0].start``; the API names them ``episodes.0.start``."""
    return re.sub(r"\[(\d+)\]", r".\1", core_field)


def core_error_response(error: CoreError) -> Response:
    """The one place where domain and service errors become HTTP answers."""
    if isinstance(error, NotFound):
        return problem(404, "Not found.")
    if isinstance(error, Unauthenticated):
        return problem(401, str(error))
    if isinstance(error, Forbidden):
        return problem(403, str(error))
    if isinstance(error, Conflict):
        return problem(409, str(error))
    if isinstance(error, Throttled):
        return problem(429, str(error), headers={"Retry-After": str(error.retry_after)})
    if isinstance(error, InvalidInput):
        return problem(422, "Some fields are not valid.", errors=error.errors)
    if isinstance(error, InvalidCase):
        return problem(422, "Some fields are not valid.", errors={dotted_field(error.field): [error.problem]})
    if isinstance(error, CalendarRangeError):
        return problem(422, str(error))
    if isinstance(error, ServiceError):
        return problem(400, str(error))
    log.error("unmapped core error: %s", type(error).__name__)
    return problem(500)


def internal_error_response(error: Exception) -> Response:
    # The type only: messages of database errors quote the statement's parameters (names,
    # dates of birth), and personal data never goes to the logs.
    log.error("unhandled %s", type(error).__name__)
    if current_app.testing and current_app.config.get("PROPAGATE_UNHANDLED", True):
        raise error
    return problem(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CoreError, core_error_response)
    app.register_error_handler(Exception, _unhandled)


def _unhandled(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return http_exception_response(error)
    return internal_error_response(error)
