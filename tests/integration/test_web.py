"""The Flask side of the phone app: what the browser needs from the server to run and install it."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from backend.api.web import DEFAULT_DIRECTORY, content_version
from backend.app import create_app
from tests.support.database import config_for

PWA = DEFAULT_DIRECTORY
# What crosses the wire: each file as web.py sends it, gzipped (level 9). Counted compressed since
# the app gained households, carers, deadlines and the manager's view, because comments and
# readable names cost almost nothing gzipped; the time budgets in scripts/phone_budgets.py (a real
# browser on slow 4G) hold the user-visible side. The uncompressed cap bounds parse time.
SHELL_WIRE_BUDGET_BYTES = 48 * 1024
SHELL_BUDGET_BYTES = 170 * 1024


def make_client(directory: Path, **config: object) -> FlaskClient:
    return create_app(config_for(f"sqlite:///{directory / 'web.sqlite3'}", **config)).test_client()


@pytest.fixture
def web_client(tmp_path: Path) -> FlaskClient:
    return make_client(tmp_path)


def get(client: FlaskClient, path: str, **kwargs: object) -> TestResponse:
    """GET, with the body read and the file handle closed (files are streamed from disk)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def precached_paths() -> list[str]:
    source = (PWA / "sw.js").read_text(encoding="utf-8")
    shell_list = re.search(r"const APP_SHELL = \[(.*?)\];", source, re.S)
    assert shell_list, "sw.js must declare APP_SHELL"
    names = dict(re.findall(r"const (\w+) = '([^']+)';", source))
    return [names.get(item, item.strip("'")) for item in re.findall(r"'[^']+'|\b[A-Z_]+\b", shell_list.group(1))]


class MarkupAudit(HTMLParser):
    """Collects what a strict CSP would block and what the page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.handler_attributes: list[str] = []
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        if tag == "script" and attributes.get("src"):
            self.loaded.append(attributes["src"] or "")
        if tag == "link" and attributes.get("rel") in {"modulepreload", "stylesheet", "manifest", "icon"}:
            self.loaded.append(attributes.get("href") or "")
        if tag == "style":
            self.style_elements += 1
        self.style_attributes += [tag for name, _ in attrs if name == "style"]
        self.handler_attributes += [name for name, _ in attrs if name.startswith("on")]


def audit(name: str) -> MarkupAudit:
    parser = MarkupAudit()
    parser.feed((PWA / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize(
    "path", ["/", "/sign-in", "/settings", "/team", "/children/3f2c9a", "/teams/5b1d0e", "/workers/7e4a2c"]
)
def test_every_screen_path_answers_the_shell_page_with_a_strict_csp(web_client: FlaskClient, path: str) -> None:
    response = get(web_client, path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert '<script type="module" src="/app.js">' in response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"


def test_service_worker_is_served_from_the_root_with_full_scope_and_no_http_caching(web_client: FlaskClient) -> None:
    response = get(web_client, "/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert f"const VERSION = '{content_version(PWA)}';" in response.get_data(as_text=True)


def test_service_worker_answers_not_modified_when_the_app_is_unchanged(web_client: FlaskClient) -> None:
    etag = get(web_client, "/sw.js").headers["ETag"]
    assert get(web_client, "/sw.js", headers={"If-None-Match": etag}).status_code == 304


def test_service_worker_version_changes_with_any_app_file_and_only_then(tmp_path: Path) -> None:
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    client = make_client(tmp_path, PWA_DIRECTORY=str(copy))
    first = get(client, "/sw.js").get_data(as_text=True)
    assert get(client, "/sw.js").get_data(as_text=True) == first
    (copy / "app.css").write_text((copy / "app.css").read_text() + "\n/* release 2 */\n")
    second = get(client, "/sw.js").get_data(as_text=True)
    assert second != first
    assert "const VERSION = 'development';" not in second


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/app.js", "text/javascript"),
        ("/api.js", "text/javascript"),
        ("/app.css", "text/css"),
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/offline.html", "text/html"),
        ("/icons/maskable-512.png", "image/png"),
    ],
)
def test_app_files_carry_the_types_browsers_insist_on(web_client: FlaskClient, path: str, mimetype: str) -> None:
    response = get(web_client, path)
    assert response.status_code == 200
    assert response.mimetype == mimetype


@pytest.mark.parametrize(
    "path", ["/nope.js", "/index.html", "/..%2Fbackend%2Fapp.py", "/icons/..%2F..%2Fpyproject.toml", "/README.md"]
)
def test_files_outside_the_app_are_not_served(web_client: FlaskClient, path: str) -> None:
    assert get(web_client, path).status_code == 404


def test_every_precached_file_is_served(web_client: FlaskClient) -> None:
    for path in precached_paths():
        assert get(web_client, path).status_code == 200, path


def test_everything_the_shell_loads_is_precached_for_offline_use() -> None:
    precached = set(precached_paths())
    loaded = set(audit("index.html").loaded)
    for module in PWA.glob("*.js"):
        loaded |= {"/" + name for name in re.findall(r"from '\./([\w-]+\.js)'", module.read_text(encoding="utf-8"))}
    loaded.discard("/sw.js")
    assert loaded <= precached, f"not precached: {sorted(loaded - precached)}"


@pytest.mark.parametrize("page", ["index.html", "offline.html"])
def test_pages_have_no_inline_script_style_or_handlers(page: str) -> None:
    found = audit(page)
    assert (found.inline_scripts, found.style_elements, found.style_attributes, found.handler_attributes) == (
        0,
        0,
        [],
        [],
    )


def test_app_shell_stays_under_its_budgets() -> None:
    shell = [path for path in PWA.iterdir() if path.suffix in {".html", ".js", ".css", ".webmanifest"}]
    total = sum(path.stat().st_size for path in shell)
    on_the_wire = sum(len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)) for path in shell)
    assert total < SHELL_BUDGET_BYTES, f"app shell is {total} bytes"
    assert on_the_wire < SHELL_WIRE_BUDGET_BYTES, f"app shell is {on_the_wire} bytes gzipped"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_declares_an_installable_standalone_app_with_maskable_icons() -> None:
    manifest = json.loads((PWA / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["id"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert manifest["name"] and manifest["short_name"]
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        width, height = png_size(PWA / icon["src"].lstrip("/"))
        assert f"{width}x{height}" == icon["sizes"], icon["src"]


def test_text_files_are_gzipped_for_browsers_that_ask_and_revalidate_cheaply(web_client: FlaskClient) -> None:
    original = (PWA / "app.js").read_bytes()
    plain = get(web_client, "/app.js")
    zipped = get(web_client, "/app.js", headers={"Accept-Encoding": "gzip, br"})
    assert plain.get_data() == original and "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == original
    assert len(zipped.get_data()) < len(original) / 2
    assert zipped.headers["Vary"] == "Accept-Encoding"
    again = get(web_client, "/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304
