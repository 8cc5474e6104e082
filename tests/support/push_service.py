"""A loopback Web Push service for tests: a real protocol peer, not a mock.

Like a real push service it checks the VAPID Authorization header (RFC 8292: an ES256
JWT signed by the application server key the subscription was made with, ``aud`` equal
to this service's origin including its port, ``exp`` within 24 hours, a ``sub``), the
RFC 8030 headers (TTL required; Urgency and Topic well formed), the body size, and
decrypts the aes128gcm body (RFC 8291) with the subscriber's private key and auth secret
using ``http_ece``, Mozilla's reference implementation, never ``webpush``.

Tests script answers per subscriber: 404, 410, 413, 429 with Retry-After, 500, or a hang.
Run as ``python -m tests.support.push_service --subscribers N`` it serves in its own
process (for the benchmark) and prints its origin and the subscriptions as one JSON line.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAX_BODY_BYTES = 4096
MAX_TOKEN_AHEAD_SECONDS = 24 * 3600
URGENCIES = {"very-low", "low", "normal", "high"}
B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False

    accept_then_hang: bool = False


HANG = Reply(0, hang=True)
# Takes the message (it counts as delivered) but never answers: a sender killed now has it in flight.
ACCEPT_THEN_HANG = Reply(201, accept_then_hang=True)


@dataclass(frozen=True)
class Subscriber:
    token: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    def to_json(self) -> dict[str, Any]:
        """What the browser's ``PushSubscription.toJSON()`` gives the app."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }


@dataclass(frozen=True)
class Delivery:
    token: str
    headers: dict[str, str]
    body_size: int
    plaintext: bytes

    @property
    def message(self) -> Any:
        return json.loads(self.plaintext)


@dataclass(frozen=True)
class Attempt:
    token: str
    status: int
    problem: str = ""


class LoopbackPushService:
    def __init__(self, application_server_key: str, *, verify: bool = True, hang_seconds: float = 30.0) -> None:
        self.application_server_key = application_server_key
        self.verify = verify
        self.hang_seconds = hang_seconds
        # Seconds each push takes to answer, so that concurrent senders really overlap.
        self.latency = 0.0
        # Called on the service's thread as each push arrives: tests look at the sender's
        # database from there, while it is waiting on us.
        self.on_request: Callable[[], None] | None = None
        self.deliveries: list[Delivery] = []
        self.attempts: list[Attempt] = []
        self._subscribers: dict[str, Subscriber] = {}
        self._scripts: dict[str, deque[Reply]] = {}
        self._verified_tokens: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (once per test) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="loopback-push", daemon=True
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> LoopbackPushService:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def new_subscriber(self) -> Subscriber:
        token = secrets.token_urlsafe(16)
        subscriber = Subscriber(
            token, f"{self.origin}/push/{token}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
        )
        with self._lock:
            self._subscribers[token] = subscriber
        return subscriber

    def script(self, subscriber: Subscriber, *replies: Reply) -> None:
        """Answer the subscriber's next requests with these replies, then as normal."""
        with self._lock:
            self._scripts.setdefault(subscriber.token, deque()).extend(replies)

    def clear_scripts(self) -> None:
        with self._lock:
            self._scripts.clear()

    def deliveries_to(self, subscriber: Subscriber) -> list[Delivery]:
        with self._lock:
            return [delivery for delivery in self.deliveries if delivery.token == subscriber.token]

    def attempts_to(self, subscriber: Subscriber) -> list[Attempt]:
        with self._lock:
            return [attempt for attempt in self.attempts if attempt.token == subscriber.token]

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"deliveries": len(self.deliveries), "statuses": dict(Counter(a.status for a in self.attempts))}

    # --- the protocol ---

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[Reply, str]:
        """The reply to one POST, and what was wrong (empty when it was delivered)."""
        token = path.removeprefix("/push/")
        with self._lock:
            subscriber = self._subscribers.get(token) if path.startswith("/push/") else None
            script = self._scripts.get(token)
            scripted = script.popleft() if script else None
        if subscriber is None:
            return Reply(404), "no such subscription"
        if scripted is not None and not scripted.accept_then_hang:
            return scripted, f"scripted {scripted.status or 'hang'}"
        problem, status = self._check(headers, body)
        plaintext = b""
        if not problem and self.verify:
            try:
                plaintext = http_ece.decrypt(
                    body, private_key=subscriber.private_key, auth_secret=subscriber.auth_secret, version="aes128gcm"
                )
            except Exception as error:  # http_ece raises several types for a bad body
                problem, status = f"cannot decrypt: {error}", 400
        if problem:
            return Reply(status), problem
        with self._lock:
            self.deliveries.append(Delivery(token, headers, len(body), plaintext))
        if scripted is not None:
            return scripted, "accepted, then no answer"
        return Reply(201, {"Location": f"{self.origin}/message/{len(self.deliveries)}"}), ""

    def _check(self, headers: dict[str, str], body: bytes) -> tuple[str, int]:
        checks = (self._check_vapid, self._check_push_headers)
        for check in checks:
            problem, status = check(headers)
            if problem:
                return problem, status
        if len(body) > MAX_BODY_BYTES:
            return f"body of {len(body)} bytes", 413
        return "", 0

    def _check_vapid(self, headers: dict[str, str]) -> tuple[str, int]:
        scheme, _, params = headers.get("authorization", "").partition(" ")
        fields = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        if scheme.lower() != "vapid" or "t" not in fields or "k" not in fields:
            return "no VAPID authorization", 401
        if fields["k"] != self.application_server_key:
            return "key differs from the subscription's applicationServerKey", 403
        if not self.verify:
            return "", 0
        return self._check_token(fields["t"])

    def _check_token(self, token: str) -> tuple[str, int]:
        now = int(time.time())
        with self._lock:
            known_until = self._verified_tokens.get(token)
        if known_until is not None and known_until > now:
            return "", 0
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(self.application_server_key))
        try:
            claims = jwt.decode(
                token,
                public_key,
                algorithms=["ES256"],
                audience=self.origin,
                options={"require": ["aud", "exp", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            return f"bad VAPID token: {error}", 403
        if claims["exp"] > now + MAX_TOKEN_AHEAD_SECONDS:
            return "VAPID token expires more than 24 hours ahead", 403
        subject = str(claims["sub"])
        if not (subject.startswith("https://") or subject.startswith("mailto:")) or subject.startswith(
            "mailto:mailto:"
        ):
            return f"bad VAPID subject {subject!r}", 403
        with self._lock:
            self._verified_tokens[token] = int(claims["exp"])
        return "", 0

    def _check_push_headers(self, headers: dict[str, str]) -> tuple[str, int]:
        ttl = headers.get("ttl", "")
        if not ttl.isdigit():
            return "TTL header missing or not a number", 400
        if headers.get("urgency", "normal") not in URGENCIES:
            return "bad Urgency", 400
        topic = headers.get("topic")
        if topic is not None and not (0 < len(topic) <= 32 and set(topic) <= B64URL):
            return "bad Topic", 400
        if headers.get("content-encoding") != "aes128gcm":
            return "Content-Encoding is not aes128gcm", 415
        return "", 0

    def wait_while_hanging(self) -> None:
        self._closing.wait(self.hang_seconds)


class _QuietServer(ThreadingHTTPServer):
    """Senders close a connection whose answer has a body without reading it (the body could
    be trickled to outlast their deadline); like a real push service, take that in silence."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(service: LoopbackPushService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/bare":  # the benchmark's yardstick: an HTTP post and nothing else
                self._answer(Reply(201))
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            if service.on_request is not None:
                service.on_request()
            reply, problem = service.handle(self.path, headers, body)
            if service.latency:
                time.sleep(service.latency)
            token = self.path.removeprefix("/push/")
            with service._lock:
                service.attempts.append(Attempt(token, reply.status, problem))
            if reply.hang or reply.accept_then_hang:
                service.wait_while_hanging()
                self.close_connection = True
                return
            self._answer(reply, problem)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(Reply(200), json.dumps(service.stats()))

        def _answer(self, reply: Reply, text: str = "") -> None:
            content = text.encode("utf-8")
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--application-server-key", required=True)
    parser.add_argument("--subscribers", type=int, default=1)
    parser.add_argument("--no-verify", action="store_true", help="skip the JWT and decryption checks")
    arguments = parser.parse_args()
    service = LoopbackPushService(arguments.application_server_key, verify=not arguments.no_verify)
    with service:
        subscriptions = [service.new_subscriber().to_json() for _ in range(arguments.subscribers)]
        print(json.dumps({"origin": service.origin, "subscriptions": subscriptions}), flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin


if __name__ == "__main__":
    main()
