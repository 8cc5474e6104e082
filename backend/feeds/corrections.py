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

Two more, avoided rather than corrected: ``Calendar.new()``/``Event.new()`` mint a random
UID and a now-timestamp unless both are passed, so render.py builds plain ``Calendar()`` /
``Event()`` and sets every property; ``vRecur`` reorders an RRULE's parts, so the
hand-checked VTIMEZONE stays as written (timezones.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from icalendar import vDatetime, vText, vUri
from icalendar.cal.component import Component

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


class FeedText(vText):
    """A TEXT value escaped as RFC 5545 section 3.3.11 says (correction 3)."""

    def to_ical(self) -> bytes:
        return escape_text(self).encode("utf-8")


def uri(value: str) -> vUri:
    """A URI value is written as it is (no TEXT escaping), so it must hold no spaces or controls."""
    if not value or _NOT_IN_URI.search(value):
        raise ValueError(f"not a URI that can go into a content line: {value!r}")
    return vUri(value)


def utc(moment: datetime) -> vDatetime:
    """A DATE-TIME in UTC (form 2): the only form DTSTAMP allows."""
    if moment.tzinfo is None:
        raise ValueError("a UTC time needs a time zone")
    return vDatetime(moment.astimezone(UTC))


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
    """The component's content lines in the order they were added, folded at 75 octets (1 and 2)."""
    return "".join(fold(line) for line in component.content_lines(sorted=False) if line)
