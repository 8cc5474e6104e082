"""The organisation's app roles mapped to worker roles and teams (OIDC_ROLES), and the
configuration mistakes that stop the app from starting rather than letting people in wrongly."""

from __future__ import annotations

import pytest

from backend.auth.app_roles import RoleGrant, parse_creatable_roles, parse_role_map
from backend.auth.organisation import OrganisationSettings
from backend.config import DEFAULTS, ConfigurationError, from_environment

ROLES = "Visits.Admin=admin; Visits.Manager.North = team_manager / North team ;Visits.SW.North=social_worker/North team"


def test_the_first_mapped_app_role_in_configuration_order_wins() -> None:
    roles = parse_role_map(ROLES)
    assert roles.grant_for(["Visits.SW.North", "Visits.Manager.North"]) == RoleGrant(
        "Visits.Manager.North", "team_manager", "North team"
    )
    assert roles.grant_for(["Visits.SW.North"]) == RoleGrant("Visits.SW.North", "social_worker", "North team")
    assert roles.grant_for("Visits.Admin") == RoleGrant("Visits.Admin", "admin", None)


@pytest.mark.parametrize("claim", [None, [], ["Unmapped"], [7, {"value": "Visits.Admin"}], 12, {"Visits.Admin": 1}])
def test_a_token_with_no_mapped_app_role_gets_none(claim: object) -> None:
    assert parse_role_map(ROLES).grant_for(claim) is None


@pytest.mark.parametrize("text", ["Visits.X=superuser", "=admin", "Visits.X", "Visits.X=/North"])
def test_a_mapping_to_no_known_role_stops_the_app_starting(text: str) -> None:
    with pytest.raises(ConfigurationError, match="OIDC_ROLES"):
        parse_role_map(text)


def test_creatable_roles_must_be_worker_roles() -> None:
    assert parse_creatable_roles("social_worker, personal_adviser") == {"social_worker", "personal_adviser"}
    with pytest.raises(ConfigurationError, match="OIDC_CREATE_WORKERS"):
        parse_creatable_roles("social_worker,root")


def test_an_issuer_without_client_credentials_stops_the_app_starting() -> None:
    with pytest.raises(ConfigurationError, match="OIDC_CLIENT_ID"):
        OrganisationSettings.from_config({**DEFAULTS, "OIDC_ISSUER": "https://login.example/tenant/v2.0"})
    assert OrganisationSettings.from_config(DEFAULTS) is None


def test_the_environment_turns_local_passwords_off_and_names_the_provider() -> None:
    config = from_environment(
        {"LOCAL_PASSWORDS": "false", "OIDC_ISSUER": "https://login.example/t/v2.0/", "SCIM_TOKEN": "s"}
    )
    assert config["LOCAL_PASSWORDS"] is False and config["SCIM_TOKEN"] == "s"
    assert from_environment({"LOCAL_PASSWORDS": "true"})["LOCAL_PASSWORDS"] is True
    settings = OrganisationSettings.from_config(
        {**DEFAULTS, **config, "OIDC_CLIENT_ID": "id", "OIDC_CLIENT_SECRET": "secret"}
    )
    assert settings is not None
    assert settings.issuer == "https://login.example/t/v2.0"
    assert settings.discovery_url == "https://login.example/t/v2.0/.well-known/openid-configuration"
