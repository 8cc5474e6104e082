"""Three ``send-reminders`` processes at once against one database never send a reminder twice."""

from __future__ import annotations

import json

import pytest

from backend.extensions import db, dispose_engines
from tests.support.push_app import (
    app_settings,
    make_app,
    run_send_reminders,
    worker_with_device,
)

WORKERS = 20


@pytest.mark.slow
def test_three_processes_at_once_send_each_reminder_exactly_once(service, fresh_database_url, keys) -> None:
    app = make_app(fresh_database_url, keys)
    with app.app_context():
        phones = [worker_with_device(service, number)[1] for number in range(1, WORKERS + 1)]
        db.session.remove()
        dispose_engines()
    service.latency = 0.1  # long enough that the three runs overlap
    settings = app_settings(fresh_database_url, keys)
    processes = [run_send_reminders(settings, "2026-12-01T08:05") for _ in range(3)]
    finished = [process.communicate(timeout=180) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], [errors for _, errors in finished]
    summaries = [json.loads(output) for output, _ in finished]
    assert sum(summary["planned"] for summary in summaries) == WORKERS
    assert sum(summary["sent"] for summary in summaries) == WORKERS
    assert sorted(len(service.deliveries_to(phone)) for phone in phones) == [1] * WORKERS
