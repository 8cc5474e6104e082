"""The engine's answers for a few thousand varied synthetic cases, per profile, stay exactly
those recorded before it was optimised (scripts/engine_golden.py generates and hashes them)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from backend.core.scheduling import Obligation

ROOT = Path(__file__).resolve().parents[2]


def _golden_module() -> ModuleType:  # a script, loaded by its path
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


def test_an_obligation_built_fast_is_the_same_frozen_object() -> None:
    values = {
        "role": "social_worker",
        "due": date(2026, 12, 1),
        "plan_by": date(2026, 11, 30),
        "status": "ok",
        "last_visit": None,
        "rule": "england.cared_for",
        "explanation": "Because.",
        "plan_type": "cared_for",
        "duty": "contact",
        "due_at": datetime(2026, 12, 1, 9, 30),
    }
    built = Obligation.built(**values)
    assert built == Obligation(**values)  # type: ignore[arg-type]
    assert hash(built) == hash(Obligation(**values))  # type: ignore[arg-type]
    assert built.as_dict() == Obligation(**values).as_dict()  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.status = "overdue"  # type: ignore[misc]
