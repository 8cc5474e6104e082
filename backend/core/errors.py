"""One root for every domain error, so adapters map them to HTTP or exit codes in one place."""

from __future__ import annotations


class CoreError(Exception):
    """Base class of every error the domain core raises."""


class CalendarRangeError(CoreError):
    """A date fell outside the years the working-day calendar was built for.

    Raised instead of guessing: the ``holidays`` package silently answers "not a
    holiday" outside its years, which would put a due date on a bank holiday.
    """


class ProfileError(CoreError):
    """A rules profile is malformed; the message names the file, the rule and the field."""

    def __init__(self, source: str, rule: str | None, field: str, problem: str) -> None:
        self.source, self.rule, self.field, self.problem = source, rule, field, problem
        where = f"rule {rule!r}, " if rule else ""
        super().__init__(f"{source}: {where}field {field!r}: {problem}")


class InvalidCase(CoreError):
    """A case file is malformed; the message names the case reference and the field."""

    def __init__(self, reference: str | None, field: str, problem: str) -> None:
        self.reference, self.field, self.problem = reference, field, problem
        super().__init__(f"case {reference or '(no reference)'}: field {field!r}: {problem}")


class UnknownProfile(CoreError):
    """No rules profile has the requested name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name, self.known = name, known
        super().__init__(f"unknown profile {name!r} (known: {', '.join(sorted(known))})")


class InvalidPlan(CoreError):
    """A planned contact is malformed (a local time that never happens, say); names the field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"field {field!r}: {problem}")
