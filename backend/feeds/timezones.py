"""The Europe/London VTIMEZONE written into feeds that carry a time of day.

Written by hand in the recurring-rule form (as tzurl.org publishes it) rather than
generated: Outlook and Google read RRULE-based definitions best, the text never changes
between builds (so feeds stay byte-stable), and the tests check every transition from
2000 to 2045 against the system's tz database. The rule (last Sunday of March at 01:00
UTC, last Sunday of October at 01:00 UTC) has held since 1996 under the Summer Time Order
1995 and EU Directive 2000/84/EC.
"""

from __future__ import annotations

from ..clock import LONDON_TZID

__all__ = ["LONDON_TZID", "LONDON_VTIMEZONE"]

LONDON_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "X-LIC-LOCATION:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
