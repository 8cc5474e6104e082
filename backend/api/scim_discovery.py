"""SCIM's discovery documents (RFC 7644 section 4, shapes from RFC 7643 sections 5 to 7): what
this service provider supports, its one resource type (User) and the User attributes it reads.
Entra's provisioning service works without them (it lists with ``filter=userName eq "..."``),
but other SCIM clients read them first; they hold no data.
"""

from __future__ import annotations

from typing import Any

from ..auth.provisioning import SCIM_ROOT, USER_SCHEMA

CORE = "urn:ietf:params:scim:schemas:core:2.0"
# The most resources one listing answers (RFC 7644 3.4.2.4 lets the provider bound ``count``).
MAX_PAGE = 100


def service_provider_config() -> dict[str, Any]:
    return {
        "schemas": [f"{CORE}:ServiceProviderConfig"],
        "documentationUri": "docs/sign-in.md",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_PAGE},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "The secret of SCIM_TOKEN, as Authorization: Bearer <token>.",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{SCIM_ROOT}/ServiceProviderConfig"},
    }


def resource_types() -> list[dict[str, Any]]:
    return [
        {
            "schemas": [f"{CORE}:ResourceType"],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A worker of this service (never deleted: DELETE deactivates).",
            "schema": USER_SCHEMA,
            "meta": {"resourceType": "ResourceType", "location": f"{SCIM_ROOT}/ResourceTypes/User"},
        }
    ]


def schemas() -> list[dict[str, Any]]:
    return [
        {
            "schemas": [f"{CORE}:Schema"],
            "id": USER_SCHEMA,
            "name": "User",
            "description": "The User attributes this service reads and answers.",
            "attributes": [
                _attribute("userName", required=True, uniqueness="server"),
                _attribute("displayName"),
                _attribute("name", kind="complex", sub_attributes=[_attribute("formatted")]),
                _attribute("active", kind="boolean"),
                _attribute("roles", kind="complex", multi_valued=True, sub_attributes=[_attribute("value")]),
            ],
            "meta": {"resourceType": "Schema", "location": f"{SCIM_ROOT}/Schemas/{USER_SCHEMA}"},
        }
    ]


def _attribute(
    name: str,
    kind: str = "string",
    *,
    required: bool = False,
    uniqueness: str = "none",
    multi_valued: bool = False,
    sub_attributes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": multi_valued,
        "required": required,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": uniqueness,
    }
    if sub_attributes:
        attribute["subAttributes"] = sub_attributes
    return attribute
