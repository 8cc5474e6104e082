"""``flask send-escalations``: a team manager is told once of each visit of the team that went
overdue, never in their quiet hours, with initials and reference only; run twice or on three
processes at once, each escalation is sent once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from flask import Flask

from backend.auth.accounts import create_worker
from backend.extensions import db, dispose_engines
from backend.persistence.supervision import EscalationRow
from tests.support.push_app import (
    PASSWORD,
    PLANTED_NAME,
    ROOT,
    add_device,
    app_settings,
    make_app,
    worker_with_device,
)
from tests.support.push_service import LoopbackPushService, Subscriber

# The child in need seen on 2 Nov was due Mon 30 Nov: overdue from 1 Dec.
OVERDUE_MORNING = "2026-12-01T10:00"
TEAM = "Children in need team"  # the team tests.support.push_app's workers join


@pytest.fixture
def app(push_job_app: Flask) -> Flask:
    return push_job_app


def manager_with_device(service: LoopbackPushService, number: int = 1) -> tuple[str, Subscriber]:
    manager = create_worker(f"manager{number}@example.org", "Mo Manager", "team_manager", TEAM, PASSWORD).id
    subscriber = service.new_subscriber()
    add_device(manager, subscriber)
    return manager, subscriber


def escalate(app: Flask, now: str) -> dict[str, int]:
    result = app.test_cli_runner().invoke(args=["send-escalations", "--now", now])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_manager_is_told_once_of_each_missed_due_date_by_initials_and_reference(app, service) -> None:
    worker_with_device(service)
    _, phone = manager_with_device(service)
    first = escalate(app, OVERDUE_MORNING)
    again = escalate(app, "2026-12-02T10:00")
    assert (first["escalated"], first["sent"]) == (1, 1)
    assert (again["escalated"], again["sent"]) == (0, 0)
    [delivery] = service.deliveries_to(phone)
    assert delivery.message["title"] == "Visit overdue"
    assert delivery.message["body"] == "CIN visit for ZQ (C-7001) was due Mon 30 Nov"
    assert PLANTED_NAME not in json.dumps(delivery.message)
    assert delivery.headers["urgency"] == "high"
    assert db.session.scalar(db.select(db.func.count()).select_from(EscalationRow)) == 1


def test_nothing_is_escalated_before_the_visit_is_overdue(app, service) -> None:
    worker_with_device(service)
    manager_with_device(service)
    assert escalate(app, "2026-11-30T10:00")["escalated"] == 0


def test_a_visit_overdue_more_than_a_week_at_the_first_run_is_not_pushed(app, service) -> None:
    # Deployed on 20 Dec: the visit due 30 Nov is on the overview as overdue, not a push burst.
    worker_with_device(service)
    _, phone = manager_with_device(service)
    assert escalate(app, "2026-12-20T10:00")["escalated"] == 0
    assert service.deliveries_to(phone) == []


def test_a_visit_that_fell_due_a_week_ago_is_still_escalated(app, service) -> None:
    worker_with_device(service)
    _, phone = manager_with_device(service)
    assert escalate(app, "2026-12-07T10:00")["sent"] == 1
    assert len(service.deliveries_to(phone)) == 1


def test_quiet_hours_hold_the_escalation_until_they_end(app, service) -> None:
    worker_with_device(service)
    _, phone = manager_with_device(service)  # quiet from 20:00 to 07:00, the default
    assert escalate(app, "2026-12-01T06:30")["escalated"] == 0
    assert service.deliveries_to(phone) == []
    assert escalate(app, "2026-12-01T07:05")["sent"] == 1


def test_a_team_without_a_manager_is_marked_and_nobody_is_sent_anything(app, service) -> None:
    worker_with_device(service)
    summary = escalate(app, OVERDUE_MORNING)
    assert (summary["escalated"], summary["sent"]) == (1, 0)


def run_send_escalations(settings: dict[str, Any], now: str) -> subprocess.Popen[str]:
    env = {**os.environ, **{key: str(value) for key, value in settings.items()}}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "send-escalations", "--now", now]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


CHILDREN = 8


@pytest.mark.slow
def test_three_processes_at_once_send_each_escalation_exactly_once(service, fresh_database_url, keys) -> None:
    app = make_app(fresh_database_url, keys)
    with app.app_context():
        for number in range(1, CHILDREN + 1):
            worker_with_device(service, number)
        _, phone = manager_with_device(service)
        db.session.remove()
        dispose_engines()
    service.latency = 0.1  # long enough that the three runs overlap
    settings = app_settings(fresh_database_url, keys)
    processes = [run_send_escalations(settings, OVERDUE_MORNING) for _ in range(3)]
    finished = [process.communicate(timeout=180) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], [errors for _, errors in finished]
    summaries = [json.loads(output) for output, _ in finished]
    assert sum(summary["escalated"] for summary in summaries) == CHILDREN
    assert sum(summary["sent"] for summary in summaries) == CHILDREN
    assert len(service.deliveries_to(phone)) == CHILDREN
