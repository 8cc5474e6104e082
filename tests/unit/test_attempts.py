"""The latest visit attempted without access: what the list shows beside a visit still due."""

from __future__ import annotations

from datetime import date

import pytest

from backend.core.attempts import last_no_access
from backend.core.cases import Visit

TODAY = date(2026, 12, 7)
SEEN = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("visit", "found"),
    [
        (Visit(date(2026, 12, 2), "social_worker", False), date(2026, 12, 2)),
        (Visit(date(2026, 12, 2), "social_worker", False, "visit_elsewhere"), date(2026, 12, 2)),
        (Visit(date(2026, 12, 2), "social_worker", False, "phone"), None),  # a call unanswered: no visit tried
        (Visit(date(2026, 12, 2), "social_worker", True), None),  # seen: not an attempt
        (Visit(date(2026, 12, 2), "personal_adviser", False), None),  # another role's
        (Visit(date(2026, 11, 27), "social_worker", False), None),  # answered by the visit after it
        (Visit(SEEN, "social_worker", False), None),  # the same day as the visit that counted
        (Visit(date(2026, 12, 8), "social_worker", False), None),  # after today
    ],
)
def test_an_attempt_counts_only_in_person_unseen_in_the_role_after_the_last_visit(
    visit: Visit, found: date | None
) -> None:
    assert last_no_access([visit], "social_worker", SEEN, TODAY) == found


def test_the_latest_of_several_attempts_and_any_attempt_when_never_visited() -> None:
    attempts = [Visit(date(2026, 12, day), "social_worker", False) for day in (1, 4, 3)]
    assert last_no_access(attempts, "social_worker", SEEN, TODAY) == date(2026, 12, 4)
    assert last_no_access(attempts[:1], "social_worker", None, TODAY) == date(2026, 12, 1)
    assert last_no_access([], "social_worker", None, TODAY) is None
