"""Attack: a long ``flask import-cases`` in its own process while phones keep saving visits.

The import spans many batches (each its own short transaction); every visit saved meanwhile
through the API must succeed, promptly, on SQLite (one write lock for the whole database) and
on PostgreSQL. An import holding the lock for its whole run made each of them wait for the
busy timeout and answer 500.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.children import Child
from tests.builders import make_case_json
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

ROOT = Path(__file__).resolve().parent.parent.parent
IMPORTED = 4_000  # sixteen batches of 250
PHONES = 3
# Far under the 30 s busy timeout: a phone waits for a batch or two, never for the import.
SLOWEST_SAVE_S = 10.0


def start_import(app: Flask, path: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "APP_ENV": "testing",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "import-cases", str(path)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def children(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Child))


@pytest.mark.slow
def test_visits_saved_during_a_long_import_all_succeed_promptly(app: Flask, tmp_path: Path) -> None:
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id, email="sw@example.org")
    phone_children = [add_child(app, allocations=[(worker, "social_worker")], team_id=team_id) for _ in range(PHONES)]
    before = children(app)
    cases = [
        make_case_json(
            reference=f"IMP-{number:05d}",
            visits=[{"date": "2026-10-05", "role": "social_worker"}],
            allocations=[{"worker_email": "sw@example.org", "role": "social_worker"}],
        )
        for number in range(IMPORTED)
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))
    phones = [signed_in(app, worker) for _ in range(PHONES)]
    saves: list[tuple[float, int, float]] = []  # (started, status, seconds)
    written: list[tuple[float, int]] = []  # (when, children stored)
    importing = start_import(app, path)

    def phone(api, child_id: str) -> None:  # noqa: ANN001
        while importing.poll() is None:
            started = time.monotonic()
            status = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(child_id)).status_code
            saves.append((started, status, time.monotonic() - started))
            time.sleep(0.05)

    threads = [threading.Thread(target=phone, args=pair) for pair in zip(phones, phone_children, strict=True)]
    for thread in threads:
        thread.start()
    while importing.poll() is None:
        written.append((time.monotonic(), children(app)))
        time.sleep(0.2)
    output, errors = importing.communicate(timeout=60)
    for thread in threads:
        thread.join(timeout=60)

    assert importing.returncode == 0, errors
    assert f"Imported: {IMPORTED} created, 0 updated" in output
    assert children(app) == before + IMPORTED
    statuses = sorted({status for _, status, _ in saves})
    assert statuses == [201], f"visit saves answered {statuses}"
    slowest = max(seconds for _, _, seconds in saves)
    assert slowest < SLOWEST_SAVE_S, f"a visit save waited {slowest:.1f} s"
    # The phones really saved while batches were landing: between the last look that found
    # none written and the first that found all.
    began = max(when for when, count in written if count == before)
    ended = min((when for when, count in written if count == before + IMPORTED), default=time.monotonic())
    during = [started for started, _, _ in saves if began <= started <= ended]
    assert len(during) >= PHONES, f"only {len(during)} saves while the import was writing"
