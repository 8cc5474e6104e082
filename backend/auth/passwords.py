"""Password hashing with argon2id at OWASP's recommended minimum (m=19 MiB, t=2, p=1), and
what a new password must be.

The policy follows NIST SP 800-63B (section 3.1.1.2): a minimum length, any characters
(spaces and emoji included), no composition rules, and a check against values known to be
guessed first (common passwords, repetition, the account's own email or name).
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB of memory, 2 iterations, 1 degree of parallelism.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 12
# SP 800-63B asks that at least 64 be allowed; the sign-in form takes up to this many.
MAX_PASSWORD_LENGTH = 1024
# Fewer different characters than this is a repetition ("aaaaaaaaaaaa", "abababababab").
MIN_DISTINCT_CHARACTERS = 4
# Passwords of twelve characters or more that lead public breach corpora; compared without
# case and spaces. A short list by design: length and the other checks do most of the work.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789123",
        "1234567890qwerty",
        "qwertyuiopasdfgh",
        "qwertyuiop123",
        "qwerty123456",
        "qwerty1234567",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "password1234",
        "password12345",
        "password123456",
        "passwordpassword",
        "password1234!",
        "password123!",
        "p@ssw0rd1234",
        "passw0rd1234",
        "welcome12345",
        "welcome123456",
        "letmein12345",
        "iloveyou1234",
        "abcdefghijkl",
        "abcd12345678",
        "abc123456789",
        "administrator",
        "changeme1234",
        "socialworker",
        "socialworker1",
    }
)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("a password nobody has: used to spend the same time on unknown accounts")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no stored hash, still spends the time of a real check,
    so a wrong email and a wrong password cannot be told apart by the clock."""
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)


def password_problem(password: str, email: str, name: str = "") -> str | None:
    """Why ``password`` may not be a new password for this account, or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return "Too repetitive: use more different characters."
    folded = "".join(password.casefold().split())
    if folded in COMMON_PASSWORDS:
        return "Too common: it is among the first passwords anyone would guess."
    own = {"".join(value.casefold().split()) for value in (email, email.split("@")[0], name)}
    if folded in own - {""}:
        return "A password cannot be the account's email address or name."
    return None
