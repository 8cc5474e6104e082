"""Push protocol details that need no network: origins, subjects, answers, Retry-After,
and which endpoints, addresses and keys are accepted."""

from __future__ import annotations

import pytest

from backend.push.protocol import Outcome, PushMessage, classify, parse_retry_after
from backend.push.subscriptions import EndpointPolicy, address_problem, hostname_problem, strict_b64url
from backend.push.vapid import VapidConfigError, endpoint_origin, normalise_subject


@pytest.mark.parametrize(
    ("endpoint", "origin"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        ("https://updates.push.services.mozilla.com:443/wpush/v2/x", "https://updates.push.services.mozilla.com"),
        ("http://127.0.0.1:8123/push/abc", "http://127.0.0.1:8123"),
        ("https://push.example.org:8443/p", "https://push.example.org:8443"),
        ("http://localhost:80/p", "http://localhost"),
        ("HTTPS://Web.Push.Apple.com/x", "https://web.push.apple.com"),
        ("https://[::1]:9000/p", "https://[::1]:9000"),
    ],
)
def test_the_vapid_audience_is_the_endpoint_origin_keeping_a_non_default_port(endpoint: str, origin: str) -> None:
    assert endpoint_origin(endpoint) == origin


@pytest.mark.parametrize("endpoint", ["ftp://example.org/x", "/push/abc", "https:///nohost"])
def test_an_endpoint_that_is_not_an_absolute_http_url_has_no_origin(endpoint: str) -> None:
    with pytest.raises(ValueError):
        endpoint_origin(endpoint)


@pytest.mark.parametrize(
    ("configured", "subject"),
    [
        ("ops@example.org", "mailto:ops@example.org"),
        ("mailto:ops@example.org", "mailto:ops@example.org"),
        ("mailto:mailto:ops@example.org", "mailto:ops@example.org"),
        ("  MAILTO:ops@example.org ", "mailto:ops@example.org"),
        ("https://visits.example.org/contact", "https://visits.example.org/contact"),
    ],
)
def test_the_subject_has_exactly_one_mailto_prefix(configured: str, subject: str) -> None:
    assert normalise_subject(configured) == subject


@pytest.mark.parametrize("configured", ["", "ops", "http://example.org", "mailto:", "ops at example.org"])
def test_an_unusable_subject_is_a_configuration_error(configured: str) -> None:
    with pytest.raises(VapidConfigError, match="VAPID_SUBJECT"):
        normalise_subject(configured)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (201, Outcome.DELIVERED),
        (202, Outcome.DELIVERED),
        (404, Outcome.GONE),
        (410, Outcome.GONE),
        (413, Outcome.TOO_LARGE),
        (400, Outcome.CONFIG_FAULT),
        (401, Outcome.CONFIG_FAULT),
        (403, Outcome.CONFIG_FAULT),
        (429, None),
        (500, None),
        (503, None),
        (406, Outcome.REJECTED),
        (301, Outcome.REJECTED),
    ],
)
def test_each_push_service_answer_means_what_rfc_8030_says(status: int, outcome: Outcome | None) -> None:
    assert classify(status) is outcome


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=lambda: 1445412480.0) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412500.0) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"ttl": -1}, "ttl"),
        ({"urgency": "urgent"}, "urgency"),
        ({"topic": "visit reminders"}, "topic"),
        ({"topic": "x" * 33}, "topic"),
    ],
)
def test_a_message_with_bad_push_headers_cannot_be_built(fields: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        PushMessage(**{"payload": {}, "ttl": 60, **fields})


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com:443/wpush/v2/x",
        "https://web.push.apple.com/QGx",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
    ],
)
def test_the_real_push_services_endpoints_pass_the_spelling_checks(endpoint: str) -> None:
    assert EndpointPolicy().problem(endpoint) is None


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "::1", "0x7f000001", "2130706433", "127.1", "0177.0.0.1", "1.2.3.0x4", "localhost", "a.localhost"],
)
def test_no_spelling_of_an_address_or_of_localhost_is_a_host_name(host: str) -> None:
    assert hostname_problem(host) is not None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("142.250.180.10", True),
        ("2a00:1450:4009:81f::200a", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
    ],
)
def test_only_public_addresses_may_be_connected_to(address: str, public: bool) -> None:
    assert (address_problem(address) is None) is public


@pytest.mark.parametrize(
    ("value", "size", "ok"),
    [
        ("AAAAAAAAAAAAAAAAAAAAAA", 16, True),
        ("AAAAAAAAAAAAAAAAAAAAAA==", 16, True),
        ("AAAAAAAAAAAAAAAAAAAAAA=", 16, False),
        ("AAAAAAAAAAAAAAAAAAAAAB", 16, False),
        ("AAAAAAAAAAAAAAAAAAAAA", 16, False),
        ("AAAAAAAAAAAAAAAAAAAA+A", 16, False),
        (" AAAAAAAAAAAAAAAAAAAAAA", 16, False),
        ("AAAAAAAAAAAAAAAAAAAAAA" + "=" * 1000, 16, False),
    ],
)
def test_keys_are_strict_base64url_of_their_length(value: str, size: int, ok: bool) -> None:
    assert (strict_b64url(value, size)[1] is None) is ok
