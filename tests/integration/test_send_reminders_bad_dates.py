"""``send-reminders`` with children whose stored dates the engine cannot use (a visit typed as
1926, an episode from the year 1): the job still succeeds and every other child's reminder goes.
The rows are changed directly, as rows stored before the API refused such dates would be."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import delete, update

from backend.extensions import db
from backend.persistence.children import Child, EpisodeRow, VisitRow
from tests.support.push_app import (
    IMPORTED_ON,
    SEEN_ON_2_NOVEMBER,
    add_child,
    worker_with_device,
)

OVERDUE_SLOT = "2026-12-01T08:05"  # Tuesday: the good child's visit is overdue since Monday


@pytest.fixture
def app(push_job_app: Flask) -> Flask:
    return push_job_app


def child_id(reference: str) -> str:
    return db.session.scalar(db.select(Child.id).where(Child.reference == reference))


def test_one_childs_bad_dates_never_stop_another_workers_or_another_childs_reminder(app: Flask, service) -> None:  # noqa: ANN001
    _, first = worker_with_device(service, 1)
    add_child("C-TYPO", "worker1@example.org", IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER)
    _, second = worker_with_device(service, 2)
    db.session.execute(update(VisitRow).where(VisitRow.child_id == child_id("C-TYPO")).values(date=date(1926, 11, 2)))
    # Never visited, on an episode from the year 1: its first visit fell due in the year 1.
    db.session.execute(delete(VisitRow).where(VisitRow.child_id == child_id("C-7002")))
    db.session.execute(update(EpisodeRow).where(EpisodeRow.child_id == child_id("C-7002")).values(start=date(1, 1, 1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", OVERDUE_SLOT])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["planned"], summary["sent"]) == (1, 1)
    [delivery] = service.deliveries_to(first)
    assert delivery.message["title"] == "1 visit overdue"
    assert service.deliveries_to(second) == []
