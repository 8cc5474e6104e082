"""A deadline in every school term: a looked-after child's personal education plan is reviewed
each term (Promoting the education of looked-after and previously looked-after children, 2018).

Term dates are profile data (``school_terms``), like closure days, because schools set their
own. A profile without them gets three windows for each school year: autumn (1 September to
31 December), spring (1 January to Easter Sunday) and summer (Easter Monday to 31 July). Every
real term falls inside one window and the windows' edges fall in school holidays, so a meeting
counts for the right term; the due date is then the window's last day, in the holiday after the
term, so a profile that serves real term dates gets due dates on the last day of term instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.easter import easter

from .deadline_rules import SchoolTerm
from .schooling import is_school_age
from .wording import short_date


def termly_due(
    school_age_only: bool,
    date_of_birth: date | None,
    meetings: list[date],
    terms: tuple[SchoolTerm, ...],
    today: date,
) -> tuple[date, str] | None:
    """The end of the first term from the first meeting on with no meeting in it, and why; None
    when every term to a year past ``today`` has one (or the child is not of school age)."""
    first = meetings[0]
    horizon = date(today.year + 1, today.month, 28)
    for term in terms or default_terms(first.year - 1, today.year + 1):
        if term.end < first:
            continue
        if term.start > horizon:
            return None
        if any(term.start <= day <= term.end for day in meetings):
            continue
        if school_age_only and date_of_birth is not None and not is_school_age(date_of_birth, term.end):
            continue
        within = f"{short_date(term.start)} to {short_date(term.end)}"
        reason = f"one in each school term, and none yet in the {term.name} ({within})"
        return term.end, reason
    return None


def default_terms(first_year: int, last_year: int) -> Iterable[SchoolTerm]:
    for year in range(first_year, last_year + 1):
        easter_sunday = easter(year)
        yield SchoolTerm(date(year, 1, 1), easter_sunday, f"spring term {year}")
        yield SchoolTerm(easter_sunday + timedelta(days=1), date(year, 7, 31), f"summer term {year}")
        yield SchoolTerm(date(year, 9, 1), date(year, 12, 31), f"autumn term {year}")
