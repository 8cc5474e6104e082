"""Refuse input no handler should see: control characters in the URL, JSON no parser can read.

- A NUL or other control character in the path or query string cannot be part of any id or
  date; PostgreSQL would reject a NUL in a query parameter with an error, not a "not found".
- ``json.loads`` recurses once per level: a 1 MB body of ``[[[[...`` exceeds the interpreter's
  recursion limit and raises RecursionError, which is not a ValueError, so neither Flask nor
  webargs turns it into a 400. Parsing once here settles it for both.
- An integer of more than 4,300 digits exceeds Python's limit on converting text to int
  (``sys.get_int_max_str_digits``): ``json.loads`` raises a ValueError that Flask's own
  parser lets through as a 500. No field holds such a number; it is refused here as a 400.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from flask import Flask, Response, request

from .fields import CONTROL_CHARACTERS
from .problems import problem


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters_in_the_url)
    app.before_request(refuse_json_the_parsers_cannot_read)


def refuse_control_characters_in_the_url() -> Response | None:
    query = unquote(request.query_string.decode("latin-1"))
    if CONTROL_CHARACTERS.search(request.path) or CONTROL_CHARACTERS.search(query):
        return problem(400, "The address holds control characters.", errors={"url": ["Control characters."]})
    return None


def refuse_json_the_parsers_cannot_read() -> Response | None:
    if not request.is_json or not request.content_length:
        return None
    try:
        json.loads(request.get_data(cache=True), parse_int=_integer)
    except RecursionError:
        return problem(400, "The request body is nested too deeply.", errors={"body": ["Nested too deeply."]})
    except NumberTooLong:
        return problem(400, "The request body holds a number too long to read.", errors={"body": ["Number too long."]})
    except ValueError:
        return None  # malformed JSON: answered where the body is read, as for any bad body
    return None


class NumberTooLong(Exception):
    """Not a ValueError, so that it is told apart from malformed JSON."""


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise NumberTooLong from None
