"""The caseload's ``deadlines``: the worker's children's deadlines overdue or due this week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask

from tests.support.database import app_for
from tests.support.world import add_child, add_worker, signed_in

FIELDS = {"child_id", "reference", "initials", "kind", "due", "due_at", "status", "rule", "explanation", "covering_for"}


@pytest.fixture
def sefton_app(database_url: str) -> Iterator[Flask]:
    # Sefton writes visits up within 5 working days (S:150); England sets no write-up deadline.
    yield from app_for(database_url, RULES_PROFILE="sefton")


def test_the_caseload_lists_this_weeks_deadlines_as_the_childs_own_page_gives_them(sefton_app: Flask) -> None:
    app = sefton_app
    worker = add_worker(app)
    child = add_child(
        app,
        reference="C-D",
        name="Dee Eve",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_in_need", "start": "2026-09-01"}],
        # Only the latest visit is what a caseload loads; the older one, never written up, still owes
        # its write-up, and the written-up ones owe nothing.
        visits=[
            {"date": "2026-10-01", "role": "social_worker", "written_up": "2026-10-02"},
            {"date": "2026-10-14", "role": "social_worker"},
            {"date": "2026-11-16", "role": "social_worker", "written_up": "2026-11-17"},
            {"date": "2026-11-20", "role": "social_worker"},
        ],
        events=[{"type": "referral", "date": "2026-09-01"}],
    )
    api = signed_in(app, worker)
    for as_of in ("2026-10-15", "2026-11-02", "2026-11-23", "2027-01-04"):
        own = api.get(f"/api/children/{child}/deadlines?as_of={as_of}").json["deadlines"]
        week_end = (date.fromisoformat(as_of) + timedelta(days=6)).isoformat()
        expected = [row for row in own if row["status"] == "overdue" or row["due"] <= week_end]
        listed = api.get(f"/api/caseload?as_of={as_of}").json["deadlines"]
        assert all(set(row) == FIELDS for row in listed)
        assert {(row["child_id"], row["reference"], row["initials"]) for row in listed} <= {(child, "C-D", "DE")}
        assert [{key: row[key] for key in own[0]} for row in listed] == expected, as_of
    overdue = api.get("/api/caseload?as_of=2026-11-23").json["deadlines"]
    write_ups = [row for row in overdue if row["kind"] == "visit_write_up"]
    # The 14 October visit's (trimmed from a caseload's case, added back) and the 20 November one's.
    assert [(row["status"], row["due"] < "2026-11-20") for row in write_ups] == [
        ("overdue", True),
        ("due_soon", False),
    ]


def test_a_deadline_weeks_away_is_not_on_the_list(app: Flask) -> None:
    worker = add_worker(app)
    add_child(
        app,
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_in_need", "start": "2026-09-01"}],
        events=[{"type": "referral", "date": "2026-11-02"}],
    )
    assert signed_in(app, worker).get("/api/caseload?as_of=2026-11-03").json["deadlines"] == []
