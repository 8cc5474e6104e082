"""Field types for the HTTP boundary."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import current_app, has_app_context
from marshmallow import ValidationError, fields

from ..config import DEFAULTS
from ..core.date_ranges import BIRTH, STORED, DateRange, date_range
from ..core.errors import InvalidPlan
from ..core.localtime import parse_local_start
from ..services.clock import LONDON

# C0 and C1 controls (tab, CR and LF included: no field here holds more than one line), and the
# bidirectional overrides that make text display other than it reads.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plain_text(value: str) -> None:
    """A marshmallow validator: one line of printable text."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError("Contains control characters.")


def allowed_dates(kind: str = STORED) -> DateRange:
    """The days a date of ``kind`` may take with this app's calendar years (core/date_ranges.py);
    the defaults outside an app, so a schema loads the same way in a script."""
    config = current_app.config if has_app_context() else DEFAULTS
    return date_range(kind, config["CALENDAR_FIRST_YEAR"], config["CALENDAR_LAST_YEAR"])


def check_in_range(day: date, kind: str = STORED) -> None:
    """A marshmallow validator: ``day`` lies where the engine can schedule from it."""
    problem = allowed_dates(kind).problem(day)
    if problem:
        raise ValidationError(problem)


class IsoDate(fields.Date):
    """A calendar date written exactly YYYY-MM-DD, inside the years the service schedules.

    Python 3.11's ``date.fromisoformat`` (which marshmallow uses) also takes ``20261123`` and
    week dates; a case file and the API take only the one form, and 2026-02-30 is refused.
    Every date loaded through a schema (bodies, query arguments, case imports) is checked
    against the calendar's years here, so none is stored that the engine would later refuse.
    """

    default_error_messages = {"invalid": "Not a date in the form YYYY-MM-DD.", "real": "{input} is not a real date."}
    date_kind = STORED

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.make_error("real", input=value) from None
        check_in_range(day, self.date_kind)
        return day


class DateOfBirth(IsoDate):
    """A date of birth: may precede the calendar by a care leaver's years (core/date_ranges.py)."""

    date_kind = BIRTH


class StrictBoolean(fields.Boolean):
    """true or false only: marshmallow's Boolean would also take "yes", "0" and 1."""

    default_error_messages = {"invalid": "Not true or false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class LocalDateTime(fields.String):
    """A wall-clock time in Europe/London ("2026-11-24T14:00") unless it carries an offset,
    loaded as an aware datetime; times the clocks skip are refused (core/localtime.py)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        try:
            moment = parse_local_start(value, LONDON, attr or "starts_at")
        except InvalidPlan as error:
            raise ValidationError(error.problem) from None
        except OverflowError:
            # An offset pushing 9999-12-31 or 0001-01-01 past what a datetime holds.
            raise ValidationError(allowed_dates().problem(date.min) or "Out of range.") from None
        # The local day, as the plan is listed and judged; its end (start + at most a day) stays inside the calendar.
        check_in_range(moment.astimezone(LONDON).date())
        return moment
