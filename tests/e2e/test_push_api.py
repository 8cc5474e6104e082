"""``/api/push/...`` over HTTP: the public key, devices, settings and the test notification."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from unittest.mock import patch

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend.extensions import db, dispose_engines
from backend.push.vapid import VapidKeys
from tests.support.push_app import PASSWORD, add_worker, make_app
from tests.support.push_service import LoopbackPushService, Reply
from tests.support.reminder_builders import london


@pytest.fixture
def push_app(tmp_path, keys: VapidKeys) -> Iterator[Flask]:
    app = make_app(f"sqlite:///{tmp_path / 'api.sqlite3'}", keys)
    with app.app_context():
        add_worker("sam@example.org")
        add_worker("alex@example.org", "Alex Other-Worker")
        db.session.remove()
    yield app
    with app.app_context():
        dispose_engines()


class SignedIn:
    """A test client signed in as one worker, sending the CSRF header on every write."""

    def __init__(self, app: Flask, email: str) -> None:
        self.client: FlaskClient = app.test_client()
        answer = self.client.post("/api/session", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        self.csrf = answer.get_json()["csrf_token"]

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def write(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.open(path, method=method, json=body, headers={"X-CSRF-Token": self.csrf})


@pytest.fixture
def sam(push_app: Flask) -> SignedIn:
    return SignedIn(push_app, "sam@example.org")


def test_the_public_key_is_the_vapid_application_server_key(sam: SignedIn, keys: VapidKeys) -> None:
    answer = sam.get("/api/push/public-key")
    assert answer.status_code == 200
    assert answer.get_json() == {"public_key": keys.application_server_key}


def test_push_endpoints_need_a_signed_in_worker(push_app: Flask) -> None:
    assert push_app.test_client().get("/api/push/public-key").status_code == 401


def test_a_device_registers_once_and_again_on_each_app_start(sam: SignedIn, service: LoopbackPushService) -> None:
    subscription = service.new_subscriber().to_json()
    first = sam.write("POST", "/api/push/subscriptions", subscription)
    again = sam.write("POST", "/api/push/subscriptions", subscription)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == {"endpoint": subscription["endpoint"]}


def test_a_worker_may_register_several_devices_and_the_test_reaches_each(sam: SignedIn, service) -> None:
    phones = [service.new_subscriber() for _ in range(3)]
    for phone in phones:
        assert sam.write("POST", "/api/push/subscriptions", phone.to_json()).status_code == 201
    answer = sam.write("POST", "/api/push/test")
    assert answer.get_json() == {"devices": 3, "delivered": 3, "removed": 0, "failed": 0}
    for phone in phones:
        [delivery] = service.deliveries_to(phone)
        assert delivery.message == {
            "title": "Test notification",
            "body": "Visit reminders are on for this device.",
            "tag": "push-test",
            "url": "/#/visits",
            "topic": "push-test",
        }
        assert delivery.headers["topic"] == "push-test"


def test_a_test_notification_to_a_gone_device_removes_it(sam: SignedIn, service) -> None:
    phone = service.new_subscriber()
    sam.write("POST", "/api/push/subscriptions", phone.to_json())
    service.script(phone, Reply(410))
    assert sam.write("POST", "/api/push/test").get_json() == {"devices": 1, "delivered": 0, "removed": 1, "failed": 0}
    assert sam.write("POST", "/api/push/test").get_json()["devices"] == 0


def test_deleting_a_device_stops_its_notifications(sam: SignedIn, service) -> None:
    phone = service.new_subscriber()
    sam.write("POST", "/api/push/subscriptions", phone.to_json())
    assert sam.write("DELETE", "/api/push/subscriptions", {"endpoint": phone.endpoint}).status_code == 204
    assert sam.write("POST", "/api/push/test").get_json()["devices"] == 0


def test_a_worker_cannot_delete_someone_elses_device(push_app: Flask, sam: SignedIn, service) -> None:
    alex = SignedIn(push_app, "alex@example.org")
    phone = service.new_subscriber()
    alex.write("POST", "/api/push/subscriptions", phone.to_json())
    sam.write("DELETE", "/api/push/subscriptions", {"endpoint": phone.endpoint})
    assert alex.write("POST", "/api/push/test").get_json()["delivered"] == 1


def test_a_phone_handed_to_another_worker_moves_to_them(push_app: Flask, sam: SignedIn, service) -> None:
    alex = SignedIn(push_app, "alex@example.org")
    phone = service.new_subscriber().to_json()
    sam.write("POST", "/api/push/subscriptions", phone)
    assert alex.write("POST", "/api/push/subscriptions", phone).status_code == 201
    assert sam.write("POST", "/api/push/test").get_json()["devices"] == 0
    assert alex.write("POST", "/api/push/test").get_json()["devices"] == 1


def test_writes_without_the_csrf_header_are_refused(sam: SignedIn, service) -> None:
    answer = sam.client.post("/api/push/subscriptions", json=service.new_subscriber().to_json())
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"keys": {"p256dh": "not-a-key", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
        ({"keys": {"p256dh": "BAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
        ({"keys": {"p256dh": None, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
        ({"keys": {"auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
        ({"keys": "flat"}, "keys"),
        ({"endpoint": "ftp://127.0.0.1/push/x"}, "endpoint"),
        ({"endpoint": "not a url"}, "endpoint"),
        ({"endpoint": None}, "endpoint"),
    ],
)
def test_a_malformed_subscription_is_a_422_naming_the_field(sam: SignedIn, service, change: dict, field: str) -> None:
    subscription = service.new_subscriber().to_json()
    bad = {**subscription, **change}
    answer = sam.write("POST", "/api/push/subscriptions", bad)
    assert answer.status_code == 422
    assert field in answer.get_json()["errors"]


def test_a_bad_auth_secret_is_a_422_naming_it(sam: SignedIn, service) -> None:
    subscription = service.new_subscriber().to_json()
    subscription["keys"]["auth"] = "c2hvcnQ"  # 5 bytes
    answer = sam.write("POST", "/api/push/subscriptions", subscription)
    assert answer.status_code == 422 and "keys.auth" in answer.get_json()["errors"]


def test_plain_http_is_refused_unless_loopback_is_allowed(tmp_path, keys: VapidKeys, service) -> None:
    strict = make_app(f"sqlite:///{tmp_path / 'strict.sqlite3'}", keys, PUSH_ALLOW_HTTP_LOOPBACK=False)
    with strict.app_context():
        add_worker("sam@example.org")
        db.session.remove()
    client = SignedIn(strict, "sam@example.org")
    answer = client.write("POST", "/api/push/subscriptions", service.new_subscriber().to_json())
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"endpoint": ["Push endpoints must use https."]}
    https = {**service.new_subscriber().to_json(), "endpoint": "https://push.example.org/abc"}
    assert client.write("POST", "/api/push/subscriptions", https).status_code == 201
    with strict.app_context():
        dispose_engines()


@pytest.fixture
def strict(tmp_path, keys: VapidKeys) -> Iterator[Flask]:
    """An app as deployed: no loopback switch, no allowed hosts."""
    app = make_app(
        f"sqlite:///{tmp_path / 'strict.sqlite3'}", keys, PUSH_ALLOW_HTTP_LOOPBACK=False, PUSH_ALLOWED_HOSTS=""
    )
    with app.app_context():
        add_worker("sam@example.org")
        db.session.remove()
    yield app
    with app.app_context():
        dispose_engines()


# Every spelling of this server's own loopback, of the private network and of the cloud
# metadata address that an attacker might register as a "push service".
SSRF_ENDPOINTS = [
    "https://127.0.0.1/push/x",
    "https://127.0.0.1:443/push/x",
    "https://[::1]/push/x",
    "https://[::ffff:127.0.0.1]/push/x",
    "https://[0:0:0:0:0:0:0:1]/push/x",
    "https://0x7f000001/push/x",
    "https://0x7f.0.0.1/push/x",
    "https://2130706433/push/x",
    "https://127.1/push/x",
    "https://0177.0.0.1/push/x",
    "https://017700000001/push/x",
    "https://0/push/x",
    "https://10.0.0.7/push/x",
    "https://169.254.169.254/latest/meta-data",
    "https://%31%32%37.0.0.1/push/x",
    "https://localhost/push/x",
    "https://LOCALHOST./push/x",
    "https://push.localhost/push/x",
    "https://pushservice/push/x",
    "https://sam@push.example.org/push/x",
    "https://sam:secret@push.example.org/push/x",
    "https://push.example.org@127.0.0.1/push/x",
    "https://push.example.org:22/push/x",
    "https://push.example.org:8443/push/x",
    "https://push.example.org:0/push/x",
    "http://push.example.org/push/x",
    "http://127.0.0.1:8080/push/x",
    "https://push.example.org\t/push/x",
    "https://push.exämple.org/push/x",
    # Names whose DNS answers are not public (tests.support.push_app.TEST_ADDRESSES).
    "https://internal.example.org/push/x",
    "https://metadata.example.org/push/x",
    "https://loopback.example.org/push/x",
    "https://mapped.example.org/push/x",
    "https://mixed.example.org/push/x",
]


@pytest.mark.parametrize("endpoint", SSRF_ENDPOINTS)
def test_an_endpoint_that_could_reach_this_server_or_its_network_is_refused(
    strict: Flask, service, endpoint: str
) -> None:
    client = SignedIn(strict, "sam@example.org")
    answer = client.write(
        "POST", "/api/push/subscriptions", {**service.new_subscriber().to_json(), "endpoint": endpoint}
    )
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == ["endpoint"]
    assert client.write("POST", "/api/push/test").get_json()["devices"] == 0


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://push.example.org/push/x",
        "https://push.example.org:443/push/x",
        "https://FCM.example.com./fcm/send/x",
        "https://unresolved.example.net/push/x",  # checked again at each send
    ],
)
def test_an_https_endpoint_on_port_443_under_a_public_name_is_accepted(strict: Flask, service, endpoint: str) -> None:
    client = SignedIn(strict, "sam@example.org")
    answer = client.write(
        "POST", "/api/push/subscriptions", {**service.new_subscriber().to_json(), "endpoint": endpoint}
    )
    assert answer.status_code == 201


def test_hosts_the_operator_allows_may_be_private_and_use_any_port(tmp_path, keys: VapidKeys, service) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'relay.sqlite3'}",
        keys,
        PUSH_ALLOW_HTTP_LOOPBACK=False,
        PUSH_ALLOWED_HOSTS="internal.example.org, 10.1.2.3",
    )
    with app.app_context():
        add_worker("sam@example.org")
        db.session.remove()
    client = SignedIn(app, "sam@example.org")
    for endpoint, status in [
        ("https://internal.example.org:8443/push/x", 201),
        ("https://10.1.2.3/push/x", 201),
        ("http://internal.example.org/push/x", 422),
        ("https://10.1.2.4/push/x", 422),
    ]:
        body = {**service.new_subscriber().to_json(), "endpoint": endpoint}
        assert client.write("POST", "/api/push/subscriptions", body).status_code == status, endpoint
    with app.app_context():
        dispose_engines()


def test_a_worker_has_at_most_ten_devices_and_a_new_one_replaces_the_least_recently_registered(
    push_app: Flask, sam: SignedIn, service
) -> None:
    phones = [service.new_subscriber() for _ in range(12)]
    for number, phone in enumerate(phones):
        with patch("backend.api.push.now_in_london", return_value=london(f"2026-11-23 09:{number:02d}")):
            assert sam.write("POST", "/api/push/subscriptions", phone.to_json()).status_code == 201
    assert sam.write("POST", "/api/push/test").get_json()["devices"] == 10
    assert service.deliveries_to(phones[0]) == service.deliveries_to(phones[1]) == []
    assert all(len(service.deliveries_to(phone)) == 1 for phone in phones[2:])


# Inside one minute, so that no test straddles two of the allowance's minutes.
HALF_PAST_NINE = london("2026-11-23 09:30:10")


@patch("backend.api.push.now_in_london", return_value=HALF_PAST_NINE)
def test_the_test_notification_may_be_asked_for_three_times_a_minute(
    _now, push_app: Flask, sam: SignedIn, service
) -> None:
    sam.write("POST", "/api/push/subscriptions", service.new_subscriber().to_json())
    answers = [sam.write("POST", "/api/push/test") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) == 50
    assert "test notifications" in answers[-1].get_json()["detail"]
    assert len(service.deliveries) == 3
    alex = SignedIn(push_app, "alex@example.org")
    assert alex.write("POST", "/api/push/test").status_code == 200  # each worker has their own allowance


@patch("backend.api.push.now_in_london", return_value=HALF_PAST_NINE)
def test_the_allowance_holds_against_requests_racing_each_other(_now, push_app: Flask, sam: SignedIn, service) -> None:
    sam.write("POST", "/api/push/subscriptions", service.new_subscriber().to_json())
    start = threading.Barrier(8)
    statuses: list[int] = []

    def ask() -> None:
        client = SignedIn(push_app, "sam@example.org")
        start.wait(timeout=30)
        statuses.append(client.write("POST", "/api/push/test").status_code)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 3 + [429] * 5


KEY_CASES = [
    ("p256dh", lambda key: key + "=" * 500_000, "keys.p256dh"),
    ("p256dh", lambda key: "A" * 500_000, "keys.p256dh"),
    ("p256dh", lambda key: f" {key} ", "keys.p256dh"),
    ("p256dh", lambda key: f"{key}\n", "keys.p256dh"),
    ("p256dh", lambda key: key[:40] + " " + key[40:], "keys.p256dh"),
    ("p256dh", lambda key: key[:10] + "+" + key[11:], "keys.p256dh"),  # standard base64, not base64url
    ("p256dh", lambda key: key + "==", "keys.p256dh"),
    ("auth", lambda key: key + "=" * 100, "keys.auth"),
    ("auth", lambda key: f"\t{key}", "keys.auth"),
    ("auth", lambda key: key + "=", "keys.auth"),
    ("auth", lambda key: key[:-1] + "B", "keys.auth"),  # stray bits past the 16 bytes
    ("auth", lambda key: key + "AAAA", "keys.auth"),
]


@pytest.mark.parametrize(("name", "spoil", "field"), KEY_CASES)
def test_a_key_that_is_not_strict_base64url_of_its_length_is_a_422_naming_it(
    sam: SignedIn, service, name: str, spoil, field: str
) -> None:
    subscription = service.new_subscriber().to_json()
    subscription["keys"][name] = spoil(subscription["keys"][name])
    answer = sam.write("POST", "/api/push/subscriptions", subscription)
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == [field]


def test_keys_with_the_padding_that_belongs_are_accepted_and_work(sam: SignedIn, service) -> None:
    phone = service.new_subscriber()
    subscription = phone.to_json()
    subscription["keys"] = {"p256dh": subscription["keys"]["p256dh"] + "=", "auth": subscription["keys"]["auth"] + "=="}
    assert sam.write("POST", "/api/push/subscriptions", subscription).status_code == 201
    assert sam.write("POST", "/api/push/test").get_json()["delivered"] == 1


def test_loopback_http_means_127_0_0_1_only(sam: SignedIn, service) -> None:
    elsewhere = {**service.new_subscriber().to_json(), "endpoint": "http://push.example.org:8080/abc"}
    assert sam.write("POST", "/api/push/subscriptions", elsewhere).status_code == 422


def test_reminder_settings_start_at_the_defaults(sam: SignedIn) -> None:
    assert sam.get("/api/push/preferences").get_json() == {
        "lead_working_days": 2,
        "slot_time": "08:00",
        "mute_weekends": True,
        "quiet_start": "20:00",
        "quiet_end": "07:00",
        "plan_lead_minutes": 60,
    }


def test_the_lead_time_for_planned_contacts_can_be_chosen_or_switched_off(sam: SignedIn) -> None:
    assert sam.write("PUT", "/api/push/preferences", {"plan_lead_minutes": 30}).get_json()["plan_lead_minutes"] == 30
    switched_off = sam.write("PUT", "/api/push/preferences", {"plan_lead_minutes": None}).get_json()
    assert switched_off["plan_lead_minutes"] is None
    assert sam.get("/api/push/preferences").get_json()["plan_lead_minutes"] is None


def test_reminder_settings_change_only_the_fields_given(sam: SignedIn) -> None:
    answer = sam.write("PUT", "/api/push/preferences", {"lead_working_days": 3, "slot_time": "07:30"})
    assert answer.status_code == 200
    assert answer.get_json()["lead_working_days"] == 3
    stored = sam.get("/api/push/preferences").get_json()
    assert (stored["slot_time"], stored["quiet_start"]) == ("07:30", "20:00")


def test_quiet_hours_can_be_switched_off(sam: SignedIn) -> None:
    answer = sam.write("PUT", "/api/push/preferences", {"quiet_start": None, "quiet_end": None})
    assert answer.get_json()["quiet_start"] is None and answer.get_json()["quiet_end"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead_working_days": 11}, "lead_working_days"),
        ({"lead_working_days": "2"}, "lead_working_days"),
        ({"slot_time": "8am"}, "slot_time"),
        ({"slot_time": "24:00"}, "slot_time"),
        ({"mute_weekends": "yes"}, "mute_weekends"),
        ({"quiet_start": None}, "quiet_start"),
        ({"quiet_start": "07:00", "quiet_end": "07:00"}, "quiet_end"),
        ({"plan_lead_minutes": 0}, "plan_lead_minutes"),
        ({"plan_lead_minutes": 1441}, "plan_lead_minutes"),
        ({"plan_lead_minutes": "60"}, "plan_lead_minutes"),
    ],
)
def test_bad_reminder_settings_are_a_422_naming_the_field(sam: SignedIn, body: dict, field: str) -> None:
    answer = sam.write("PUT", "/api/push/preferences", body)
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == [field]
