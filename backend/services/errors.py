"""Errors the service layer raises; api/problems.py maps them (and the core's) to HTTP."""

from __future__ import annotations

from collections.abc import Mapping

from ..core.errors import CoreError


class ServiceError(CoreError):
    """Base of the service layer's errors: one root with the core's, mapped in one place."""


class NotFound(ServiceError):
    """No such record, or one the caller may not see: both answer alike, so ids leak nothing."""


class Unauthenticated(ServiceError):
    """Credentials did not prove a worker (which part was wrong is never said)."""


class Forbidden(ServiceError):
    """The caller can see the record but their role may not make this change."""


class Conflict(ServiceError):
    """The request clashes with what is stored (a duplicate reference, a visit id reused)."""


class InvalidInput(ServiceError):
    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.errors.items()))

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls({name: [message]})


class Throttled(ServiceError):
    def __init__(self, retry_after: int, message: str = "Too many failed sign-ins. Try again later.") -> None:
        self.retry_after = retry_after
        super().__init__(message)
