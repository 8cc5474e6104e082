"""An outside reviewer's attacks on the routes added last: roles named in bodies, ends of the
date range, two requests at once, data that would break a later read, least data in logs."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from backend.extensions import db
from backend.persistence.children import Child, VisitRow
from backend.persistence.household_visits import HouseholdVisitRow
from backend.persistence.push import SentReminderRow
from backend.services.household_visits import child_visit_id
from tests.e2e.test_feeds_logs import prepared_app
from tests.support.carers import add_carer, carer_visit_body
from tests.support.world import add_child, add_team, add_worker, household_visit_body, new_visit_id, signed_in

SSD_EXTRACT = Path(__file__).parent.parent / "data" / "ssd"
CP = [{"type": "child_protection", "start": "2026-09-01"}]


def team(app: Flask) -> dict[str, str]:
    team_id = add_team(app)
    people = {
        "team": team_id,
        "manager": add_worker(app, "team_manager", team_id),
        "worker": add_worker(app, "social_worker", team_id),
        "other": add_worker(app, "social_worker", team_id),
        "third": add_worker(app, "social_worker", team_id),
        "adviser": add_worker(app, "personal_adviser", team_id),
    }
    people["child"] = add_child(
        app,
        team_id=team_id,
        allocations=[(people["worker"], "social_worker"), (people["adviser"], "personal_adviser")],
        episodes=CP,
        household="F-1",
    )
    return people


def test_an_adviser_naming_social_worker_in_a_household_visit_is_refused(app: Flask) -> None:
    world = team(app)
    response = signed_in(app, world["adviser"]).put(
        f"/api/household-visits/{new_visit_id()}", json=household_visit_body([world["child"]])
    )
    # As for a single visit: a 422 naming the role, and nothing stored.
    assert response.status_code == 422 and list(response.json["errors"]) == ["role"], response.json


def test_an_adviser_or_social_worker_cannot_reallocate(app: Flask) -> None:
    world = team(app)
    for caller in ("adviser", "worker"):
        response = signed_in(app, world[caller]).post(
            f"/api/children/{world['child']}/reallocation", json={"role": "social_worker", "worker_id": world["other"]}
        )
        assert response.status_code == 404, (caller, response.json)


def test_a_carer_visit_by_a_worker_who_does_not_supervise_the_carer(app: Flask) -> None:
    world = team(app)
    carer = add_carer(app, supervising_worker_id=world["worker"], team_id=world["team"])
    response = signed_in(app, world["adviser"]).put(f"/api/carer-visits/{new_visit_id()}", json=carer_visit_body(carer))
    assert response.status_code in (403, 404), response.json
    response = signed_in(app, world["adviser"]).put(
        f"/api/carer-visits/{new_visit_id()}", json={**carer_visit_body(carer), "role": "social_worker"}
    )
    assert response.status_code == 422, response.json


def test_a_carer_approved_after_it_ended_or_transferred_is_a_422(app: Flask) -> None:
    world = team(app)
    api = signed_in(app, world["manager"])
    base = {"reference": "FC-9", "type": "short_term_foster_carer", "approved": "2026-11-01"}
    for extra in ({"ended": "2026-10-01"}, {"transferred": "2026-10-01"}):
        response = api.post("/api/carers", json={**base, **extra})
        assert response.status_code == 422, (extra, response.json)
    response = api.post("/api/carers", json={**base, "approved": "2044-12-31"})
    assert response.status_code in (201, 422), response.json
    if response.status_code == 201:
        assert api.get(f"/api/carers/{response.json['id']}").status_code == 200
        assert api.get("/api/carers").status_code == 200
        assert signed_in(app, world["worker"]).get("/api/caseload").status_code == 200


def test_overview_of_a_century_is_refused_or_quick(app: Flask) -> None:
    world = team(app)
    api = signed_in(app, world["manager"])
    started = time.monotonic()
    response = api.get(f"/api/teams/{world['team']}/overview?from=2001-01-01&to=2044-12-31")
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 422), response.json
    assert elapsed < 5, elapsed
    started = time.monotonic()
    response = api.get(f"/api/teams/{world['team']}/overview.csv?from=2001-01-01&to=2044-12-31")
    assert response.status_code in (200, 422)
    assert time.monotonic() - started < 5
    for as_of in ("2044-12-31", "2001-01-01"):
        response = api.get(f"/api/teams/{world['team']}/overview?as_of={as_of}")
        assert response.status_code in (200, 422), (as_of, response.json)
        response = api.get(f"/api/children/{world['child']}/deadlines?as_of={as_of}")
        assert response.status_code in (200, 422), (as_of, response.json)
        response = api.get(f"/api/workers/{world['worker']}/caseload?as_of={as_of}")
        assert response.status_code in (200, 422), (as_of, response.json)


def test_two_reallocations_at_once_leave_one_holder(app: Flask) -> None:
    world = team(app)
    clients = [signed_in(app, world["manager"]) for _ in range(2)]
    start = threading.Barrier(2)
    answers: list[int] = []

    def send(api: Any, worker: str) -> None:
        start.wait()
        answers.append(
            api.post(
                f"/api/children/{world['child']}/reallocation", json={"role": "social_worker", "worker_id": worker}
            ).status_code
        )

    threads = [
        threading.Thread(target=send, args=(api, worker))
        for api, worker in zip(clients, (world["other"], world["third"]), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = signed_in(app, world["manager"]).get(f"/api/children/{world['child']}").json["allocations"]
    open_ = [item for item in history if item["role"] == "social_worker" and item["to"] is None]
    assert len(open_) == 1, (answers, [(item["worker_id"][:4], item["from"], item["to"]) for item in history])


def test_a_search_of_the_children_list_leaves_no_typed_name_in_the_request_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, _, _ = prepared_app(tmp_path)
    admin = signed_in(app, add_worker(app, "admin"))
    cookie = admin.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            f"http://127.0.0.1:{server.port}/api/children?q=Jane%20Smith",
            headers={"Cookie": f"{cookie.key}={cookie.value}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join()
    assert "GET /api/children?[query]" in caplog.text
    assert "Jane" not in caplog.text and "Smith" not in caplog.text


def answer(response: Any) -> tuple[int, Any]:
    """Status and body with the id asked for blanked: what a caller learns beyond their own question."""
    body = response.get_json(silent=True)
    if isinstance(body, dict):
        body = {key: value for key, value in body.items() if key not in ("detail", "instance")}
    return response.status_code, body


def test_another_teams_records_answer_as_made_up_ids_do(app: Flask) -> None:
    ours, theirs = team(app), team(app)
    carer = add_carer(app, supervising_worker_id=theirs["worker"], team_id=theirs["team"])
    visit_id = new_visit_id()
    assert (
        signed_in(app, theirs["worker"]).put(f"/api/carer-visits/{visit_id}", json=carer_visit_body(carer)).status_code
        == 201
    )
    child_visit = new_visit_id()
    body = {"child_id": theirs["child"], "date": "2026-11-20", "role": "social_worker", "child_seen": True}
    assert (
        signed_in(app, theirs["worker"])
        .put(f"/api/visits/{child_visit}", json={**body, "seen_alone": True})
        .status_code
        == 201
    )
    made_up = "0" * 32
    probes = [
        ("GET", "/api/carers/{}", carer, made_up, None),
        ("PATCH", "/api/carers/{}", carer, made_up, {"name": "X"}),
        ("GET", "/api/carer-visits/{}", visit_id, new_visit_id(), None),
        ("GET", "/api/children/{}/deadlines", theirs["child"], made_up, None),
        ("GET", "/api/workers/{}/caseload", theirs["worker"], made_up, None),
        ("GET", "/api/teams/{}/overview", theirs["team"], made_up, None),
        ("GET", "/api/teams/{}/overview.csv", theirs["team"], made_up, None),
        (
            "POST",
            "/api/children/{}/reallocation",
            theirs["child"],
            made_up,
            {"role": "social_worker", "worker_id": ours["other"]},
        ),
        ("PUT", "/api/visits/{}/written-up", child_visit, new_visit_id(), {"written_up": "2026-11-21"}),
    ]
    for caller in ("manager", "worker", "adviser"):
        api = signed_in(app, ours[caller])
        for method, path, real, fake, body in probes:
            real_answer = answer(api.request(method, path.format(real), json=body))
            fake_answer = answer(api.request(method, path.format(fake), json=body))
            assert real_answer == fake_answer, (caller, method, path, real_answer, fake_answer)
            assert real_answer[0] in (403, 404), (caller, method, path, real_answer)


def test_a_shared_childs_overdue_visit_goes_to_the_manager_of_the_team_holding_that_role(app: Flask) -> None:
    """A child of team B with a personal adviser from team A: B's social worker's missed visit is
    B's manager's to hear of, even when A's manager happens to be escalated first (B's manager in
    quiet hours at 06:30, A's not): A's manager may see the child, but covers only A's roles."""
    team_a, team_b = team(app), team(app)
    shared = add_child(
        app,
        team_id=team_b["team"],
        allocations=[(team_b["worker"], "social_worker"), (team_a["adviser"], "personal_adviser")],
        # Due within the week before 1 Dec: the job escalates only visits that fell due lately.
        episodes=[{"type": "child_protection", "start": "2026-11-16"}],
    )
    quiet_off = {"quiet_start": None, "quiet_end": None}
    assert signed_in(app, team_a["manager"]).put("/api/push/preferences", json=quiet_off).status_code == 200
    runner = app.test_cli_runner()
    with app.app_context():
        for now in ("2026-12-01T06:30", "2026-12-01T07:30"):
            result = runner.invoke(args=["send-escalations", "--now", now])
            assert result.exit_code == 0, result.output
        told = db.session.execute(
            select(SentReminderRow.worker_id, SentReminderRow.visits).where(SentReminderRow.visits.like(f"{shared}/%"))
        ).all()
    assert {(worker, visits.split("/")[1]) for worker, visits in told} == {(team_b["manager"], "social_worker")}


def test_a_household_visit_and_a_single_visit_under_its_derived_id_at_once_never_500(app: Flask) -> None:
    world = team(app)
    second = add_child(app, team_id=world["team"], allocations=[(world["worker"], "social_worker")], episodes=CP)
    children = [world["child"], second]
    for _ in range(3):
        household_id = new_visit_id()
        derived = child_visit_id(household_id, second)
        single = {"child_id": second, "date": "2026-11-20", "role": "social_worker", "child_seen": True}
        requests = [
            ("PUT", f"/api/household-visits/{household_id}", household_visit_body(children)),
            ("PUT", f"/api/visits/{derived}", {**single, "seen_alone": False}),
        ]
        statuses = at_once(app, world["worker"], requests)
        assert sorted(statuses) == [201, 409], statuses
        with app.app_context():
            stored = db.session.scalars(select(VisitRow.id).where(VisitRow.child_id == world["child"])).all()
            household = db.session.get(HouseholdVisitRow, household_id)
        # Either the household visit stored both children's visits, or nothing of it is stored.
        assert (household is None) == (child_visit_id(household_id, world["child"]) not in stored)


def at_once(app: Flask, caller: str, requests: list[tuple[str, str, dict[str, Any]]]) -> list[int]:
    """The requests sent together, each by its own client of ``caller``; their statuses."""
    clients = [signed_in(app, caller) for _ in requests]
    start = threading.Barrier(len(requests))
    statuses: list[int] = []

    def send(api: Any, method: str, path: str, body: dict[str, Any]) -> None:
        start.wait()
        statuses.append(api.request(method, path, json=body).status_code)

    threads = [
        threading.Thread(target=send, args=(api, *request)) for api, request in zip(clients, requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_control_characters_in_household_keys_are_refused_everywhere(app: Flask, tmp_path: Path) -> None:
    world = team(app)
    api = signed_in(app, world["manager"])
    for key in ("F\x00-1", "F\u202e-1", "F-1\n", "\t"):
        response = api.post(
            "/api/carers",
            json={"reference": "FC-7", "type": "short_term_foster_carer", "approved": "2026-11-01", "household": key},
        )
        assert response.status_code == 422 and "household" in response.json["errors"], (key, response.json)
        response = api.patch(f"/api/children/{world['child']}", json={"household": key})
        assert response.status_code == 422 and "household" in response.json["errors"], (key, response.json)
        carer = {"reference": "FC-8", "type": "short_term_foster_carer", "approved": "2026-11-01", "household": key}
        path = tmp_path / "import.json"
        path.write_text(json.dumps({"cases": [], "carers": [carer]}))
        result = app.test_cli_runner().invoke(args=["import-cases", str(path)])
        assert result.exit_code == 1 and "carers: row 1 (FC-8): household" in result.output, (key, result.output)


def test_carer_visits_at_the_ends_of_the_range_leave_every_read_working(app: Flask) -> None:
    world = team(app)
    carer = add_carer(app, supervising_worker_id=world["worker"], team_id=world["team"], approved=date(2001, 1, 1))
    ended = add_carer(
        app,
        supervising_worker_id=world["worker"],
        team_id=world["team"],
        approved=date(2026, 1, 5),
        ended=date(2026, 3, 1),
    )
    api = signed_in(app, world["worker"])
    for target, day in ((carer, "2001-01-01"), (ended, "2026-11-30"), (ended, "2026-01-01")):
        response = api.put(f"/api/carer-visits/{new_visit_id()}", json=carer_visit_body(target, date=day))
        assert response.status_code in (201, 422), response.json
    for path in (f"/api/carers/{carer}", f"/api/carers/{ended}", "/api/carers", "/api/caseload"):
        assert api.get(path).status_code == 200, path
    manager = signed_in(app, world["manager"])
    for query in ("", "?as_of=2044-12-31", "?as_of=2001-01-01"):
        assert manager.get(f"/api/teams/{world['team']}/overview{query}").status_code == 200, query
        assert manager.get(f"/api/carers{query}").status_code in (200, 422), query


def test_a_manager_cannot_take_another_teams_role_on_a_child_no_team_holds(app: Flask) -> None:
    """No team holds the child; team A's social worker and team B's personal adviser are allocated.
    A's manager covers A's role only (access.may_act_in): moving B's adviser off the child is
    B's manager's to do, and the answer is the one a made-up child gets."""
    team_a, team_b = team(app), team(app)
    child = add_child(
        app,
        allocations=[(team_a["worker"], "social_worker"), (team_b["adviser"], "personal_adviser")],
        episodes=CP,
    )
    manager_a = signed_in(app, team_a["manager"])
    taken = manager_a.post(
        f"/api/children/{child}/reallocation", json={"role": "personal_adviser", "worker_id": team_a["adviser"]}
    )
    made_up = manager_a.post(
        f"/api/children/{'0' * 32}/reallocation", json={"role": "personal_adviser", "worker_id": team_a["adviser"]}
    )
    assert answer(taken) == answer(made_up), taken.json
    moved = manager_a.post(
        f"/api/children/{child}/reallocation", json={"role": "social_worker", "worker_id": team_a["other"]}
    )
    assert moved.status_code == 201, moved.json
    moved = signed_in(app, team_b["manager"]).post(
        f"/api/children/{child}/reallocation", json={"role": "personal_adviser", "worker_id": team_b["manager"]}
    )
    assert moved.status_code == 201, moved.json


def test_a_century_long_overview_period_is_a_422_naming_the_date(app: Flask) -> None:
    """The period's dates are bounded by the stored range (2001 to 2044 with the default calendar),
    so the widest overview replays 44 years at most; a century is refused before any work."""
    world = team(app)
    api = signed_in(app, world["manager"])
    for suffix in ("overview", "overview.csv"):
        response = api.get(f"/api/teams/{world['team']}/{suffix}?from=1950-01-01&to=2049-12-31")
        assert response.status_code == 422 and set(response.json["errors"]) <= {"from", "to"}, response.json
        response = api.get(f"/api/teams/{world['team']}/{suffix}?as_of=2049-12-31")
        assert response.status_code == 422 and list(response.json["errors"]) == ["as_of"], response.json
        response = api.get(f"/api/teams/{world['team']}/{suffix}?from=2044-12-31&to=2001-01-01")
        assert response.status_code == 422 and list(response.json["errors"]) == ["from"], response.json


def test_one_ssd_family_with_a_control_character_refuses_the_whole_import_naming_file_line_and_column(
    app: Flask, tmp_path: Path
) -> None:
    extract = Path(shutil.copytree(SSD_EXTRACT, tmp_path / "extract"))
    family = extract / "ssd_family.csv"
    family.write_text(family.read_text().replace("F2,FAM01,P1002", "F2,FAM\x0701,P1002"))
    add_worker(app, email="sw1@example.org")
    add_worker(app, "personal_adviser", email="pa1@example.org")
    result = app.test_cli_runner().invoke(args=["import-ssd", str(extract)])
    assert result.exit_code != 0, result.output
    assert "ssd_family.csv" in result.output and "fami_family_id" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Child)) == 0
