"""The one set of security headers, on every response (API, feeds and the phone app's files),
and no caching of API responses (they hold child data)."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from ..config import INSECURE_TRANSPORT_ENVS

HSTS = "max-age=63072000; includeSubDomains"
SECURITY_HEADERS = {
    # No inline script or style anywhere: the phone app loads everything from its own origin.
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Answers hold child data and feed links hold tokens: no other site learns where a click came from.
    # The phone app's own pages relax this to same-origin (web.py), for links within the app.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if current_app.config["APP_ENV"] not in INSECURE_TRANSPORT_ENVS:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/"):
        headers["Cache-Control"] = "no-store"
    return response
