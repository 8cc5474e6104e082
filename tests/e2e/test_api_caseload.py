"""GET /api/caseload: the caller's obligations, soonest first, in a fixed number of SQL statements."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask import Flask
from sqlalchemy import event

from backend.extensions import db
from backend.persistence.children import Allocation, Child, EpisodeRow, VisitRow
from tests.support.world import add_child, add_team, add_worker, signed_in


def test_the_caseload_is_soonest_first_with_child_id_reference_and_initials(app: Flask) -> None:
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    late = add_child(
        app,
        reference="C-B",
        name="Bea Quinn",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-11-02"}],
    )
    soon = add_child(
        app,
        reference="C-A",
        name="Al Roe",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_in_need", "start": "2026-11-02"}],
    )
    body = signed_in(app, worker).get("/api/caseload?as_of=2026-11-24").json
    assert body["as_of"] == "2026-11-24"
    rows = body["obligations"]
    assert [(row["child_id"], row["reference"], row["initials"], row["due"], row["status"]) for row in rows] == [
        (late, "C-B", "BQ", "2026-11-16", "overdue"),
        (soon, "C-A", "AR", "2026-11-30", "due_soon"),
    ]
    assert rows[0]["plan_type"] == "child_protection" and rows[0]["plan_label"] == "Child protection plan"
    assert set(rows[0]) == {
        "role",
        "due",
        "plan_by",
        "status",
        "last_visit",
        "rule",
        "explanation",
        "duty",
        "due_at",
        "child_id",
        "reference",
        "initials",
        "plan_type",
        "plan_label",
        "next_plan",
        "last_no_access",
        "household",
        "covering_for",
    }
    assert rows[0]["next_plan"] is None and rows[0]["last_no_access"] is None
    assert rows[0]["covering_for"] is None  # the worker's own child
    assert rows[0]["household"] is None  # in none: the key is there, null


def test_a_row_names_the_last_attempt_without_access_since_the_last_visit(app: Flask) -> None:
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    visits = [
        {"date": "2026-11-05", "role": "social_worker", "child_seen": False},  # answered by the visit of 9 Nov
        {"date": "2026-11-09", "role": "social_worker"},
        {"date": "2026-11-20", "role": "social_worker", "child_seen": False, "kind": "visit_elsewhere"},
        {"date": "2026-11-23", "role": "social_worker", "child_seen": False},
        {"date": "2026-11-24", "role": "social_worker", "child_seen": False, "kind": "phone"},  # not a visit
        {"date": "2026-11-25", "role": "social_worker", "child_seen": False},  # after as_of
    ]
    episodes = [{"type": "child_protection", "start": "2026-10-01"}]
    add_child(app, allocations=[(worker, "social_worker")], episodes=episodes, visits=visits)
    add_child(app, allocations=[(worker, "social_worker")], episodes=episodes, visits=visits[:2])
    rows = signed_in(app, worker).get("/api/caseload?as_of=2026-11-24").json["obligations"]
    assert sorted((row["last_visit"], str(row["last_no_access"])) for row in rows) == [
        ("2026-11-09", "2026-11-23"),
        ("2026-11-09", "None"),
    ]


def test_the_status_filter_keeps_only_that_status(app: Flask) -> None:
    worker = add_worker(app)
    add_child(
        app, allocations=[(worker, "social_worker")], episodes=[{"type": "child_protection", "start": "2026-11-02"}]
    )
    add_child(app, allocations=[(worker, "social_worker")], episodes=[{"type": "child_in_need", "start": "2026-11-02"}])
    api = signed_in(app, worker)
    assert [row["status"] for row in api.get("/api/caseload?as_of=2026-11-20&status=overdue").json["obligations"]] == [
        "overdue"
    ]
    assert api.get("/api/caseload?status=late").status_code == 422


def test_a_worker_sees_only_obligations_in_the_roles_they_hold(app: Flask) -> None:
    social_worker, adviser = add_worker(app, "social_worker"), add_worker(app, "personal_adviser")
    episodes = [{"type": "care_leaver", "start": "2026-09-01"}, {"type": "child_in_need", "start": "2026-09-01"}]
    add_child(
        app,
        allocations=[(social_worker, "social_worker"), (adviser, "personal_adviser")],
        episodes=episodes,
        date_of_birth="2007-01-01",
    )
    roles = [row["role"] for row in signed_in(app, adviser).get("/api/caseload?as_of=2026-11-20").json["obligations"]]
    assert roles == ["personal_adviser"]


def test_ended_allocations_leave_the_caseload(app: Flask) -> None:
    worker = add_worker(app)
    child_id = add_child(app, allocations=[(worker, "social_worker")])
    with app.app_context():
        db.session.execute(
            db.update(Allocation).where(Allocation.child_id == child_id).values(ends_on=date(2021, 1, 1))
        )
        db.session.commit()
    assert signed_in(app, worker).get("/api/caseload").json["obligations"] == []


def add_many_children(app: Flask, worker_id: str, count: int) -> None:
    with app.app_context():
        for number in range(count):
            child = Child(reference=f"N-{number:05d}", name="Kim Lowe", date_of_birth=date(2014, 1, 1))
            db.session.add(child)
            db.session.flush()
            db.session.add(EpisodeRow(child_id=child.id, type="child_in_need", start=date(2026, 9, 1), position=0))
            db.session.add(
                VisitRow(
                    id=str(uuid.uuid4()),
                    child_id=child.id,
                    date=date(2026, 10, 1),
                    role="social_worker",
                    child_seen=True,
                )
            )
            db.session.add(
                Allocation(child_id=child.id, worker_id=worker_id, role="social_worker", starts_on=date(2026, 9, 1))
            )
        db.session.commit()


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def caseload_statements(app: Flask, children: int) -> tuple[int, int]:
    worker = add_worker(app)
    add_many_children(app, worker, children)
    api = signed_in(app, worker)
    # Warm: the first request of a session touches it. Another date, so that the counted request
    # renders the caseload rather than reusing this one (api/rendered.py).
    api.get("/api/caseload?as_of=2026-11-19")
    with counted_statements(app) as statements:
        response = api.get("/api/caseload?as_of=2026-11-20")
    assert len(response.json["obligations"]) == children
    with counted_statements(app) as cached:
        assert api.get("/api/caseload?as_of=2026-11-20").json == response.json
    assert len(cached) < len(statements), "the repeated request was not served from the cache"
    return len(statements), children


def test_a_caseload_of_500_children_takes_as_many_sql_statements_as_one_of_5(app: Flask, database_url: str) -> None:
    from tests.support.database import empty_tables

    few, _ = caseload_statements(app, 5)
    empty_tables(app)
    many, _ = caseload_statements(app, 500)
    assert few == many
    assert many <= 12  # session, allocations, four case tables, transaction control


def test_caseload_obligations_equal_the_childs_own_obligations_whatever_the_visit_history(app: Flask) -> None:
    worker = add_worker(app)
    visits = [
        {"date": "2026-09-03", "role": "social_worker", "child_seen": True},
        {"date": "2026-10-20", "role": "social_worker", "child_seen": False},
        {"date": "2026-10-01", "role": "social_worker", "child_seen": True},
        {"date": "2026-11-10", "role": "social_worker", "child_seen": True},
        {"date": "2026-10-28", "role": "personal_adviser", "child_seen": True},
    ]
    episodes = [{"type": "child_protection", "start": "2026-09-01"}, {"type": "care_leaver", "start": "2026-09-01"}]
    child = add_child(
        app,
        allocations=[(worker, "social_worker"), (worker, "personal_adviser")],
        episodes=episodes,
        visits=visits,
        date_of_birth="2007-01-01",
    )
    api = signed_in(app, worker)
    for as_of in ("2026-09-02", "2026-10-05", "2026-10-25", "2026-11-10", "2026-11-23"):
        caseload = api.get(f"/api/caseload?as_of={as_of}").json["obligations"]
        own = api.get(f"/api/children/{child}/obligations?as_of={as_of}").json["obligations"]
        assert [{key: row[key] for key in own[0]} for row in caseload] == own
