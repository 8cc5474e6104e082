"""Serves the phone app in ``pwa/`` at the site root: the shell, its modules and the service worker.

The app's own paths (``/``, ``/children/<id>``, ``/settings``, ...) all answer the same shell page;
the browser-side router picks the screen. The service worker is served from the scope root with
its ``VERSION`` set to a hash of every file in ``pwa/``, so any change to the app makes browsers
install a new worker, which precaches the new shell and deletes the old one.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "pwa"
SHELL_PAGE = "index.html"
SERVICE_WORKER = "sw.js"
# The literal line in sw.js that the served copy replaces with the content hash.
VERSION_LINE = "const VERSION = 'development';"

# The browser-side router's screens; each answers the shell page.
SHELL_ROUTES = (
    "/",
    "/sign-in",
    "/settings",
    "/team",
    "/children/<child_id>",
    "/teams/<team_id>",
    "/workers/<worker_id>",
)

# Explicit types: the platform's mimetypes table varies, and a module script or a manifest
# served with the wrong type is refused by the browser.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
}

# The app's own pages may tell the app's own origin where a click came from; every other
# security header is the one set in api/headers.py, added to every response.
PAGE_REFERRER_POLICY = "same-origin"
ICON_MAX_AGE = 86400
# Text compresses to about a quarter; PNGs are compressed already.
COMPRESSIBLE = {".html", ".js", ".css", ".webmanifest"}


def init_app(app: Flask) -> None:
    app.config.setdefault("PWA_DIRECTORY", str(DEFAULT_DIRECTORY))
    app.register_blueprint(create_blueprint())


def create_blueprint() -> Blueprint:
    blueprint = Blueprint("web", __name__)
    for rule in SHELL_ROUTES:
        blueprint.add_url_rule(rule, view_func=shell_page, endpoint=f"shell:{rule}")
    blueprint.add_url_rule(f"/{SERVICE_WORKER}", view_func=service_worker)
    blueprint.add_url_rule("/<filename>", view_func=app_file)
    blueprint.add_url_rule("/icons/<filename>", view_func=icon_file)
    blueprint.after_request(relax_referrer_policy)
    return blueprint


def directory() -> Path:
    return Path(current_app.config["PWA_DIRECTORY"])


def shell_page(**_path_ids: str) -> Response:
    """The same page for every screen: the ids in the path are the page's router's business."""
    return _send(directory(), SHELL_PAGE, max_age=None)


def app_file(filename: str) -> Response:
    if filename == SHELL_PAGE or Path(filename).suffix not in CONTENT_TYPES:
        abort(404)
    return _send(directory(), filename, max_age=None)


def icon_file(filename: str) -> Response:
    if Path(filename).suffix != ".png":
        abort(404)
    return _send(directory() / "icons", filename, max_age=ICON_MAX_AGE)


def service_worker() -> Response:
    root = directory()
    source = (root / SERVICE_WORKER).read_text(encoding="utf-8")
    version = content_version(root)
    body = source.replace(VERSION_LINE, f"const VERSION = '{version}';").encode()
    response = _respond(body, ".js", version)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def content_version(root: Path) -> str:
    """A short hash of every file under ``root``: it changes whenever any part of the app does."""
    digest = hashlib.sha256()
    for path in sorted(item for item in root.rglob("*") if item.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _send(folder: Path, filename: str, max_age: int | None) -> Response:
    joined = safe_join(str(folder), filename)
    if joined is None or not Path(joined).is_file():
        abort(404)
    path = Path(joined)
    body, etag = _file_bytes(path, path.stat().st_mtime_ns)
    return _respond(body, path.suffix, etag, max_age)


@lru_cache(maxsize=64)
def _file_bytes(path: Path, mtime_ns: int) -> tuple[bytes, str]:
    """A file's bytes and a strong ETag; keyed on the modification time so an edit is seen at once."""
    body = path.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:20]


@lru_cache(maxsize=64)
def _gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)


def _respond(body: bytes, suffix: str, etag: str, max_age: int | None = None) -> Response:
    compress = suffix in COMPRESSIBLE and "gzip" in request.accept_encodings
    response = Response(_gzipped(body) if compress else body, content_type=CONTENT_TYPES[suffix])
    if compress:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(f"{etag}-gzip" if compress else etag)
    # Unversioned names: always revalidate (cheap with the ETag), so an update is never stuck behind the HTTP cache.
    response.headers["Cache-Control"] = "no-cache" if max_age is None else f"public, max-age={max_age}"
    response.make_conditional(request)  # in place
    return response


def relax_referrer_policy(response: Response) -> Response:
    response.headers.setdefault("Referrer-Policy", PAGE_REFERRER_POLICY)
    return response
