"""Small request-side helpers the resource modules share."""

from __future__ import annotations

from datetime import date, datetime

from flask import request

from ..services.clock import now_in_london, today_in_london


def route_name() -> str:
    """The route as the audit log records it: method and rule, never the query string."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return f"{request.method} {rule}"


def today() -> date:
    return today_in_london()


def now() -> datetime:
    return now_in_london()
