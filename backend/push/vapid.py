"""VAPID (RFC 8292): our application server's key pair and the Authorization header it signs.

Owned here rather than taken from ``webpush`` 1.0.6, whose header drops a non-default
port from ``aud`` (so any push service not on 443 refuses it) and prefixes ``mailto:``
to a subject that already has one.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KEY_FILE_NAME = "vapid_private_key.pem"
DEFAULT_PORTS = {"https": 443, "http": 80}
# RFC 8292 section 2: exp no more than 24 hours ahead; half that leaves room for clock skew.
TOKEN_LIFETIME_SECONDS = 12 * 3600
# A cached token is reused until it has less than this left, so it never expires in flight.
TOKEN_REFRESH_MARGIN_SECONDS = 6 * 3600


class VapidConfigError(ValueError):
    """The VAPID keys or subject are unusable; the message names the setting."""


@dataclass(frozen=True)
class VapidKeys:
    private_key: ec.EllipticCurvePrivateKey

    @property
    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def application_server_key(self) -> str:
        """The public key as the browser's ``applicationServerKey``: base64url, uncompressed point."""
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url_encode(raw)

    @classmethod
    def generate(cls) -> VapidKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()))


def load_vapid_keys(instance_path: Path, environ: Mapping[str, str]) -> VapidKeys:
    """Keys from VAPID_PRIVATE_KEY (and a matching VAPID_PUBLIC_KEY), else the instance folder's file.

    The file is created on first run. Two processes starting at once agree on one key:
    the file appears atomically (a hard link) and the loser reads the winner's.
    """
    private_text = environ.get("VAPID_PRIVATE_KEY", "").strip()
    keys = parse_private_key(private_text) if private_text else _keys_from_instance(instance_path)
    public_text = environ.get("VAPID_PUBLIC_KEY", "").strip()
    if public_text and public_text.rstrip("=") != keys.application_server_key:
        raise VapidConfigError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY (or the instance key file)")
    return keys


def parse_private_key(text: str) -> VapidKeys:
    """A P-256 private key as PEM, or as the base64url raw 32-byte scalar web-push tools print."""
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            scalar = b64url_decode(text)
            if len(scalar) != 32:
                raise ValueError(f"a raw key is 32 bytes, this is {len(scalar)}")
            key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    except (ValueError, TypeError) as problem:
        raise VapidConfigError(f"VAPID_PRIVATE_KEY is not a P-256 private key: {problem}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise VapidConfigError("VAPID_PRIVATE_KEY must be an EC key on the P-256 curve")
    return VapidKeys(key)


def _keys_from_instance(instance_path: Path) -> VapidKeys:
    key_file = instance_path / KEY_FILE_NAME
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        draft = instance_path / f".{KEY_FILE_NAME}.{os.getpid()}.{threading.get_ident()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(VapidKeys.generate().private_pem)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            draft.unlink()
    return parse_private_key(key_file.read_text(encoding="ascii"))


def normalise_subject(subject: str) -> str:
    """A ``mailto:`` or ``https:`` subject, with exactly one ``mailto:`` prefix."""
    text = subject.strip()
    address = text
    while address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    if text.lower().startswith("https://"):
        return text
    if "@" in address and ":" not in address and " " not in address:
        return f"mailto:{address}"
    raise VapidConfigError(f"VAPID_SUBJECT {subject!r} must be a mailto: address or an https:// URL")


def endpoint_origin(endpoint: str) -> str:
    """The origin of a push endpoint (RFC 6454): scheme, host and any non-default port."""
    parts = urlsplit(endpoint)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        raise ValueError("a push endpoint must be an absolute http(s) URL")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    return f"{scheme}://{host}" if port in (None, DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


class VapidSigner:
    """Signs the VAPID Authorization header, one cached token per push service origin.

    Thread-safe: the sender's pool threads share one signer.
    """

    def __init__(self, keys: VapidKeys, subject: str, clock: Callable[[], float] = time.time) -> None:
        self.keys = keys
        self.subject = normalise_subject(subject)
        self._clock = clock
        self._tokens: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def authorization(self, endpoint: str) -> str:
        return f"vapid t={self.token(endpoint_origin(endpoint))}, k={self.keys.application_server_key}"

    def token(self, audience: str) -> str:
        now = int(self._clock())
        with self._lock:
            cached = self._tokens.get(audience)
            if cached is not None and cached[1] - now > TOKEN_REFRESH_MARGIN_SECONDS:
                return cached[0]
            expires = now + TOKEN_LIFETIME_SECONDS
            claims = {"aud": audience, "exp": expires, "sub": self.subject}
            token = jwt.encode(claims, self.keys.private_key, algorithm="ES256")
            self._tokens[audience] = (token, expires)
            return token


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raise ValueError on anything else."""
    cleaned = text.strip().rstrip("=")
    if not cleaned or any(char not in _B64URL_ALPHABET for char in cleaned) or len(cleaned) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
