"""Keep feed tokens out of every log line: the URL is the credential (and the query strings of
SCIM and of the organisation sign-in's callback, which hold emails and one-time codes).

A filter on the loggers that print request lines (Werkzeug's development server,
gunicorn's access and error logs, the app's own) rewrites ``/feeds/<token>.ics`` to
``/feeds/[token].ics`` in the message and in its arguments, whether those are a tuple
(Werkzeug) or gunicorn's dictionary of access-log atoms.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Extra slashes after /feeds/ are skipped too: /feeds//<token>.ics must not slip past.
_FEED_PATH = re.compile(r"(/feeds/)/*[^/\s?\"'.]+(\.ics)?")
REPLACEMENT = r"\1[token]\2"
SCRUBBED_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


# Query strings that hold personal data or credentials too: a SCIM filter names a worker's email,
# the organisation sign-in's callback carries a one-time code and state, and a search of the
# children list holds whatever was typed into the search box (a child's name, at times).
_SECRET_QUERY = re.compile(r"(/scim/v2/Users|/api/session/organisation/callback|/api/children)\?[^\s\"']*")
QUERY_REPLACEMENT = r"\1?[query]"


def scrub(text: str) -> str:
    if "/scim/" in text or "/organisation/" in text or "/api/children?" in text:
        text = _SECRET_QUERY.sub(QUERY_REPLACEMENT, text)
    return _FEED_PATH.sub(REPLACEMENT, text) if "/feeds/" in text else text


def _scrub_value(value: Any) -> Any:
    return scrub(value) if isinstance(value, str) else value


class FeedTokenFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _scrub_value(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_scrub_value(value) for value in record.args)
        return True


def install(*extra: logging.Logger) -> None:
    """Attach the filter once to each logger that may print a feed URL."""
    loggers = [logging.getLogger(name) for name in SCRUBBED_LOGGERS] + list(extra)
    for logger in loggers:
        if not any(isinstance(existing, FeedTokenFilter) for existing in logger.filters):
            logger.addFilter(FeedTokenFilter())
