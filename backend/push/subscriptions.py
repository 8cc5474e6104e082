"""Checks on a browser's ``PushSubscription.toJSON()`` before it is stored.

A malformed key would only fail later, at encryption time, in the reminder job; a plain
http endpoint would send reminders unprotected by TLS to whoever runs it. Both are
refused at registration, naming the field.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from .vapid import b64url_decode

LOOPBACK_HOSTS = frozenset({"127.0.0.1"})
AUTH_SECRET_BYTES = 16
MAX_ENDPOINT_LENGTH = 2048


def endpoint_problem(endpoint: str, allow_http_loopback: bool) -> str | None:
    """Why an endpoint is refused, or None. Only https, or http on 127.0.0.1 when allowed (tests)."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return f"At most {MAX_ENDPOINT_LENGTH} characters."
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError:
        return "Not a URL."
    if not parts.hostname or parts.username or parts.password:
        return "Not an absolute URL with a host."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and allow_http_loopback and parts.hostname in LOOPBACK_HOSTS:
        return None
    return "Push endpoints must use https."


def p256dh_problem(value: str) -> str | None:
    """Why a subscriber public key is unusable: it must be an uncompressed P-256 point, base64url."""
    try:
        raw = b64url_decode(value)
        if len(raw) != 65 or raw[0] != 4:
            return "Not an uncompressed P-256 public key (65 bytes) in base64url."
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return "Not a P-256 public key in base64url."
    return None


def auth_problem(value: str) -> str | None:
    try:
        raw = b64url_decode(value)
    except ValueError:
        return "Not base64url."
    return None if len(raw) == AUTH_SECRET_BYTES else f"The auth secret is {AUTH_SECRET_BYTES} bytes."
