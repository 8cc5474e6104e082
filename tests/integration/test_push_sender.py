"""The push sender against the loopback push service: encryption, VAPID, RFC 8030 answers, retries."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import date

import jwt
import pytest
import requests
from webpush import WebPush, WebPushSubscription

from backend.core.reminders import Reminder
from backend.push.links import notification_payload
from backend.push.protocol import MAX_PLAINTEXT_BYTES, Outcome, PushMessage, Subscription
from backend.push.safe_http import caused_by_forbidden_address, guarded_session
from backend.push.sender import PushSender, RetryPolicy
from backend.push.subscriptions import EndpointPolicy
from backend.push.vapid import VapidKeys, VapidSigner
from tests.support.push_service import HANG, Reply, Subscriber
from tests.support.reminder_builders import london, make_item

SUBJECT = "mailto:push-admin@example.org"
# The loopback push service, trusted as an operator trusts a host in PUSH_ALLOWED_HOSTS.
LOOPBACK_ALLOWED = EndpointPolicy.from_settings("127.0.0.1", allow_http_loopback=True)


@pytest.fixture(autouse=True)
def sender_logs_enabled() -> None:
    # Alembic's env.py runs logging.config.fileConfig, which disables loggers that already
    # exist; a migration run earlier in the same pytest process would hide these logs.
    logging.getLogger("backend.push.sender").disabled = False


@pytest.fixture
def push_hang_seconds() -> float:
    return 5


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def sender(keys: VapidKeys, sleeps: RecordedSleep) -> Iterator[PushSender]:
    policy = RetryPolicy(attempts=3, base_delay=1.0, max_delay=30.0, connect_timeout=1.0, read_timeout=0.5)
    push_sender = PushSender(
        VapidSigner(keys, SUBJECT), policy=policy, max_workers=4, sleep=sleeps, endpoints=LOOPBACK_ALLOWED
    )
    yield push_sender
    push_sender.close()


def subscription_of(subscriber: Subscriber) -> Subscription:
    as_json = subscriber.to_json()
    return Subscription(as_json["endpoint"], as_json["keys"]["p256dh"], as_json["keys"]["auth"])


def message(**overrides: object) -> PushMessage:
    fields: dict = {
        "payload": {
            "title": "1 visit overdue",
            "body": "Overdue: KL (cared for) since Mon",
            "tag": "visit-reminders",
            "url": "/#/children/kl",
            "topic": "visit-reminders",
        },
        "ttl": 43200,
        "urgency": "high",
        "topic": "visit-reminders",
    }
    fields.update(overrides)
    return PushMessage(**fields)


def test_the_decrypted_json_arrives_intact_with_ttl_urgency_and_topic(service, sender) -> None:
    subscriber = service.new_subscriber()
    sent = message(payload={**message().payload, "body": "Overdue: Zoë’s visit (CP) since Mon"})
    result = sender.send(sent, subscription_of(subscriber))
    assert (result.outcome, result.status, result.attempts) == (Outcome.DELIVERED, 201, 1)
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message == dict(sent.payload)
    assert delivery.headers["ttl"] == "43200"
    assert delivery.headers["urgency"] == "high"
    assert delivery.headers["topic"] == "visit-reminders"
    assert delivery.headers["content-encoding"] == "aes128gcm"


def test_a_reminder_from_the_core_arrives_as_the_phone_app_contract_says(service, sender, england_calendar) -> None:
    subscriber = service.new_subscriber()
    item = make_item(child_id="kl", initials="KL", plan_type="cared_for", due="2026-11-30")
    now = london("2026-12-01 08:05")
    reminder = Reminder("w1", date(2026, 12, 1), london("2026-12-01 08:00"), london("2026-12-01 20:00"), (item,), ())
    payload = notification_payload(reminder)
    sent = PushMessage(payload, reminder.ttl_seconds(now), reminder.urgency, payload["topic"])
    assert sender.send(sent, subscription_of(subscriber)).outcome is Outcome.DELIVERED
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message == {
        "title": "1 visit overdue",
        "body": "Overdue: KL (cared for) since Mon",
        "tag": "visit-reminders",
        "url": "/#/children/kl",
        "topic": "visit-reminders",
    }
    assert delivery.headers["ttl"] == str(12 * 3600 - 300)


def test_the_vapid_token_names_the_origin_with_its_port_and_expires_within_a_day(service, sender, keys) -> None:
    subscriber = service.new_subscriber()
    sender.send(message(), subscription_of(subscriber))
    [delivery] = service.deliveries_to(subscriber)
    token = delivery.headers["authorization"].split("t=")[1].split(",")[0]
    claims = jwt.decode(token, keys.private_key.public_key(), algorithms=["ES256"], audience=service.origin)
    assert claims["aud"] == service.origin and ":" in claims["aud"].removeprefix("http://")
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert claims["sub"] == SUBJECT


def test_the_webpush_librarys_own_header_is_refused_for_dropping_the_port(service, keys) -> None:
    subscriber = service.new_subscriber()
    as_json = subscriber.to_json()
    built = WebPush(private_key=keys.private_pem, public_key=keys.public_pem, subscriber="ops@example.org", ttl=60).get(
        b"{}", WebPushSubscription.model_validate(as_json)
    )
    import requests

    answer = requests.post(as_json["endpoint"], data=built.encrypted, headers=dict(built.headers), timeout=5)
    assert answer.status_code == 403
    assert "audience" in service.attempts_to(subscriber)[0].problem.lower()


@pytest.mark.parametrize("status", [404, 410])
def test_a_vanished_subscription_is_reported_gone_at_once(service, sender, sleeps, status: int) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(status))
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.status, result.attempts, result.subscription_gone) == (Outcome.GONE, status, 1, True)
    assert sleeps.delays == []


def test_too_many_requests_waits_as_long_as_retry_after_says_then_delivers(service, sender, sleeps) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(429, {"Retry-After": "7"}))
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.attempts) == (Outcome.DELIVERED, 2)
    assert sleeps.delays == [7.0]
    assert len(service.deliveries_to(subscriber)) == 1


def test_a_retry_after_longer_than_the_sender_waits_leaves_the_message_for_a_later_run(service, sender, sleeps) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(503, {"Retry-After": "3600"}))
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.status, result.attempts) == (Outcome.FAILED, 503, 1)
    assert sleeps.delays == []
    assert "Retry-After 3600s" in result.detail


def test_server_errors_are_retried_with_growing_backoff(service, sender, sleeps) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(500), Reply(503))
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.attempts) == (Outcome.DELIVERED, 3)
    assert 0.5 <= sleeps.delays[0] <= 1.0 and 1.0 <= sleeps.delays[1] <= 2.0


def test_a_service_that_never_recovers_is_a_failure_to_retry_later_not_a_crash(service, sender, sleeps) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(500), Reply(502), Reply(503))
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.status, result.attempts) == (Outcome.FAILED, 503, 3)
    assert len(sleeps.delays) == 2
    assert service.deliveries_to(subscriber) == []


def test_a_hanging_service_times_out_and_the_retry_delivers(service, sender) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, HANG)
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.attempts) == (Outcome.DELIVERED, 2)
    assert len(service.deliveries_to(subscriber)) == 1


def test_a_service_that_always_hangs_ends_in_failure_without_raising(service, sender) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, HANG, HANG, HANG)
    result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.status, result.detail) == (Outcome.FAILED, None, "timed out")


def test_an_unreachable_service_is_retried_then_reported_failed(sender, sleeps, service) -> None:
    subscriber = service.new_subscriber()
    closed_port = subscription_of(subscriber).endpoint.replace(service.origin, "http://127.0.0.1:9")
    result = sender.send(
        message(), Subscription(closed_port, subscription_of(subscriber).p256dh, subscriber.to_json()["keys"]["auth"])
    )
    assert (result.outcome, result.attempts) == (Outcome.FAILED, 3)


def test_payload_too_large_is_a_defect_and_never_retried(service, sender, sleeps, caplog) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(413))
    with caplog.at_level(logging.ERROR, logger="backend.push.sender"):
        result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.attempts) == (Outcome.TOO_LARGE, 1)
    assert "defect" in caplog.text and sleeps.delays == []


def test_the_largest_plaintext_that_fits_is_delivered_and_one_byte_more_is_refused_before_sending(
    service, sender
) -> None:
    subscriber = service.new_subscriber()
    overhead = len(message(payload={"title": "", "body": ""}).plaintext())
    fits = message(payload={"title": "", "body": "x" * (MAX_PLAINTEXT_BYTES - overhead)})
    too_big = message(payload={"title": "", "body": "x" * (MAX_PLAINTEXT_BYTES - overhead + 1)})
    assert len(fits.plaintext()) == MAX_PLAINTEXT_BYTES
    assert sender.send(fits, subscription_of(subscriber)).outcome is Outcome.DELIVERED
    assert service.deliveries_to(subscriber)[0].body_size == 4096
    refused = sender.send(too_big, subscription_of(subscriber))
    assert (refused.outcome, refused.attempts) == (Outcome.TOO_LARGE, 0)
    assert len(service.attempts_to(subscriber)) == 1


@pytest.mark.parametrize("status", [400, 401, 403])
def test_authorisation_trouble_is_a_configuration_fault_and_keeps_the_subscription(
    service, sender, caplog, status
) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(status))
    with caplog.at_level(logging.CRITICAL, logger="backend.push.sender"):
        result = sender.send(message(), subscription_of(subscriber))
    assert (result.outcome, result.subscription_gone, result.attempts) == (Outcome.CONFIG_FAULT, False, 1)
    assert "configuration fault" in caplog.text


def test_a_sender_with_the_wrong_vapid_key_is_refused_by_the_service(service) -> None:
    subscriber = service.new_subscriber()
    stranger = PushSender(VapidSigner(VapidKeys.generate(), SUBJECT), sleep=lambda _s: None, endpoints=LOOPBACK_ALLOWED)
    result = stranger.send(message(), subscription_of(subscriber))
    stranger.close()
    assert (result.outcome, result.status) == (Outcome.CONFIG_FAULT, 403)


def test_logs_name_the_push_service_but_never_the_device_endpoint(service, sender, caplog) -> None:
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(500), Reply(410))
    with caplog.at_level(logging.DEBUG, logger="backend.push.sender"):
        sender.send(message(), subscription_of(subscriber))
    assert service.origin in caplog.text
    assert subscriber.token not in caplog.text


def test_many_messages_go_out_concurrently_each_to_its_own_subscriber(service, sender) -> None:
    subscribers = [service.new_subscriber() for _ in range(40)]
    batch = [
        (message(payload={"title": f"n{index}", "body": ""}), subscription_of(s)) for index, s in enumerate(subscribers)
    ]
    results = sender.send_all(batch)
    assert [result.outcome for result in results] == [Outcome.DELIVERED] * 40
    for index, subscriber in enumerate(subscribers):
        [delivery] = service.deliveries_to(subscriber)
        assert delivery.message["title"] == f"n{index}"


def test_a_malformed_subscription_key_is_rejected_without_a_request(service, sender) -> None:
    subscriber = service.new_subscriber()
    broken = Subscription(subscriber.endpoint, "not-a-key", subscriber.to_json()["keys"]["auth"])
    result = sender.send(message(), broken)
    assert (result.outcome, result.attempts) == (Outcome.REJECTED, 0)
    assert service.attempts_to(subscriber) == []


def test_a_name_that_resolves_to_loopback_at_send_time_is_never_connected_to(service, monkeypatch) -> None:
    """DNS rebinding: a name checked at registration answers with a loopback address later.
    The connection's own peer address is checked, so nothing reaches the loopback service."""
    real_getaddrinfo = socket.getaddrinfo

    def rebound(host: str, *args: object, **kwargs: object) -> object:
        return real_getaddrinfo("127.0.0.1" if host == "rebound.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    port = service.origin.rsplit(":", 1)[1]
    session = guarded_session(EndpointPolicy())
    with pytest.raises(requests.ConnectionError) as raised:
        session.post(f"http://rebound.example.org:{port}/push/x", data=b"", timeout=5)
    session.close()
    assert caused_by_forbidden_address(raised.value)
    assert service.attempts == []
    trusted = guarded_session(EndpointPolicy.from_settings("rebound.example.org", allow_http_loopback=False))
    assert trusted.post(f"http://rebound.example.org:{port}/push/x", data=b"", timeout=5).status_code == 404
    trusted.close()


@pytest.mark.parametrize("endpoint", ["https://127.0.0.1/push/x", "https://localhost/push/x", "http://10.0.0.7/x"])
def test_an_endpoint_stored_before_the_rules_tightened_is_not_sent_to(service, keys, endpoint: str) -> None:
    strict = PushSender(VapidSigner(keys, SUBJECT))  # no allowed hosts: as deployed
    subscriber_keys = service.new_subscriber().to_json()["keys"]
    result = strict.send(message(), Subscription(endpoint, subscriber_keys["p256dh"], subscriber_keys["auth"]))
    assert (result.outcome, result.attempts) == (Outcome.REJECTED, 0)


def test_retry_after_beyond_the_deadline_is_not_waited_for(service, keys, sleeps) -> None:
    policy = RetryPolicy(attempts=4, max_delay=120.0, read_timeout=5.0, deadline=3.0)
    patient = PushSender(VapidSigner(keys, SUBJECT), policy=policy, sleep=sleeps, endpoints=LOOPBACK_ALLOWED)
    subscriber = service.new_subscriber()
    service.script(subscriber, Reply(503, {"Retry-After": "60"}))
    result = patient.send(message(), subscription_of(subscriber))
    patient.close()
    assert (result.outcome, result.attempts, sleeps.delays) == (Outcome.FAILED, 1, [])


def test_all_attempts_at_a_hanging_service_end_by_the_deadline(service, keys) -> None:
    policy = RetryPolicy(attempts=4, base_delay=0.01, read_timeout=30.0, deadline=1.5)
    patient = PushSender(VapidSigner(keys, SUBJECT), policy=policy, endpoints=LOOPBACK_ALLOWED)
    subscriber = service.new_subscriber()
    service.script(subscriber, *[HANG] * 4)
    started = time.monotonic()
    result = patient.send(message(), subscription_of(subscriber))
    patient.close()
    assert result.outcome is Outcome.FAILED
    assert time.monotonic() - started < 1.5 + 1
