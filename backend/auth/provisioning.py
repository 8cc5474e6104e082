"""SCIM 2.0 provisioning of workers (RFC 7643 and 7644): the organisation's directory creates,
updates and deactivates them. Deactivating ends the worker's sessions, revokes their push
subscriptions and retires their feed links at once (accounts.deactivate). Workers are never deleted: the audit
trail names them. Roles come from the ``roles`` attribute through the same app-role map as
sign-in (app_roles.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..persistence.audit import AuditEntry
from ..persistence.people import Worker
from .accounts import NAME_MAX_LENGTH, deactivate, team_named
from .app_roles import RoleMap

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_ROOT = "/scim/v2"
ROUTE = f"{SCIM_ROOT}/Users"
ONE_USER = f"{ROUTE}/<worker_id>"
CREATED, CHANGED = "worker_create", "worker_change"


class ScimError(Exception):
    """An RFC 7644 error: its HTTP status, its ``scimType`` (for 400s) and what was wrong."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def invalid(attribute: str, message: str) -> ScimError:
    return ScimError(400, f"{attribute}: {message}", "invalidValue")


def as_resource(worker: Worker) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA],
        "id": worker.id,
        "externalId": worker.scim_external_id,
        "userName": worker.email,
        "displayName": worker.name,
        "active": worker.active,
        "roles": [{"value": worker.role}],
        "meta": {"resourceType": "User", "location": f"{ROUTE}/{worker.id}"},
    }


def find_users(filter_text: str | None, start_index: int, count: int) -> tuple[int, list[Worker]]:
    """How many workers match (every one, or ``userName eq "..."`` / ``externalId eq "..."``),
    and the page of them from ``start_index`` (1-based, RFC 7644 3.4.2.4), at most ``count``."""
    query = select(Worker)
    if filter_text:
        query = query.where(_filter_clause(filter_text))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # Ordered by id, which never changes: a page boundary does not move when a worker's email does.
    page = query.order_by(Worker.id).offset(start_index - 1).limit(count)
    return total, list(db.session.scalars(page)) if count else []


def _filter_clause(filter_text: str) -> Any:
    attribute, _, rest = filter_text.strip().partition(" ")
    operator, _, quoted = rest.strip().partition(" ")
    value = quoted.strip()
    if operator.lower() != "eq" or len(value) < 2 or value[0] != '"' or value[-1] != '"':
        raise ScimError(400, 'Only filters of the form userName eq "..." or externalId eq "...".', "invalidFilter")
    columns = {"username": Worker.email, "externalid": Worker.scim_external_id}
    if attribute.lower() not in columns:
        raise ScimError(400, f"Cannot filter on {attribute[:40]!r}.", "invalidFilter")
    wanted = value[1:-1].strip().lower() if attribute.lower() == "username" else value[1:-1]
    return columns[attribute.lower()] == wanted


def user(worker_id: str) -> Worker:
    worker = db.session.get(Worker, worker_id) if len(worker_id) <= 32 else None
    if worker is None:
        raise ScimError(404, "No such user.")
    return worker


def create_user(body: Mapping[str, Any], roles: RoleMap) -> Worker:
    fields = _fields(body, roles, required=True)
    if db.session.scalar(select(Worker.id).where(Worker.email == fields["email"])) is not None:
        raise ScimError(409, "A user with this userName exists.", "uniqueness")
    worker = Worker(email=fields["email"], name=fields["name"], role=fields["role"])
    db.session.add(worker)
    db.session.flush()  # its id, which _apply's uniqueness checks leave out
    _apply(worker, fields)
    _audit(worker, CREATED, f"POST {ROUTE}")
    db.session.commit()
    return worker


def replace_user(worker_id: str, body: Mapping[str, Any], roles: RoleMap) -> Worker:
    worker = user(worker_id)
    _apply(worker, _fields(body, roles, required=True))
    _audit(worker, CHANGED, f"PUT {ONE_USER}")
    db.session.commit()
    return worker


def patch_user(worker_id: str, body: Mapping[str, Any], roles: RoleMap) -> Worker:
    """PatchOp ``replace`` (or ``add``) of active, displayName, externalId or roles."""
    worker = user(worker_id)
    if not isinstance(body, Mapping):
        raise ScimError(400, "Expected a JSON object.", "invalidSyntax")
    operations = body.get("Operations")
    schemas = body.get("schemas")
    if (
        not isinstance(schemas, list)
        or PATCH_SCHEMA not in schemas
        or not isinstance(operations, list)
        or not operations
    ):
        raise invalid("Operations", "Expected a PatchOp with a list of Operations.")
    changes: dict[str, Any] = {}
    for operation in operations:
        if not isinstance(operation, Mapping) or str(operation.get("op", "")).lower() not in ("replace", "add"):
            raise invalid("Operations.op", "Only replace and add are supported.")
        path, value = operation.get("path"), operation.get("value")
        changes.update(value if path is None and isinstance(value, Mapping) else {str(path): value})
    _apply(worker, _fields(changes, roles, required=False))
    _audit(worker, CHANGED, f"PATCH {ONE_USER}")
    db.session.commit()
    return worker


def deactivate_user(worker_id: str) -> None:
    worker = user(worker_id)
    deactivate(worker)
    _audit(worker, CHANGED, f"DELETE {ONE_USER}")
    db.session.commit()


def _fields(body: Mapping[str, Any], roles: RoleMap, required: bool) -> dict[str, Any]:
    if not isinstance(body, Mapping):
        raise ScimError(400, "Expected a JSON object.", "invalidSyntax")
    fields: dict[str, Any] = {}
    if "userName" in body or required:
        email = body.get("userName")
        if not isinstance(email, str) or "@" not in email or len(email) > 320 or not email.isprintable():
            raise invalid("userName", "Expected the worker's email address.")
        fields["email"] = email.strip().lower()
    name = body.get(
        "displayName", (body.get("name") or {}).get("formatted") if isinstance(body.get("name"), Mapping) else None
    )
    if name is not None or ("displayName" in body):
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH or not name.isprintable():
            raise invalid("displayName", f"Use 1 to {NAME_MAX_LENGTH} printable characters.")
        fields["name"] = name.strip()
    elif required:
        fields["name"] = fields["email"]
    if "active" in body:
        fields["active"] = _boolean(body["active"])
    if "externalId" in body:
        external = body["externalId"]
        if external is not None and (not isinstance(external, str) or len(external) > 200):
            raise invalid("externalId", "Expected a string of up to 200 characters.")
        fields["external_id"] = external
    if "roles" in body or required:
        grant = roles.grant_for([_role_value(item) for item in body.get("roles") or []])
        if grant is None:
            raise invalid("roles", "Expected an app role that OIDC_ROLES maps to a worker role.")
        fields["role"], fields["team"] = grant.role, grant.team
    return fields


def _formatted_name(name: Any) -> Any:
    return name.get("formatted") if isinstance(name, Mapping) else None


def _role_value(item: Any) -> Any:
    return item.get("value") if isinstance(item, Mapping) else item


def _boolean(value: Any) -> bool:
    # Entra ID sends "True"/"False" as strings in PATCH operations.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid("active", "Expected true or false.")


def _apply(worker: Worker, fields: Mapping[str, Any]) -> None:
    if "email" in fields:
        clash = select(Worker.id).where(Worker.email == fields["email"], Worker.id != worker.id)
        if db.session.scalar(clash) is not None:
            raise ScimError(409, "Another user has this userName.", "uniqueness")
        worker.email = fields["email"]
    if "name" in fields:
        worker.name = fields["name"]
    if "external_id" in fields:
        clash = select(Worker.id).where(Worker.scim_external_id == fields["external_id"], Worker.id != worker.id)
        if fields["external_id"] is not None and db.session.scalar(clash) is not None:
            raise ScimError(409, "Another user has this externalId.", "uniqueness")
        worker.scim_external_id = fields["external_id"]
    if "role" in fields:
        worker.role = fields["role"]
        if fields["team"] is not None:
            worker.team_id = team_named(fields["team"]).id
    if fields.get("active") is False:
        deactivate(worker)
    elif fields.get("active") is True:
        worker.active = True
    db.session.flush()


def _audit(worker: Worker, action: str, route: str) -> None:
    """Who was created or changed (``worker_id``: the worker concerned, not a caller: the
    directory is the caller), and through which route."""
    db.session.add(AuditEntry(worker_id=worker.id, child_id=None, action=action, route=route))
