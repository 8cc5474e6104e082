"""The engine's answers for a few thousand varied synthetic cases, per profile, stay exactly
those recorded before it was optimised (scripts/engine_golden.py generates and hashes them)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _golden_module():  # noqa: ANN202 - a script loaded by path
    spec = importlib.util.spec_from_file_location("engine_golden", ROOT / "scripts" / "engine_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_answer_matches_the_recorded_fingerprints() -> None:
    golden = _golden_module()
    recorded = json.loads(golden.RECORDED.read_text())
    # On a mismatch, `scripts/engine_golden.py --dump DIR` on both versions shows which case differs.
    assert golden.fingerprints() == recorded
