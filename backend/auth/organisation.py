"""The organisation's identity provider over OpenID Connect (Microsoft Entra ID, or any
certified provider): the authorization code flow with PKCE (S256), through Authlib, and the
ID token checked with joserfc (Authlib's JOSE library): signature against the provider's
published keys, the tenant-specific issuer, this app as the audience, expiry and the nonce.

Every call to the provider (discovery, the token exchange, its keys) is made with no database
transaction open: callers commit before calling and start a new one after.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..config import ConfigurationError
from ..services.errors import Unauthenticated
from .app_roles import RoleMap, parse_creatable_roles, parse_role_map

PROVIDER_NAME = "organisation"
SCOPES = "openid email profile"
# Clocks of the provider and this server may disagree a little; never by more than this.
LEEWAY_SECONDS = 60
# The provider's discovery document and keys are read again after this long (keys rotate).
METADATA_SECONDS = 3600
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
DID_NOT_COMPLETE = "Signing in with your organisation did not complete. Try again."
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrganisationSettings:
    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str
    roles: RoleMap
    creatable_roles: frozenset[str]
    label: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OrganisationSettings | None:
        """None when no issuer is configured (the organisation's sign-in is off)."""
        issuer = (config.get("OIDC_ISSUER") or "").rstrip("/")
        if not issuer:
            return None
        if not config.get("OIDC_CLIENT_ID") or not config.get("OIDC_CLIENT_SECRET"):
            raise ConfigurationError("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
        return cls(
            issuer=issuer,
            discovery_url=config.get("OIDC_DISCOVERY_URL") or f"{issuer}/.well-known/openid-configuration",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            roles=parse_role_map(config.get("OIDC_ROLES") or ""),
            creatable_roles=parse_creatable_roles(config.get("OIDC_CREATE_WORKERS") or ""),
            label=config.get("OIDC_BUTTON_LABEL") or "Sign in with your organisation",
            timeout=float(config["OIDC_TIMEOUT_SECONDS"]),
        )


class OrganisationProvider:
    """One per app: the settings, and the provider's discovery document and keys once read."""

    name = PROVIDER_NAME

    def __init__(self, settings: OrganisationSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._read_at = 0.0

    def metadata(self) -> dict[str, Any]:
        """The discovery document, whose issuer must be exactly the configured (tenant's) one."""
        with self._lock:
            if self._metadata is None or time.monotonic() - self._read_at > METADATA_SECONDS:
                document = self._get_json(self.settings.discovery_url)
                if document.get("issuer") != self.settings.issuer:
                    refuse("the discovery document names another issuer")
                self._metadata, self._keys, self._read_at = document, None, time.monotonic()
            return self._metadata

    def authorization_url(self, state: str, nonce: str, code_verifier: str, redirect_uri: str) -> str:
        endpoint = self.metadata()["authorization_endpoint"]
        url, _ = self._client(redirect_uri).create_authorization_url(
            endpoint, state=state, code_verifier=code_verifier, nonce=nonce
        )
        return str(url)

    def claims_for_code(self, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> dict[str, Any]:
        """The checked claims of the ID token the code is exchanged for; Unauthenticated otherwise."""
        token_endpoint = self.metadata()["token_endpoint"]
        try:
            token = self._client(redirect_uri).fetch_token(
                token_endpoint, code=code, code_verifier=code_verifier, grant_type="authorization_code"
            )
        except Exception as error:  # noqa: BLE001 (any failure of the exchange refuses the sign-in)
            refuse(f"the token exchange failed ({type(error).__name__})")
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            refuse("the token response holds no ID token")
        return self.checked_claims(id_token, nonce)

    def checked_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        try:
            decoded = jwt.decode(id_token, self._key_set(), algorithms=list(SIGNING_ALGORITHMS))
        except (JoseError, ValueError):
            # A key rotated since the keys were read: read them once more.
            with self._lock:
                self._keys = None
            try:
                decoded = jwt.decode(id_token, self._key_set(), algorithms=list(SIGNING_ALGORITHMS))
            except (JoseError, ValueError) as error:
                refuse(f"the ID token's signature does not verify ({type(error).__name__})")
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as error:
            refuse(f"the ID token's claims are wrong ({error.error}: {getattr(error, 'claim', '')})")
        return dict(decoded.claims)

    def _key_set(self) -> KeySet:
        jwks_uri = self.metadata()["jwks_uri"]
        with self._lock:
            if self._keys is None:
                self._keys = KeySet.import_key_set(self._get_json(jwks_uri))  # type: ignore[arg-type]
            return self._keys

    def _client(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            self.settings.client_id,
            self.settings.client_secret,
            scope=SCOPES,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            default_timeout=self.settings.timeout,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=self.settings.timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            refuse(f"the identity provider did not answer ({type(error).__name__})")
        if not isinstance(document, dict):
            refuse("the identity provider answered something other than a JSON object")
        return document


def refuse(reason: str) -> NoReturn:
    """Logs why (never a token or a claim's value) and refuses, saying only that it failed."""
    log.warning("organisation sign-in refused: %s", reason)
    raise Unauthenticated(DID_NOT_COMPLETE)
