"""Walking the app's url_map: every rule and method, with its placeholders filled in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping

from flask import Flask

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def every_route(app: Flask) -> Iterator[tuple[str, str]]:
    """(rule, method) for every route the app answers, HEAD and OPTIONS aside."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def fill_path(rule: str, values: Mapping[str, str]) -> str:
    """The rule with each placeholder replaced by values[name], a fresh UUID, or a made-up word."""

    def replace(match: re.Match[str]) -> str:
        name, converter = match.group("name"), match.group("converter")
        if name in values:
            return values[name]
        return str(uuid.uuid4()) if converter == "uuid" else "made-up"

    return PLACEHOLDER.sub(replace, rule)
