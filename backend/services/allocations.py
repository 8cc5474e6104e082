"""The one rule for handing a child's role to another worker, used by the API and the imports.

Whoever holds the role stops on the day the new worker starts (the history is kept), and a
handover may not date from before the current holder started: that would rewrite who was
responsible for the child on days already past.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..persistence.children import Allocation


def handover_refusal(held_since: date, starts_on: date) -> str | None:
    """Why a handover from ``starts_on`` is refused when the current holder started ``held_since``."""
    if held_since > starts_on:
        return f"The current allocation only started on {held_since.isoformat()}."
    return None


def hand_over(held: Iterable[Allocation], starts_on: date) -> None:
    """End the current holders' allocations on the day the new worker starts."""
    for allocation in held:
        allocation.ends_on = starts_on
