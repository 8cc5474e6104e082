"""Deliver Web Push messages (RFC 8030, RFC 8291, RFC 8292) and say what became of each.

``webpush`` 1.0.6 does the aes128gcm encryption and nothing else here: its default TTL
is 0 and a per-call ``ttl=0`` is ignored, its ``get()`` overwrites the instance's ttl,
subscriber and expiration (so each pool thread gets its own instance), its VAPID header
is wrong for a push service on a non-default port, and it sends no Urgency or Topic and
has no size check. This module owns those: explicit TTL, Urgency, Topic, a correct VAPID
header (``vapid.py``), a size guard, delivery over a bounded thread pool and retries. What a
message is and what each answer means (RFC 8030) is ``protocol.py``'s.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from webpush import WebPush, WebPushSubscription

from .protocol import (
    MAX_PLAINTEXT_BYTES,
    DeliveryResult,
    Outcome,
    PayloadTooLarge,
    PushMessage,
    Subscription,
    classify,
    parse_retry_after,
)
from .safe_http import caused_by_forbidden_address, guarded_session
from .subscriptions import EndpointPolicy
from .vapid import VapidSigner, endpoint_origin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # All attempts of one send (or of one ``send_all``) end by then, Retry-After or not: a
    # slow or hostile push service costs a thread this long at most, never minutes.
    deadline: float = 30.0


@dataclass(frozen=True)
class PreparedPush:
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class _ThreadState:
    webpush: WebPush
    session: requests.Session


class PushSender:
    """Encrypts, signs and delivers push messages; one per app, shared by threads.

    Thread-safety: the signer is locked; each thread has its own ``WebPush`` (whose
    ``get()`` mutates it) and its own HTTP session, which ``close()`` ends: a thread that
    sends and then finishes (the reminder job's workers) calls it on its way out.
    """

    def __init__(
        self,
        signer: VapidSigner,
        *,
        policy: RetryPolicy | None = None,
        max_workers: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        endpoints: EndpointPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.signer = signer
        self.policy = policy or RetryPolicy()
        self.endpoints = endpoints or EndpointPolicy()
        self._clock = clock
        self.max_workers = max_workers
        self._sleep = sleep
        self._local = threading.local()

    def encrypt(self, plaintext: bytes, subscription: Subscription) -> bytes:
        """The aes128gcm body for one subscriber (RFC 8291)."""
        if len(plaintext) > MAX_PLAINTEXT_BYTES:
            raise PayloadTooLarge(f"{len(plaintext)} bytes of plaintext; at most {MAX_PLAINTEXT_BYTES} fit in a push")
        target = WebPushSubscription.model_validate(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        )
        # Only the ciphertext is used; the headers webpush builds beside it are the faulty ones.
        return self._thread_state().webpush.get(plaintext, target).encrypted

    def prepare(self, message: PushMessage, subscription: Subscription) -> PreparedPush:
        headers = {
            "TTL": str(message.ttl),
            "Urgency": message.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Authorization": self.signer.authorization(subscription.endpoint),
        }
        if message.topic:
            headers["Topic"] = message.topic
        return PreparedPush(subscription.endpoint, headers, self.encrypt(message.plaintext(), subscription))

    def deadline_after(self, seconds: float | None = None) -> float:
        """The monotonic instant ``seconds`` (default: the policy's deadline) from now."""
        return self._clock() + (self.policy.deadline if seconds is None else seconds)

    def send(self, message: PushMessage, subscription: Subscription, deadline: float | None = None) -> DeliveryResult:
        """Deliver one message, retrying 429, 5xx and timeouts until ``deadline`` (monotonic);
        never raises for delivery trouble."""
        origin = _safe_origin(subscription.endpoint)
        if (refused := self.endpoints.problem(subscription.endpoint)) is not None:
            # Stored before the endpoint rules were this strict, or the operator's list changed.
            log.warning("push to %s not attempted: endpoint not allowed: %s", origin, refused)
            return DeliveryResult(subscription.endpoint, Outcome.REJECTED, None, 0, "endpoint not allowed")
        try:
            prepared = self.prepare(message, subscription)
        except PayloadTooLarge as problem:
            log.error("push defect: message refused before sending to %s: %s", origin, problem)
            return DeliveryResult(subscription.endpoint, Outcome.TOO_LARGE, None, 0, str(problem))
        except ValueError as problem:
            log.error("push to %s not attempted: bad subscription: %s", origin, problem)
            return DeliveryResult(subscription.endpoint, Outcome.REJECTED, None, 0, "bad subscription")
        return self._deliver(prepared, origin, self.deadline_after() if deadline is None else deadline)

    def send_all(
        self, deliveries: Iterable[tuple[PushMessage, Subscription]], deadline: float | None = None
    ) -> list[DeliveryResult]:
        """Send many messages over at most ``max_workers`` concurrent connections, results in
        order, all finished by ``deadline`` (monotonic; default the policy's, from now)."""
        pairs = list(deliveries)
        deadline = self.deadline_after() if deadline is None else deadline
        if len(pairs) == 1:
            # One device (the usual case): the calling thread keeps its connection for the next.
            return [self.send(*pairs[0], deadline=deadline)]
        results: list[DeliveryResult | None] = [None] * len(pairs)
        positions = iter(range(len(pairs)))
        take_lock = threading.Lock()

        def work() -> None:
            try:
                while True:
                    with take_lock:
                        position = next(positions, None)
                    if position is None:
                        return
                    results[position] = self.send(*pairs[position], deadline=deadline)
            finally:
                self.close()  # the pool's threads end here: close their connections with them

        threads = max(1, min(self.max_workers, len(pairs)))
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push") as pool:
            for future in [pool.submit(work) for _ in range(threads)]:
                future.result()
        return [result for result in results if result is not None]

    def close(self) -> None:
        """Close the calling thread's HTTP connections; a thread that sends again opens new ones."""
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is not None:
            state.session.close()
            del self._local.state

    def _deliver(self, prepared: PreparedPush, origin: str, deadline: float) -> DeliveryResult:
        attempts, status, detail = 0, None, ""
        while attempts < self.policy.attempts:
            remaining = deadline - self._clock()
            if remaining <= 0:
                detail = f"{detail}; out of time" if detail else "out of time"
                break
            attempts += 1
            retry_after: float | None = None
            try:
                status, reason, retry_header = self._post(prepared, remaining)
            except requests.Timeout:
                status, detail = None, "timed out"
            except requests.RequestException as problem:
                if caused_by_forbidden_address(problem):
                    log.warning("push to %s refused: its host resolves to a non-public address", origin)
                    return DeliveryResult(prepared.url, Outcome.REJECTED, None, attempts, "address not allowed")
                status, detail = None, f"connection failed: {type(problem).__name__}"
            else:
                detail = reason
                outcome = classify(status)
                if outcome is not None:
                    return self._finish(prepared.url, origin, outcome, status, attempts, detail)
                retry_after = parse_retry_after(retry_header)
                if retry_after is not None and (
                    retry_after > self.policy.max_delay or retry_after >= deadline - self._clock()
                ):
                    # Asked to wait longer than we hold a worker thread: leave it to a later run.
                    detail = f"{detail}; Retry-After {retry_after:.0f}s"
                    break
            if attempts < self.policy.attempts:
                delay = self._delay(attempts, retry_after)
                if delay >= deadline - self._clock():
                    detail = f"{detail}; out of time"
                    break
                log.info("push to %s: %s; retry %d in %.1fs", origin, status or detail, attempts, delay)
                self._sleep(delay)
        return self._finish(prepared.url, origin, Outcome.FAILED, status, attempts, detail)

    def _post(self, prepared: PreparedPush, remaining: float) -> tuple[int, str, str | None]:
        """The status, reason and Retry-After of one POST. Only the head of the answer is
        read: a body (push services send none with 201) could be trickled to outlast the
        deadline, so a connection whose answer has one is closed instead of kept."""
        timeout = (min(self.policy.connect_timeout, remaining), min(self.policy.read_timeout, remaining))
        session = self._thread_state().session
        response = session.post(
            prepared.url,
            data=prepared.body,
            headers=prepared.headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        )
        if response.headers.get("Content-Length") == "0":
            response.content  # noqa: B018 (nothing to read: the connection goes back to the pool)
        response.close()
        return response.status_code, response.reason or "", response.headers.get("Retry-After")

    def _delay(self, attempts: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        backoff = self.policy.base_delay * 2 ** (attempts - 1)
        # Jitter spreads retries from many workers; it is not used for anything secret.
        return min(backoff * random.uniform(0.5, 1.0), self.policy.max_delay)  # noqa: S311

    def _finish(
        self, endpoint: str, origin: str, outcome: Outcome, status: int | None, attempts: int, detail: str
    ) -> DeliveryResult:
        if outcome is Outcome.CONFIG_FAULT:
            log.critical("push configuration fault: %s answered %s (check VAPID keys and subject)", origin, status)
        elif outcome is Outcome.TOO_LARGE:
            log.error("push defect: %s answered 413 Payload Too Large", origin)
        elif outcome in (Outcome.REJECTED, Outcome.FAILED):
            log.warning("push to %s %s after %d attempts: %s", origin, outcome.value, attempts, status or detail)
        return DeliveryResult(endpoint, outcome, status, attempts, detail)

    def _thread_state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None:
            keys = self.signer.keys
            webpush = WebPush(private_key=keys.private_pem, public_key=keys.public_pem, subscriber=self.signer.subject)
            state = self._local.state = _ThreadState(webpush, guarded_session(self.endpoints))
        return state


def _safe_origin(endpoint: str) -> str:
    """What logs may say about an endpoint: its origin, never the per-device path."""
    try:
        return endpoint_origin(endpoint)
    except ValueError:
        return "(malformed endpoint)"
