"""What the HTTP servers say about themselves: a ``Server`` header naming no software or version.

Neither Werkzeug's development server nor gunicorn has a setting for the header, so each is
told here: the development server from ``create_app``, gunicorn from ``gunicorn.conf.py``.
"""

from __future__ import annotations

from typing import Any

from werkzeug.serving import WSGIRequestHandler

SERVER_HEADER = "visits"


def _server_header(_handler: Any) -> str:
    return SERVER_HEADER


def quiet_development_server() -> None:
    """Werkzeug sends ``Werkzeug/<version> Python/<version>`` from ``version_string``."""
    WSGIRequestHandler.version_string = _server_header  # type: ignore[method-assign, assignment]


def quiet_gunicorn() -> None:
    """gunicorn sends its module constant ``SERVER``; its workers fork after the config file runs."""
    from gunicorn.http import wsgi  # gunicorn is imported only where it serves

    wsgi.SERVER = SERVER_HEADER  # type: ignore[attr-defined]
