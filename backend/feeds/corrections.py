"""Where ``icalendar`` 7.3 writes something a feed must not carry, corrected in one place.

Feeds are built as ``icalendar`` components (render.py); these are the points where its
output differs from what feeds need, each with its reason. Measured on 7.3.2, and pinned by
tests/unit/test_feed_corrections.py: a release that fixes one makes its test fail, and the
correction can go.

1. **Property order.** ``to_ical()`` puts properties in its own canonical order (SUMMARY,
   DTSTART, DTEND, DTSTAMP, UID, ...). ``serialise`` takes the content lines in the order
   they were added (UID and DTSTAMP first, as RFC 5545 lists them), the order feeds have
   always had: an unchanged caseload keeps its bytes, and so its ETag, across the change of
   writer, and clients holding it do not fetch it again.
2. **Folding points.** ``icalendar`` folds before 75 octets (a 74-octet first line, and an
   escape's backslash moved onto the next line). ``fold`` folds at exactly 75 octets, for
   the same reason; both are valid RFC 5545 (section 3.1), and ical.js reads both.
3. **TEXT escaping.** Properties it has no type for (RFC 7986 ``NAME``, ``X-WR-CALNAME``)
   are written as given, so a worker named "Patel, Sam" or "Sam; Jo" would put a bare
   ``,`` or ``;`` into the calendar's name, and a line break would fail the whole render.
   Its ``vText`` keeps control characters (not allowed in TEXT, section 3.3.11) and turns a
   literal backslash-N typed in a note into a line break. ``FeedText`` escapes every TEXT
   value as section 3.3.11 says.
4. **URIs.** ``vUri`` writes any string; a space or line break in a link would break the line
   or smuggle in a property. ``uri`` refuses them.
5. **UTC stamps.** ``vDatetime`` writes a naive time as floating time; DTSTAMP must be UTC
   (section 3.8.7.2). ``utc`` converts an aware time and refuses a naive one.

6. **Speed.** Building and writing an event through ``icalendar``'s own paths took about 120 us,
   nine tenths of it in work a feed does not need (cProfile; 10,000 events took 1.23-1.29 s
   from nothing, now 0.33 s, docs/feeds.md). Every value built a ``Parameters`` (a
   case-insensitive dict; eleven per event), a UTC ``vDatetime`` looked up its zone's names
   twice to learn that it is UTC, and ``content_lines`` rebuilt each property as a
   ``Contentline`` (encoding the value, decoding it back, writing its parameters) before it
   was folded here. The values below are ``icalendar``'s own types with the same ``to_ical``,
   whose ``Parameters`` are built only if something asks for them, and ``serialise`` writes
   each content line straight from them: the same bytes (the golden files pin them, and a
   test compares ``serialise`` with ``icalendar``'s own writer).

Two more, avoided rather than corrected: ``Calendar.new()``/``Event.new()`` mint a random
UID and a now-timestamp unless both are passed, so render.py builds plain ``Calendar()`` /
``Event()`` and sets every property; ``vRecur`` reorders an RRULE's parts, so the
hand-checked VTIMEZONE stays as written (timezones.py).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from icalendar import Parameters, vDate, vDatetime, vInt, vText, vUri
from icalendar.cal.component import Component
from icalendar.parser_tools import to_unicode

CRLF = "\r\n"
MAX_OCTETS = 75  # RFC 5545 section 3.1: lines SHOULD NOT be longer than 75 octets, excluding CRLF

# Control characters other than HTAB are not allowed in TEXT (section 3.3.11, "TSAFE-CHAR");
# CR is dropped here after CRLF has been turned into LF.
_FORBIDDEN_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_NOT_IN_URI = re.compile(r"[\s\x00-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value as it goes after the colon: newlines kept as ``\\n``, controls dropped."""
    value = _FORBIDDEN_CONTROLS.sub("", value.replace("\r\n", "\n"))
    # Backslash first, so the escapes added after it stay single.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


class LazyParameters:
    """A value whose ``Parameters`` are built the first time something asks for them (correction 6):
    ``serialise`` never asks, it writes the parameters the value's type always has."""

    initial_parameters: ClassVar[dict[str, str]] = {}
    initial_parameter_text: ClassVar[str] = ""
    _params: Parameters | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.initial_parameter_text = _parameter_text(Parameters(cls.initial_parameters))

    @property
    def params(self) -> Parameters:
        if self._params is None:
            self._params = Parameters(self.initial_parameters)
        return self._params

    @params.setter
    def params(self, value: Parameters) -> None:
        self._params = value

    def ical_text(self) -> str:
        """The value as it goes after the colon (``to_ical`` gives it encoded)."""
        return to_unicode(self.to_ical())  # type: ignore[attr-defined]  # every icalendar value has to_ical

    def parameter_text(self) -> str:
        """``;NAME=value...`` as icalendar writes them, or "" for none."""
        if self._params is None:
            return self.initial_parameter_text
        return _parameter_text(self._params)


def _parameter_text(params: Parameters) -> str:
    # icalendar's own writer, so quoting and the TZID=UTC it leaves out stay its own.
    text = to_unicode(params.to_ical(sorted=False)) if params else ""
    return ";" + text if text else ""


class FeedText(LazyParameters, vText):
    """A TEXT value escaped as RFC 5545 section 3.3.11 says (correction 3)."""

    def __new__(cls, value: str) -> FeedText:
        # vText's ``encoding`` is read only by the ``to_ical`` replaced here.
        self = str.__new__(cls, value)
        self._params = None
        return self

    def to_ical(self) -> bytes:
        return escape_text(self).encode("utf-8")

    def ical_text(self) -> str:
        # Without the round trip through bytes; icalendar decodes them as "utf-8-sig", which drops a
        # leading byte order mark, so this does too.
        return escape_text(self).removeprefix("\ufeff")


class FeedUri(LazyParameters, vUri):
    """A URI, written as it is: ``uri`` checks it first."""

    def __new__(cls, value: str) -> FeedUri:
        self = str.__new__(cls, value)
        self._params = None
        return self

    def ical_text(self) -> str:
        return str.__str__(self).removeprefix("\ufeff")  # as icalendar's "utf-8-sig" decoding does


class FeedInt(LazyParameters, vInt):
    """An INTEGER (SEQUENCE)."""

    def __new__(cls, value: int) -> FeedInt:
        self = int.__new__(cls, value)
        self._params = None
        return self

    def ical_text(self) -> str:
        return str(int(self))


class FeedDate(LazyParameters, vDate):
    """An all-day DATE, written with ``VALUE=DATE`` (DTSTART and DTEND of an all-day event)."""

    initial_parameters: ClassVar[dict[str, str]] = {"VALUE": "DATE"}

    def __init__(self, day: date) -> None:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError("an all-day value needs a date")
        self.dt = day
        self._params = None

    def ical_text(self) -> str:
        day = self.dt
        return f"{day.year:04}{day.month:02}{day.day:02}"


class UtcStamp(LazyParameters, vDatetime):
    """A DATE-TIME in UTC (form 2), already converted by ``utc``: no time zone to look up."""

    def __init__(self, moment: datetime) -> None:
        self.dt = moment
        self._params = None

    def to_ical(self) -> bytes:
        return self.ical_text().encode()

    def ical_text(self) -> str:
        moment = self.dt
        return f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment.hour:02}{moment.minute:02}{moment.second:02}Z"


def uri(value: str) -> FeedUri:
    """A URI value is written as it is (no TEXT escaping), so it must hold no spaces or controls."""
    if not value or _NOT_IN_URI.search(value):
        raise ValueError(f"not a URI that can go into a content line: {value!r}")
    return FeedUri(value)


def utc(moment: datetime) -> UtcStamp:
    """A DATE-TIME in UTC (form 2): the only form DTSTAMP allows."""
    if moment.tzinfo is None:
        raise ValueError("a UTC time needs a time zone")
    return UtcStamp(moment.astimezone(UTC))


def fold(line: str) -> str:
    """One logical line, folded so that no physical line exceeds 75 octets, ending in CRLF.

    Folds never split a UTF-8 sequence: a client reading octets must see whole characters.
    """
    if line.isascii():
        if len(line) <= MAX_OCTETS:
            return line + CRLF
        # One octet per character: slice directly (the common case, and the fast one).
        pieces = [line[:MAX_OCTETS]]
        pieces += [line[start : start + MAX_OCTETS - 1] for start in range(MAX_OCTETS, len(line), MAX_OCTETS - 1)]
        return (CRLF + " ").join(pieces) + CRLF
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line + CRLF
    pieces = []
    current: list[str] = []
    used = 0
    limit = MAX_OCTETS
    for character in line:
        size = len(character.encode("utf-8"))
        if used + size > limit:
            pieces.append("".join(current))
            current, used, limit = [], 0, MAX_OCTETS - 1  # continuation lines begin with one space
        current.append(character)
        used += size
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces) + CRLF


def serialise(component: Component) -> str:
    """The component's content lines in the order they were added, folded at 75 octets (1, 2 and 6)."""
    lines = [f"BEGIN:{component.name}{CRLF}"]
    for name, values in component.items():
        for value in values if isinstance(values, list) else (values,):
            lines.append(fold(content_line(name, value)))
    lines.extend(serialise(subcomponent) for subcomponent in component.subcomponents)
    lines.append(f"END:{component.name}{CRLF}")
    return "".join(lines)


def content_line(name: str, value: Any) -> str:
    """``NAME;PARAMETERS:value``, unfolded, as icalendar's ``Contentline.from_parts`` writes it."""
    if isinstance(value, LazyParameters):
        return f"{name}{value.parameter_text()}:{value.ical_text()}"
    params = getattr(value, "params", None)
    parameters = _parameter_text(params) if params is not None else ""
    text = value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical()
    return f"{name}{parameters}:{to_unicode(text)}"
