"""Push reminders name the carers a worker supervises beside their children (send-reminders)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask import Flask

from tests.support.carers import add_carer
from tests.support.push_app import add_device, add_worker
from tests.support.push_service import LoopbackPushService


@pytest.fixture
def app(push_job_app: Flask) -> Flask:
    return push_job_app


def test_an_overdue_unannounced_visit_to_a_carer_is_reminded_with_initials_and_opens_the_list(
    app: Flask, service: LoopbackPushService
) -> None:
    worker_id = add_worker("ssw@example.org")
    # england: at least one unannounced visit a year, so due Mon 30 Nov 2026, overdue on Tuesday.
    add_carer(app, supervising_worker_id=worker_id, name="Robin Hale", reference="FC-77", approved=date(2025, 11, 30))
    subscriber = service.new_subscriber()
    add_device(worker_id, subscriber)
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", "2026-12-01T08:05"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sent"] == 1
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message["body"] == "Overdue: RH (unannounced carer visit) since Mon"
    assert "Robin" not in json.dumps(delivery.message)
    assert not delivery.message["url"].startswith("/#/children/")
