"""The session cookie: HttpOnly, SameSite=Lax, Secure except on plain-HTTP development hosts."""

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
