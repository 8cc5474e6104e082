"""An ID token shaped as Microsoft Entra ID's v2.0 endpoint sends it (the tenant-specific issuer
``https://login.microsoftonline.com/<tenant id>/v2.0``, the application id as ``aud``, ``oid``
beside a pairwise ``sub``, app roles as a ``roles`` array, the UPN as ``preferred_username``
and no ``email`` unless the optional claim is added) is accepted from its own tenant only, and
names the worker by ``oid``. Signed with a key made here; no network."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from backend.auth.organisation import OrganisationProvider, OrganisationSettings
from backend.auth.organisation_sign_in import worker_for_claims
from backend.config import DEFAULTS
from backend.extensions import db
from backend.persistence.people import Worker
from backend.services.errors import Unauthenticated
from tests.support.world import add_team, add_worker

TENANT = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
OTHER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
CLIENT_ID = "00001111-aaaa-2222-bbbb-3333cccc4444"
OID = "00000000-0000-0000-66f3-3332eca7ea81"
NONCE = "nonce-for-entra-test"
KEY = RSAKey.generate_key(2048, parameters={"kid": "entra-test-key", "use": "sig"}, private=True)


def entra_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "ver": "2.0",
        "iss": ISSUER,
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",  # pairwise: this app's id for the person
        "aud": CLIENT_ID,
        "exp": now + 3600,
        "iat": now,
        "nbf": now,
        "name": "Sam Patel",
        "preferred_username": "Sam.Patel@council.example.gov.uk",
        "oid": OID,
        "tid": TENANT,
        "roles": ["Visits.SocialWorker.North"],
        "nonce": NONCE,
        "aio": "Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq",
    }
    return {**claims, **overrides}


def signed(claims: dict[str, Any]) -> str:
    return jwt.encode({"alg": "RS256", "kid": "entra-test-key", "typ": "JWT"}, claims, KEY)


def entra_provider(issuer_setting: str = ISSUER) -> OrganisationProvider:
    """The provider as configured for a tenant, its discovery document and keys already read
    (as Entra's tenant-specific discovery document names them)."""
    config = {
        **DEFAULTS,
        "OIDC_ISSUER": issuer_setting,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_ROLES": "Visits.SocialWorker.North=social_worker/North; Visits.Admin=admin",
    }
    settings = OrganisationSettings.from_config(config)
    assert settings is not None
    provider = OrganisationProvider(settings)
    provider._metadata = {
        "issuer": ISSUER,
        "authorization_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/authorize",
        "token_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token",
        "jwks_uri": f"https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys",
    }
    provider._keys = KeySet.import_key_set({"keys": [KEY.as_dict(private=False)]})  # type: ignore[arg-type]
    provider._read_at = time.monotonic()
    return provider


def test_the_issuer_setting_gives_entras_tenant_discovery_address() -> None:
    provider = entra_provider(ISSUER + "/")
    assert provider.settings.issuer == ISSUER
    assert provider.settings.discovery_url == f"{ISSUER}/.well-known/openid-configuration"


def test_an_entra_v2_id_token_from_the_tenant_is_accepted_with_roles_and_oid_as_sent() -> None:
    claims = entra_provider().checked_claims(signed(entra_claims()), NONCE)
    assert claims["roles"] == ["Visits.SocialWorker.North"] and claims["oid"] == OID


@pytest.mark.parametrize(
    "issuer",
    [
        f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",  # another tenant (here: personal accounts)
        "https://login.microsoftonline.com/{tenantid}/v2.0",  # the multi-tenant template, never a real issuer
        f"https://sts.windows.net/{TENANT}/",  # the v1.0 endpoint's issuer
        f"https://login.microsoftonline.com/{TENANT}/v2.0/",
    ],
)
def test_a_token_naming_any_other_issuer_is_refused(issuer: str) -> None:
    with pytest.raises(Unauthenticated):
        entra_provider().checked_claims(signed(entra_claims(iss=issuer)), NONCE)


def test_a_token_for_another_app_of_the_tenant_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        entra_provider().checked_claims(signed(entra_claims(aud="ffffffff-aaaa-2222-bbbb-3333cccc4444")), NONCE)


def test_the_worker_is_matched_by_upn_once_then_known_by_oid_not_the_pairwise_sub(app: Flask) -> None:
    add_worker(app, "social_worker", add_team(app, "North"), email="sam.patel@council.example.gov.uk")
    provider = entra_provider()
    with app.app_context():
        first = worker_for_claims(provider, provider.checked_claims(signed(entra_claims()), NONCE))
        db.session.commit()
        assert first.idp_subject == OID and first.role == "social_worker"
        renamed = entra_claims(preferred_username="Sam.Okafor@council.example.gov.uk", sub="another-pairwise-id")
        again = worker_for_claims(provider, provider.checked_claims(signed(renamed), NONCE))
        assert again.id == first.id
        assert db.session.get(Worker, first.id).email == "sam.patel@council.example.gov.uk"


def test_an_admin_app_role_is_read_from_the_roles_array(app: Flask) -> None:
    add_worker(app, "social_worker", email="sam.patel@council.example.gov.uk")
    provider = entra_provider()
    with app.app_context():
        claims = provider.checked_claims(signed(entra_claims(roles=["Other.Role", "Visits.Admin"])), NONCE)
        assert worker_for_claims(provider, claims).role == "admin"
