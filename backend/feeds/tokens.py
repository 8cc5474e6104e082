"""Feed tokens: the secret in a calendar URL, shown once to the worker and stored only as a hash.

A calendar client cannot sign in, so the URL is the credential. 256 bits from ``secrets``
(twice the 128 that makes guessing hopeless). SHA-256 without salt or stretching is the right hash
for a random token of that size: nobody can guess a preimage, and a fast hash keeps every
poll cheap. Looking the hash up through a unique index reveals nothing useful by timing,
because the attacker controls the token, not its hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def mint_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(text: str) -> bool:
    """Refuse anything that could not have been minted before touching the database."""
    return _TOKEN_SHAPE.fullmatch(text) is not None
