"""``flask --app wsgi send-reminders`` against the loopback push service, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from backend.extensions import db, dispose_engines
from backend.persistence.push import PushSubscriptionRow, SentReminderRow
from tests.support.push_app import (
    IMPORTED_ON,
    PLANTED_NAME,
    SEEN_ON_2_NOVEMBER,
    add_child,
    add_device,
    add_worker,
    app_settings,
    make_app,
    run_send_reminders,
    worker_with_device,
)
from tests.support.push_service import ACCEPT_THEN_HANG, HANG, LoopbackPushService, Reply, Subscriber

OVERDUE_SLOT = "2026-12-01T08:05"  # Tuesday: overdue since Monday
LEAD_SLOT = "2026-11-26T08:05"  # Thursday: two working days before Mon 30 Nov


@pytest.fixture
def push_hang_seconds() -> float:
    return 20


@pytest.fixture
def app(push_job_app: Flask) -> Flask:
    return push_job_app


def send(app: Flask, now: str) -> dict[str, int]:
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", now])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_an_overdue_reminder_arrives_decrypted_and_a_second_run_sends_nothing(app, service) -> None:
    _, subscriber = worker_with_device(service)
    first = send(app, OVERDUE_SLOT)
    again = send(app, "2026-12-01T08:10")
    assert (first["planned"], first["sent"]) == (1, 1)
    assert (again["planned"], again["sent"]) == (0, 0)
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message["body"] == "Overdue: ZQ (CIN) since Mon"
    assert delivery.message["title"] == "1 visit overdue"
    assert delivery.message["url"].startswith("/#/children/")
    assert (delivery.headers["urgency"], delivery.headers["topic"]) == ("high", "visit-reminders")
    assert 0 < int(delivery.headers["ttl"]) <= 12 * 3600


def test_the_lead_day_reminder_names_the_visit_day(app, service) -> None:
    _, subscriber = worker_with_device(service)
    assert send(app, LEAD_SLOT)["sent"] == 1
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message["body"] == "1 visit due by Mon 30 Nov: ZQ (CIN) Mon"
    assert delivery.headers["urgency"] == "normal"


def test_no_reminder_on_a_day_without_a_slot(app, service) -> None:
    worker_with_device(service)
    assert send(app, "2026-11-27T08:05")["planned"] == 0  # Friday: neither lead day nor plan_by
    assert service.deliveries == []


def test_each_device_of_the_worker_gets_the_reminder(app, service) -> None:
    worker_id, first_phone = worker_with_device(service)
    second_phone = service.new_subscriber()
    add_device(worker_id, second_phone)
    assert send(app, OVERDUE_SLOT)["sent"] == 1
    assert len(service.deliveries_to(first_phone)) == len(service.deliveries_to(second_phone)) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_says_is_gone_is_deleted(app, service, status: int) -> None:
    _, subscriber = worker_with_device(service)
    service.script(subscriber, Reply(status))
    summary = send(app, OVERDUE_SLOT)
    assert (summary["devices_removed"], summary["no_devices"]) == (1, 1)
    assert db.session.execute(select(PushSubscriptionRow)).first() is None


def test_a_configuration_fault_keeps_the_device_and_fails_the_command(app, service) -> None:
    _, subscriber = worker_with_device(service)
    service.script(subscriber, Reply(403))
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", OVERDUE_SLOT])
    assert result.exit_code == 1
    assert json.loads(result.output.splitlines()[0])["config_faults"] == 1
    assert db.session.execute(select(PushSubscriptionRow)).first() is not None


def test_server_errors_are_retried_within_the_run(app, service) -> None:
    _, subscriber = worker_with_device(service)
    service.script(subscriber, Reply(500), Reply(429, {"Retry-After": "0"}))
    assert send(app, OVERDUE_SLOT)["sent"] == 1
    assert [attempt.status for attempt in service.attempts_to(subscriber)] == [500, 429, 201]


def test_a_push_service_still_failing_after_the_retries_gets_the_reminder_on_a_later_run(app, service) -> None:
    _, subscriber = worker_with_device(service)
    service.script(subscriber, *[Reply(503)] * 4)
    first = send(app, OVERDUE_SLOT)
    too_soon = send(app, "2026-12-01T08:07")
    later = send(app, "2026-12-01T08:15")
    assert (first["retrying"], too_soon["sent"], later["sent"]) == (1, 0, 1)
    assert len(service.deliveries_to(subscriber)) == 1


def test_a_reminder_not_sent_before_its_slot_lapses_is_expired_not_sent_late(app, service) -> None:
    _, subscriber = worker_with_device(service)
    service.script(subscriber, *[Reply(503)] * 4)
    send(app, OVERDUE_SLOT)
    assert send(app, "2026-12-01T20:01")["expired"] == 1
    assert service.deliveries_to(subscriber) == []


def test_a_visit_recorded_after_the_reminder_does_not_send_a_second_smaller_one(app, service) -> None:
    worker_id, subscriber = worker_with_device(service)
    add_child("C-7100", "worker1@example.org", IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER)
    assert send(app, OVERDUE_SLOT)["sent"] == 1
    add_child(
        "C-7100", "worker1@example.org", date(2026, 12, 1), visits=[{"date": "2026-12-01", "role": "social_worker"}]
    )
    assert send(app, "2026-12-01T10:00")["planned"] == 0
    assert len(service.deliveries_to(subscriber)) == 1


def test_nothing_personal_is_in_any_payload_or_stored_message(app, service) -> None:
    _, subscriber = worker_with_device(service)
    send(app, LEAD_SLOT)
    send(app, OVERDUE_SLOT)
    stored = db.session.execute(select(SentReminderRow.payload)).scalars().all()
    delivered = [delivery.plaintext.decode("utf-8") for delivery in service.deliveries_to(subscriber)]
    assert len(delivered) == 2 and len(stored) == 2
    for text in delivered + stored:
        for fragment in (PLANTED_NAME, "Zebedee", "Quillfeather", "2015-03-02", "2015"):
            assert fragment not in text


def test_a_worker_without_a_device_is_not_planned_for(app, service) -> None:
    add_worker("nophone@example.org")
    add_child("C-7200", "nophone@example.org", IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER)
    assert send(app, OVERDUE_SLOT)["planned"] == 0


def test_a_crash_mid_send_repeats_only_the_message_in_flight(app, service, fresh_database_url, keys) -> None:
    phones = [worker_with_device(service, number)[1] for number in range(1, 5)]
    for phone in phones:
        service.script(phone, ACCEPT_THEN_HANG)
    settings = app_settings(fresh_database_url, keys)
    crashing = run_send_reminders(settings, OVERDUE_SLOT, PUSH_MAX_CONCURRENCY="1", PUSH_TIMEOUT_SECONDS="30")
    in_flight = _first_phone_reached(service, phones)
    crashing.kill()
    crashing.communicate(timeout=10)
    service.clear_scripts()
    rerun = run_send_reminders(settings, "2026-12-01T08:06")
    _output, errors = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, errors
    counts = {phone.token: len(service.deliveries_to(phone)) for phone in phones}
    assert counts.pop(in_flight.token) == 2  # taken by the phone before the crash, and again after it
    assert list(counts.values()) == [1, 1, 1]


def _first_phone_reached(service: LoopbackPushService, phones: list[Subscriber]) -> Subscriber:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        reached = [phone for phone in phones if service.attempts_to(phone)]
        if reached:
            assert len(reached) == 1
            return reached[0]
        time.sleep(0.02)
    raise AssertionError("send-reminders never reached the push service")


def test_no_lock_is_held_while_a_push_service_answers(app, service, fresh_database_url) -> None:
    """Every message is claimed and committed before it is sent: while a push service takes
    its time, the reminder's row and (on SQLite) the database's write lock are free."""
    _, subscriber = worker_with_device(service)
    tried: list[str] = []
    service.on_request = lambda: tried.append(try_to_write(fresh_database_url))
    assert send(app, OVERDUE_SLOT)["sent"] == 1
    assert tried == ["written"]


def try_to_write(database_url: str) -> str:
    """From another connection, lock the reminders' rows for writing without waiting."""
    url = make_url(database_url)
    try:
        if url.get_backend_name() == "sqlite":
            connection = sqlite3.connect(url.database, timeout=0.2, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("UPDATE sent_reminders SET outcome = outcome")
                connection.execute("ROLLBACK")
            finally:
                connection.close()
        else:
            import psycopg

            libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(libpq) as connection:
                connection.execute("SELECT id FROM sent_reminders FOR UPDATE NOWAIT")
                connection.rollback()
    except Exception as problem:  # noqa: BLE001 (the test reports which)
        return type(problem).__name__
    return "written"


@pytest.mark.parametrize("slow", [Reply(503, {"Retry-After": "60"}), HANG], ids=["503-retry-after-60", "hangs"])
def test_a_slow_push_service_delays_a_run_by_the_delivery_deadline_at_most(
    fresh_database_url, keys, service, slow
) -> None:
    application = make_app(
        fresh_database_url, keys, PUSH_DEADLINE_SECONDS=2.0, PUSH_RETRY_MAX_DELAY=120.0, PUSH_TIMEOUT_SECONDS=30.0
    )
    with application.app_context():
        _, subscriber = worker_with_device(service)
        service.script(subscriber, *[slow] * 4)
        started = time.monotonic()
        summary = send(application, OVERDUE_SLOT)
        seconds = time.monotonic() - started
        db.session.remove()
        dispose_engines()
    assert summary["retrying"] == 1
    assert seconds < 2.0 + 3


def test_the_log_of_sent_reminders_is_pruned_after_thirty_days(app, service) -> None:
    worker_with_device(service)
    send(app, OVERDUE_SLOT)
    send(app, "2026-12-31T08:05")  # 30 days on: the 1 December reminder is kept
    assert "2026-12-01" in logged_slot_days()
    send(app, "2027-01-01T08:05")
    assert "2026-12-01" not in logged_slot_days()


def logged_slot_days() -> list[str]:
    return sorted(day.isoformat() for day in db.session.execute(select(SentReminderRow.slot_day)).scalars())


def test_nothing_is_planned_outside_the_slot_or_in_quiet_hours(app, service) -> None:
    worker_with_device(service)
    assert send(app, "2026-12-01T07:55")["planned"] == 0
    assert send(app, "2026-12-01T21:00")["planned"] == 0
    assert service.deliveries == []


@pytest.mark.parametrize("value", ["2026-12-01", "tomorrow", "2026-12-01T25:00"])
def test_a_now_that_is_not_a_date_time_is_refused_naming_the_option(app, value: str) -> None:
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", value])
    assert result.exit_code == 2
    assert "--now" in result.output


def test_a_deadline_in_its_lead_days_joins_the_overdue_visit_in_the_reminder(app, service) -> None:
    # England: the assessment within 45 working days of the referral of 1 October, Thu 3 December.
    _, subscriber = worker_with_device(service, events=[{"type": "referral", "date": "2026-10-01"}])
    assert send(app, OVERDUE_SLOT)["sent"] == 1
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message["title"] == "1 visit overdue, 1 due soon"
    assert delivery.message["body"] == (
        "Overdue: ZQ (CIN) since Mon\n1 deadline due by Thu 3 Dec: ZQ (child and family assessment) Thu"
    )
    assert PLANTED_NAME not in json.dumps(delivery.message)
