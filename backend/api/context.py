"""Small request-side helpers the resource modules share."""

from __future__ import annotations

from datetime import date

from flask import request

from ..clock import today_in_london


def route_name() -> str:
    """The route as the audit log records it: method and rule, never the query string."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return f"{request.method} {rule}"


def today() -> date:
    return today_in_london()
