"""The scheduling service: rule profiles and their working-day calendars, built once per app.

Adapters (the CLI, the API, push and feeds) ask this object for obligations; it holds
no request state, so one instance serves every thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..clock import LONDON
from ..core.calendars import WorkingCalendar, build_calendar
from ..core.carers import Carer, compute_carer_obligations
from ..core.cases import Case
from ..core.coverage import Unscheduled, unscheduled_episodes
from ..core.deadlines import Deadline, compute_deadlines
from ..core.errors import UnknownProfile
from ..core.hours import HourClock
from ..core.profiles import Profile
from ..core.replay import Replay
from ..core.scheduling import Obligation, compute_obligations, project_due_dates
from ..core.timescale import ChildTimescale, Period, child_timescale

# Hour-counted duties run in the service's time zone, so "72 hours" spans a clock change exactly.
HOUR_CLOCK = HourClock(LONDON)


@dataclass
class Scheduler:
    profiles: dict[str, Profile]
    default_profile: str
    first_year: int
    last_year: int
    _calendars: dict[str, WorkingCalendar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.default_profile not in self.profiles:
            raise UnknownProfile(self.default_profile, list(self.profiles))
        # Built eagerly so a bad profile or calendar fails at start-up, not on a worker's phone.
        for name, profile in self.profiles.items():
            self._calendars[name] = build_calendar(profile.region, self.first_year, self.last_year, profile.closures)

    def profile(self, name: str | None = None) -> Profile:
        key = name or self.default_profile
        if key not in self.profiles:
            raise UnknownProfile(key, list(self.profiles))
        return self.profiles[key]

    def calendar(self, name: str | None = None) -> WorkingCalendar:
        return self._calendars[self.profile(name).id]

    def obligations(self, case: Case, today: date, profile_name: str | None = None) -> tuple[Obligation, ...]:
        profile = self.profile(profile_name)
        return compute_obligations(case, today, profile, self._calendars[profile.id], HOUR_CLOCK)

    def deadlines(self, case: Case, today: date, profile_name: str | None = None) -> tuple[Deadline, ...]:
        """The case's open deadlines that are not visits (``core/deadlines.py``)."""
        profile = self.profile(profile_name)
        calendar = self._calendars[profile.id]
        return compute_deadlines(case, today, profile.deadlines, calendar, profile.school_terms, HOUR_CLOCK)

    def carer_obligations(self, carer: Carer, today: date, profile_name: str | None = None) -> tuple[Obligation, ...]:
        """A carer's visits due (core/carers.py), from the same profile and calendar as children's."""
        profile = self.profile(profile_name)
        return compute_carer_obligations(carer, today, profile, self._calendars[profile.id])

    def unscheduled(self, case: Case, today: date, profile_name: str | None = None) -> tuple[Unscheduled, ...]:
        """The case's active episodes no rule covers, with why (``core/coverage.py``)."""
        return unscheduled_episodes(case, today, self.profile(profile_name))

    def timescale(
        self, child_id: str, case: Case, periods: list[Period], as_of: date, profile_name: str | None = None
    ) -> ChildTimescale:
        """The child's due dates in each period and no-access attempts (``core/timescale.py``),
        replayed once through the same rules and calendar as ``obligations``."""
        profile = self.profile(profile_name)
        replay = Replay(case, profile, self._calendars[profile.id], HOUR_CLOCK)
        return child_timescale(replay, child_id, periods, as_of)

    def projections(
        self, case: Case, today: date, role: str, count: int, profile_name: str | None = None
    ) -> list[date]:
        profile = self.profile(profile_name)
        return project_due_dates(case, today, profile, self._calendars[profile.id], role, count)
