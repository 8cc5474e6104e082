"""Reads typed fields from one table of a rules profile, naming file, rule and field on error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from .errors import ProfileError
from .intervals import Interval, parse_interval

_MISSING = object()


class Reader:
    """Reads typed fields from one table of a profile, naming file, rule and field on error."""

    def __init__(self, source: str, rule: str | None, data: Any, prefix: str = "") -> None:
        self.source, self.rule, self.prefix = source, rule, prefix
        if not isinstance(data, Mapping):
            raise ProfileError(source, rule, prefix.rstrip(".") or "(top)", "expected a table")
        self.data = data

    def child(self, data: Any, prefix: str) -> Reader:
        return Reader(self.source, self.rule, data, self.prefix + prefix)

    def error(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, self.rule, self.prefix + key, problem)

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error(key, "is required")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "expected non-empty text")
        return value.strip()

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.raw(key)
        if value not in allowed:
            raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def optional_choices(self, key: str, allowed: Mapping[str, str]) -> list[str] | None:
        values = self.raw(key, None)
        if values is None:
            return None
        if not isinstance(values, list) or not values:
            raise self.error(key, "expected a non-empty list")
        for value in values:
            # isinstance first: a nested list is unhashable and would crash the lookup.
            if not isinstance(value, str) or value not in allowed:
                raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return [str(value) for value in values]

    def flag(self, key: str) -> bool:
        value = self.raw(key, False)
        if not isinstance(value, bool):
            raise self.error(key, "expected true or false")
        return value

    def optional_int(self, key: str) -> int | None:
        value = self.raw(key, None)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise self.error(key, "expected a whole number of years")
        return value

    def items(self, key: str, default: Any = _MISSING) -> list[Any]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise self.error(key, "expected a list")
        return value

    def interval(self, key: str) -> Interval:
        return self.parse_interval_text(key, self.raw(key))

    def optional_interval(self, key: str) -> Interval | None:
        value = self.raw(key, None)
        return None if value is None else self.parse_interval_text(key, value)

    def parse_interval_text(self, key: str, text: Any) -> Interval:
        try:
            return parse_interval(text)
        except ValueError as problem:
            raise self.error(key, str(problem)) from None

    def date(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.error(key, f"{value!r} is not a date (YYYY-MM-DD)") from None
