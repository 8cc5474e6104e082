"""Security headers on every response, and no caching of API responses (they hold child data)."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from ..config import INSECURE_TRANSPORT_ENVS

# No inline script or style anywhere: the phone app loads everything from its own origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=63072000; includeSubDomains"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["APP_ENV"] not in INSECURE_TRANSPORT_ENVS:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/"):
        headers["Cache-Control"] = "no-store"
    return response
