"""Configuration: safe defaults, then the environment, then what the caller passes."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

DEFAULTS: dict[str, Any] = {
    "RULES_PROFILE": "england",
    "CALENDAR_FIRST_YEAR": 2000,
    "CALENDAR_LAST_YEAR": 2045,
    # "production" unless told otherwise: Secure cookies and HSTS are the default, not an opt-in.
    "APP_ENV": "production",
    # Workers stay signed in on their own phone; a visit queued offline for days must still replay.
    "SESSION_IDLE_DAYS": 30,
    "SESSION_COOKIE_NAME": "visits_session",
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_WINDOW_SECONDS": 300,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust. Behind one,
    # set it to 1: otherwise every request seems to come from the proxy, and sign-in
    # throttling by address would lock everybody out together.
    "PROXY_HOPS": 0,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "API_TITLE": "Visit scheduler",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    # Local passwords stay on unless turned off (LOCAL_PASSWORDS=false), for instance once every
    # worker signs in with the organisation's identity provider (docs/sign-in.md).
    "LOCAL_PASSWORDS": True,
    # How long a sign-in begun at the organisation's identity provider may take to come back.
    "OIDC_SIGN_IN_SECONDS": 600,
    "OIDC_TIMEOUT_SECONDS": 10.0,
    # Anyone may begin a sign-in, and each one begun is a row until it ends or expires. Starts
    # are counted per address in LOGIN_WINDOW_SECONDS (generous: a council's staff may share
    # one address), and past a ceiling of sign-ins under way a start is refused for a while.
    "OIDC_STARTS_PER_ADDRESS": 300,
    "OIDC_PENDING_MAX": 10000,
    # A deactivated worker's calendar-feed links answer an empty calendar this long, then 404.
    "FEED_RETIRED_DAYS": 30,
}


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("false", "0", "no", "off")


# Environment variable -> (config key, parser)
ENVIRONMENT: dict[str, tuple[str, Any]] = {
    "RULES_PROFILE": ("RULES_PROFILE", str),
    "CALENDAR_FIRST_YEAR": ("CALENDAR_FIRST_YEAR", int),
    "CALENDAR_LAST_YEAR": ("CALENDAR_LAST_YEAR", int),
    "DATABASE_URL": ("DATABASE_URL", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "APP_ENV": ("APP_ENV", str),
    "SESSION_IDLE_DAYS": ("SESSION_IDLE_DAYS", int),
    "PROXY_HOPS": ("PROXY_HOPS", int),
    # Push reminders (docs/push.md)
    "VAPID_PRIVATE_KEY": ("VAPID_PRIVATE_KEY", str),
    "VAPID_PUBLIC_KEY": ("VAPID_PUBLIC_KEY", str),
    "VAPID_SUBJECT": ("VAPID_SUBJECT", str),
    "PUSH_ALLOW_HTTP_LOOPBACK": ("PUSH_ALLOW_HTTP_LOOPBACK", lambda text: text.strip().lower() == "true"),
    "PUSH_MAX_CONCURRENCY": ("PUSH_MAX_CONCURRENCY", int),
    "PUSH_RETRY_ATTEMPTS": ("PUSH_RETRY_ATTEMPTS", int),
    "PUSH_RETRY_BASE_DELAY": ("PUSH_RETRY_BASE_DELAY", float),
    "PUSH_RETRY_MAX_DELAY": ("PUSH_RETRY_MAX_DELAY", float),
    "PUSH_TIMEOUT_SECONDS": ("PUSH_TIMEOUT_SECONDS", float),
    "PUSH_DEADLINE_SECONDS": ("PUSH_DEADLINE_SECONDS", float),
    "PUSH_ALLOWED_HOSTS": ("PUSH_ALLOWED_HOSTS", str),
    # Where calendar clients reach the app (feed links). Required in production: otherwise
    # links would copy whatever Host header a request carried.
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    # Sign-in with the organisation's identity provider, and SCIM provisioning (docs/sign-in.md)
    "LOCAL_PASSWORDS": ("LOCAL_PASSWORDS", _flag),
    "OIDC_ISSUER": ("OIDC_ISSUER", str),
    "OIDC_DISCOVERY_URL": ("OIDC_DISCOVERY_URL", str),
    "OIDC_CLIENT_ID": ("OIDC_CLIENT_ID", str),
    "OIDC_CLIENT_SECRET": ("OIDC_CLIENT_SECRET", str),
    "OIDC_ROLES": ("OIDC_ROLES", str),
    "OIDC_CREATE_WORKERS": ("OIDC_CREATE_WORKERS", str),
    "OIDC_BUTTON_LABEL": ("OIDC_BUTTON_LABEL", str),
    "OIDC_STARTS_PER_ADDRESS": ("OIDC_STARTS_PER_ADDRESS", int),
    "OIDC_PENDING_MAX": ("OIDC_PENDING_MAX", int),
    "FEED_RETIRED_DAYS": ("FEED_RETIRED_DAYS", int),
    "SCIM_TOKEN": ("SCIM_TOKEN", str),
}

# Environments in which the app is reached over plain HTTP on loopback.
INSECURE_TRANSPORT_ENVS = ("development", "testing")


class ConfigurationError(RuntimeError):
    """The app may not serve requests as configured; the message says what to set."""


def serving_problem(config: dict[str, Any]) -> str | None:
    """What must change before this configuration may serve HTTP, or None. Checked when a
    server starts (gunicorn.conf.py) rather than in create_app, so that command-line jobs
    such as ``flask due`` keep working on a machine with no public address."""
    base_url = config.get("PUBLIC_BASE_URL")
    if not base_url:
        if config.get("APP_ENV", "production") in INSECURE_TRANSPORT_ENVS:
            return None
        return (
            "PUBLIC_BASE_URL is not set. In production feed links must not copy the request's Host "
            "header: set PUBLIC_BASE_URL to where clients reach the app (e.g. https://visits.example.gov.uk), "
            "or APP_ENV=development on a machine of your own."
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        return f"PUBLIC_BASE_URL must be a scheme and host such as https://visits.example.gov.uk, not {base_url!r}."
    return None


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = dict(os.environ) if environ is None else environ
    return {key: parse(environ[name]) for name, (key, parse) in ENVIRONMENT.items() if environ.get(name)}


def normalise_database_url(url: str) -> str:
    """Point bare PostgreSQL URLs at psycopg 3, the only PostgreSQL driver this service ships."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
