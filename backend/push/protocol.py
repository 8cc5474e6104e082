"""Web Push as RFC 8030 describes it: what a message and a subscription are, and what a push
service's answer means. ``sender.py`` delivers; this module holds the values and rules it
delivers by, which the reminder job and the device registry read too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import StrEnum

# A push service accepts 4096 bytes of body (RFC 8030 section 7.2). aes128gcm with one record
# adds 86 bytes of header (salt 16, record size 4, key id length 1, key id 65), a 1-byte
# padding delimiter and a 16-byte tag, so 3993 bytes of plaintext is the most that fits.
MAX_BODY_BYTES = 4096
MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - 86 - 1 - 16
URGENCIES = ("very-low", "low", "normal", "high")
TOPIC_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class Outcome(StrEnum):
    DELIVERED = "delivered"  # 201/202
    GONE = "gone"  # 404/410: the subscription is dead; delete it
    TOO_LARGE = "too_large"  # our defect: refused before sending, or a 413
    CONFIG_FAULT = "config_fault"  # 400/401/403: our VAPID keys or headers; alert, keep the subscription
    REJECTED = "rejected"  # any other 4xx: logged, not retried
    FAILED = "failed"  # 429/5xx/timeouts that outlasted the retries: try again on a later run


class PayloadTooLarge(ValueError):
    """A message's plaintext exceeds what fits in one push body."""


@dataclass(frozen=True)
class Subscription:
    """A browser's ``PushSubscription.toJSON()``: endpoint, and keys p256dh and auth (base64url)."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PushMessage:
    """What to send and how long it is worth delivering (TTL in seconds)."""

    payload: Mapping[str, str]
    ttl: int
    urgency: str = "normal"
    topic: str | None = None

    def __post_init__(self) -> None:
        if self.ttl < 0:
            raise ValueError("ttl must not be negative")
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}")
        if self.topic is not None and not (0 < len(self.topic) <= 32 and set(self.topic) <= TOPIC_ALPHABET):
            raise ValueError("a topic is 1 to 32 characters of the base64url alphabet (RFC 8030 section 5.4)")

    def plaintext(self) -> bytes:
        return json.dumps(dict(self.payload), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class DeliveryResult:
    endpoint: str
    outcome: Outcome
    status: int | None
    attempts: int
    detail: str = ""

    @property
    def subscription_gone(self) -> bool:
        return self.outcome is Outcome.GONE


def classify(status: int) -> Outcome | None:
    """RFC 8030's meaning of a push service's answer; None means try again."""
    if 200 <= status < 300:  # 201 Created per RFC 8030; 202 with a receipt; some services say 200
        return Outcome.DELIVERED
    if status in (404, 410):
        return Outcome.GONE
    if status == 413:
        return Outcome.TOO_LARGE
    if status in (400, 401, 403):
        return Outcome.CONFIG_FAULT
    if status == 429 or status >= 500:
        return None
    return Outcome.REJECTED


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now()) if when.tzinfo is not None else None
