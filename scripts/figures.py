#!/usr/bin/env python3
"""Print the figures the README and docs quote about the app's surface, measured now:
route-methods the access matrix walks, operations the OpenAPI document (and so the fuzz test)
covers, and the phone app shell's size against its budget.

    .venv/bin/python scripts/figures.py
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.app import create_app  # noqa: E402

SHELL_SUFFIXES = {".html", ".js", ".css", ".webmanifest"}
HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"TESTING": True, "APP_ENV": "testing", "SECRET_KEY": "figures", "DATABASE_URL": f"sqlite:///{folder}/f.db"}
        )
        routes = [
            (rule.rule, method)
            for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        ]
        document = app.test_client().get("/api/openapi.json").get_json()
    operations = sum(1 for item in document["paths"].values() for method in item if method in HTTP_METHODS)
    shell_files = [path for path in (ROOT / "pwa").iterdir() if path.suffix in SHELL_SUFFIXES]
    shell = sum(path.stat().st_size for path in shell_files)
    wire = sum(len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)) for path in shell_files)
    print(f"route-methods in the url_map (access matrix): {len(routes)}")
    print(f"operations in the OpenAPI document (fuzzing): {operations}")
    print(f"phone app shell (HTML, JS, CSS, manifest): {wire / 1024:.0f} KB gzipped of its 48 KB budget,")
    print(f"  {shell / 1024:.0f} KB uncompressed of its 170 KB cap (tests/integration/test_web.py)")


if __name__ == "__main__":
    main()
