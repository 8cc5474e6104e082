"""SCIM listings page as RFC 7644 3.4.2.4 says (``startIndex``, ``count``, ``totalResults``,
``itemsPerPage``), bounded in size, and the discovery documents a SCIM client reads first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend.api.scim_discovery import MAX_PAGE
from backend.auth.provisioning import USER_SCHEMA
from tests.support.database import app_for
from tests.support.world import add_worker

TOKEN = "scim-token-for-tests-only-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, SCIM_TOKEN=TOKEN, OIDC_ROLES="Visits.Admin=admin")


def listing(client: FlaskClient, query: str = "") -> dict[str, Any]:
    answered = client.get(f"/scim/v2/Users{query}", headers=AUTH)
    assert answered.status_code == 200, answered.json
    assert answered.mimetype == "application/scim+json"
    return answered.json  # type: ignore[no-any-return]


def test_pages_cover_every_worker_once_with_the_total_on_each(app: Flask, client: FlaskClient) -> None:
    for n in range(7):
        add_worker(app, email=f"w{n}@example.org")
    seen: list[str] = []
    for start in (1, 4, 7):
        page = listing(client, f"?startIndex={start}&count=3")
        assert page["schemas"] == [LIST] and page["totalResults"] == 7 and page["startIndex"] == start
        assert page["itemsPerPage"] == len(page["Resources"]) == (3 if start < 7 else 1)
        seen += [resource["userName"] for resource in page["Resources"]]
    assert sorted(seen) == [f"w{n}@example.org" for n in range(7)]
    past_the_end = listing(client, "?startIndex=50&count=3")
    assert past_the_end["totalResults"] == 7 and past_the_end["Resources"] == []


def test_count_zero_answers_only_the_total_and_out_of_range_values_are_read_as_the_rfc_says(
    app: Flask, client: FlaskClient
) -> None:
    for n in range(3):
        add_worker(app, email=f"w{n}@example.org")
    assert listing(client, "?count=0") | {"Resources": None} == {
        "schemas": [LIST],
        "totalResults": 3,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": None,
    }
    assert listing(client, "?count=-5")["itemsPerPage"] == 0
    below_one = listing(client, "?startIndex=-3&count=2")
    assert below_one["startIndex"] == 1 and below_one["itemsPerPage"] == 2


def test_a_page_is_never_larger_than_the_providers_bound(app: Flask, client: FlaskClient) -> None:
    for n in range(MAX_PAGE + 2):
        add_worker(app, email=f"w{n:03}@example.org")
    for query in ("", f"?count={MAX_PAGE * 50}", "?count=999999999999"):
        page = listing(client, query)
        assert page["totalResults"] == MAX_PAGE + 2 and page["itemsPerPage"] == MAX_PAGE


def test_a_filtered_listing_pages_and_counts_only_its_matches(app: Flask, client: FlaskClient) -> None:
    add_worker(app, email="one@example.org")
    add_worker(app, email="two@example.org")
    found = listing(client, '?filter=userName eq "Two@Example.org"&startIndex=1&count=5')
    assert found["totalResults"] == 1 and [r["userName"] for r in found["Resources"]] == ["two@example.org"]


@pytest.mark.parametrize(
    "query", ["?startIndex=x", "?count=1.5", "?count=" + "9" * 40, "?startIndex=--1", "?count=%C2%B2"]
)
def test_a_paging_value_that_is_not_an_integer_is_a_scim_400_naming_it(client: FlaskClient, query: str) -> None:
    answered = client.get(f"/scim/v2/Users{query}", headers=AUTH)
    assert answered.status_code == 400 and answered.json["scimType"] == "invalidValue"
    assert answered.json["detail"].split(":")[0] in ("startIndex", "count")


def test_the_service_provider_config_states_paging_bound_patch_and_bearer_token(client: FlaskClient) -> None:
    config = client.get("/scim/v2/ServiceProviderConfig", headers=AUTH).json
    assert config["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]
    assert config["filter"] == {"supported": True, "maxResults": MAX_PAGE}
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    assert [scheme["type"] for scheme in config["authenticationSchemes"]] == ["oauthbearertoken"]


def test_resource_types_and_schemas_describe_the_user_resource(client: FlaskClient) -> None:
    types = client.get("/scim/v2/ResourceTypes", headers=AUTH).json
    assert types["totalResults"] == 1
    assert types["Resources"][0] | {"meta": None} == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": types["Resources"][0]["description"],
        "schema": USER_SCHEMA,
        "meta": None,
    }
    schema = client.get("/scim/v2/Schemas", headers=AUTH).json["Resources"][0]
    assert schema["id"] == USER_SCHEMA
    assert [attribute["name"] for attribute in schema["attributes"]] == [
        "userName",
        "displayName",
        "name",
        "active",
        "roles",
    ]


@pytest.mark.parametrize("path", ["/scim/v2/ServiceProviderConfig", "/scim/v2/ResourceTypes", "/scim/v2/Schemas"])
def test_discovery_needs_the_bearer_token_like_every_scim_route(client: FlaskClient, path: str) -> None:
    answered = client.get(path)
    assert answered.status_code == 401 and answered.mimetype == "application/scim+json"
