"""The service's one time zone, defined once for the core and the adapters alike.

Social work in England runs on London's wall clock (a visit due "today" at 23:30 UTC in
summer is already tomorrow's). Core functions that depend on the zone take it as an argument
and default to this one; ``backend/clock`` reads the wall clock in it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

LONDON_TZID = "Europe/London"
LONDON = ZoneInfo(LONDON_TZID)
