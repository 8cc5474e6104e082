"""The session cookie, and the one a sign-in at the organisation's identity provider begins with:
HttpOnly, SameSite=Lax, Secure except on plain-HTTP development hosts."""

from __future__ import annotations

from flask import Response, current_app

from ..config import INSECURE_TRANSPORT_ENVS


def set_session_cookie(response: Response, token: str) -> None:
    config = current_app.config
    response.set_cookie(
        config["SESSION_COOKIE_NAME"],
        token,
        max_age=config["SESSION_IDLE_DAYS"] * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=config["APP_ENV"] not in INSECURE_TRANSPORT_ENVS,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    config = current_app.config
    response.delete_cookie(
        config["SESSION_COOKIE_NAME"],
        path="/",
        httponly=True,
        samesite="Lax",
        secure=config["APP_ENV"] not in INSECURE_TRANSPORT_ENVS,
    )


# Proves, when the organisation's identity provider sends the browser back, that this browser
# began the sign-in. Lax: it must come along on the provider's top-level redirect.
SIGN_IN_COOKIE = "visits_organisation_sign_in"
SIGN_IN_COOKIE_PATH = "/api/session/organisation/callback"


def set_sign_in_cookie(response: Response, secret: str) -> None:
    config = current_app.config
    response.set_cookie(
        SIGN_IN_COOKIE,
        secret,
        max_age=config["OIDC_SIGN_IN_SECONDS"],
        httponly=True,
        samesite="Lax",
        secure=config["APP_ENV"] not in INSECURE_TRANSPORT_ENVS,
        path=SIGN_IN_COOKIE_PATH,
    )


def clear_sign_in_cookie(response: Response) -> None:
    response.delete_cookie(
        SIGN_IN_COOKIE,
        path=SIGN_IN_COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["APP_ENV"] not in INSECURE_TRANSPORT_ENVS,
    )
