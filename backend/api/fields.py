"""Field types for the HTTP boundary."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields

# C0 and C1 controls (tab, CR and LF included: no field here holds more than one line), and the
# bidirectional overrides that make text display other than it reads.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plain_text(value: str) -> None:
    """A marshmallow validator: one line of printable text."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError("Contains control characters.")


class IsoDate(fields.Date):
    """A calendar date written exactly YYYY-MM-DD.

    Python 3.11's ``date.fromisoformat`` (which marshmallow uses) also takes ``20261123`` and
    week dates; a case file and the API take only the one form, and 2026-02-30 is refused.
    """

    default_error_messages = {"invalid": "Not a date in the form YYYY-MM-DD.", "real": "{input} is not a real date."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.make_error("real", input=value) from None


class StrictBoolean(fields.Boolean):
    """true or false only: marshmallow's Boolean would also take "yes", "0" and 1."""

    default_error_messages = {"invalid": "Not true or false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value
