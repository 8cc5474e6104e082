"""Run a feed through ical.js (Mozilla's parser) with node: an independent reading of our bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).resolve().parent / "js"


def parse_with_icaljs(body: bytes) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (JS_DIR / "node_modules" / "ical.js").is_dir():
        message = "node and tests/js/node_modules (npm ci in tests/js) are needed for ical.js"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    completed = subprocess.run(
        [node, str(JS_DIR / "parse_feed.mjs")], input=body, capture_output=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return json.loads(completed.stdout)
