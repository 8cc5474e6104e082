"""Checks on a browser's ``PushSubscription.toJSON()`` before it is stored, and before each send.

A malformed key would only fail later, at encryption time, in the reminder job; a plain
http endpoint would send reminders unprotected by TLS to whoever runs it. Both are
refused at registration, naming the field.

An endpoint is also a URL our server will POST to on a signed-in worker's say: left open,
that lets anyone with an account make the server reach its own loopback, the private
network or the cloud metadata address (server-side request forgery). Real push services
(FCM, Mozilla autopush, Apple, Windows) are https on port 443 under a public DNS name, so
only that is accepted: no IP literal in any spelling, no ``localhost``, no userinfo, no
other port, and no name resolving to a loopback, private, link-local or reserved address.
Hosts the operator lists in ``PUSH_ALLOWED_HOSTS`` (an internal relay; the tests' loopback
service) are trusted as they are, on any port.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import re
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

LOOPBACK_HOSTS = frozenset({"127.0.0.1"})
AUTH_SECRET_BYTES = 16
P256DH_BYTES = 65
MAX_ENDPOINT_LENGTH = 2048
HTTPS_PORT = 443
# How long registration waits for DNS; a name that does not answer in time is checked again
# at each send (the connection's peer address), so waiting longer buys nothing.
RESOLVE_TIMEOUT_SECONDS = 2.0

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# The WHATWG URL parser reads a host whose last label is a number (decimal, 0x-hex or octal)
# as an IPv4 address: 2130706433, 0x7f000001, 127.1 and 0177.0.0.1 all mean 127.0.0.1.
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")

Resolver = Callable[[str], list[str]]


@dataclass(frozen=True)
class EndpointPolicy:
    """Which push endpoints the server will POST to (``PUSH_ALLOWED_HOSTS``, ``PUSH_ALLOW_HTTP_LOOPBACK``)."""

    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    allow_http_loopback: bool = False

    @classmethod
    def from_settings(cls, allowed_hosts: str | Iterable[str] | None, allow_http_loopback: bool) -> EndpointPolicy:
        if isinstance(allowed_hosts, str):
            allowed_hosts = allowed_hosts.split(",")
        hosts = {_bare_host(host) for host in allowed_hosts or () if host.strip()}
        # The old switch for tests and trials keeps meaning what it did: http on 127.0.0.1 is fine.
        if allow_http_loopback:
            hosts |= LOOPBACK_HOSTS
        return cls(frozenset(hosts), allow_http_loopback)

    def is_allowed_host(self, host: str) -> bool:
        return _bare_host(host) in self.allowed_hosts

    def problem(self, endpoint: str) -> str | None:
        """Why the endpoint is refused, by its spelling alone (no DNS), or None."""
        if len(endpoint) > MAX_ENDPOINT_LENGTH:
            return f"At most {MAX_ENDPOINT_LENGTH} characters."
        if not endpoint.isascii() or any(char <= " " or char == "\x7f" for char in endpoint):
            return "Not a URL: spaces, control and non-ASCII characters are not allowed."
        try:
            parts = urlsplit(endpoint)
            port = parts.port
        except ValueError:
            return "Not a URL."
        if not parts.hostname or "@" in parts.netloc:
            return "Not an absolute URL with a host (and no user name or password)."
        host = _bare_host(parts.hostname)
        if self.is_allowed_host(host):
            plain_loopback = parts.scheme == "http" and self.allow_http_loopback and host in LOOPBACK_HOSTS
            if parts.scheme == "https" or plain_loopback:
                return None
            return "Push endpoints must use https."
        if parts.scheme != "https":
            return "Push endpoints must use https."
        if port not in (None, HTTPS_PORT):
            return "Push endpoints must use the https port (443)."
        return hostname_problem(host)


def hostname_problem(host: str) -> str | None:
    """Why a host is not a public DNS name (an IP literal in any spelling, localhost), or None."""
    if _is_ip_literal(host):
        return "Push endpoints must name their host; IP addresses are not allowed."
    labels = host.split(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "Push endpoints must not point at this server (localhost)."
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return "Push endpoints must name their host with a full DNS name."
    return None


def address_problem(address: str) -> str | None:
    """Why the server must not connect to this address (loopback, private, link-local, ...), or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "The push endpoint's address is not an IP address."
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_global and not (ip.is_multicast or ip.is_reserved):
        return None
    return "The push endpoint's host resolves to a loopback, private or reserved address."


def resolved_problem(endpoint: str, policy: EndpointPolicy, resolve: Resolver) -> str | None:
    """Why the endpoint's host resolves somewhere the server must not reach, or None.

    A name that does not resolve (now) is let through: every send checks the address it
    actually connects to (``safe_http.py``), which also defeats a name re-pointed later.
    """
    host = _bare_host(urlsplit(endpoint).hostname or "")
    if policy.is_allowed_host(host):
        return None
    for address in resolve(host):
        if (problem := address_problem(address)) is not None:
            return problem
    return None


def resolve_addresses(host: str, timeout: float = RESOLVE_TIMEOUT_SECONDS) -> list[str]:
    """The addresses a name resolves to now, or none when it does not answer within ``timeout``."""
    found: list[str] = []

    def lookup() -> None:
        with contextlib.suppress(OSError, UnicodeError):
            found.extend(str(info[4][0]) for info in socket.getaddrinfo(host, HTTPS_PORT, type=socket.SOCK_STREAM))

    # getaddrinfo takes no timeout; a stuck resolver must not hold a request thread for long.
    thread = threading.Thread(target=lookup, name="push-resolve", daemon=True)
    thread.start()
    thread.join(timeout)
    return list(found) if not thread.is_alive() else []


def p256dh_problem(value: str) -> str | None:
    """Why a subscriber public key is unusable: it must be an uncompressed P-256 point, base64url."""
    raw, problem = strict_b64url(value, P256DH_BYTES)
    if problem:
        return problem
    if raw[0] != 4:
        return "Not an uncompressed P-256 public key (65 bytes) in base64url."
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return "Not a P-256 public key in base64url."
    return None


def auth_problem(value: str) -> str | None:
    return strict_b64url(value, AUTH_SECRET_BYTES)[1]


def strict_b64url(value: str, size: int) -> tuple[bytes, str | None]:
    """``size`` bytes written in base64url exactly as a browser writes them, or why not.

    No whitespace, no other alphabet, at most the padding that belongs, and the length
    checked before decoding: what is stored is what will be used at send time.
    """
    longest = 4 * ((size + 2) // 3)
    if len(value) > longest:
        return b"", f"At most {longest} characters of base64url ({size} bytes)."
    if not _B64URL.fullmatch(value):
        return b"", "Not base64url: letters, digits, - and _ only, without spaces."
    unpadded = value.rstrip("=")
    if len(value) != len(unpadded) and len(value) != longest:
        return b"", "Not base64url: wrong padding."
    try:
        raw = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        return b"", "Not base64url."
    if len(raw) != size or base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != unpadded:
        return b"", f"Not {size} bytes in base64url."
    return raw, None


def _bare_host(host: str) -> str:
    """Lower case, without IPv6 brackets or one trailing dot (``localhost.`` is localhost)."""
    return host.strip().strip("[]").lower().removesuffix(".")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return ":" in host or bool(_NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]))
    return True
