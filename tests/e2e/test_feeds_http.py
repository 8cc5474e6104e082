"""Calendar feeds over HTTP: links, rotation, revocation, 304s, privacy by default, and fresh data at the next poll."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import select, update

from backend.api import feeds as feeds_api
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import Allocation
from backend.persistence.people import Team, Worker
from backend.persistence.supervision import CoverRow
from tests.icaljs import parse_with_icaljs
from tests.support.carers import add_carer
from tests.support.world import ApiClient, add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

TODAY = date(2026, 11, 23)
FEED_URL = re.compile(r"^http://localhost/feeds/([A-Za-z0-9_-]{43})\.ics$")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds_api, "today_in_london", lambda: TODAY)


def child_protection_case(**overrides: object) -> dict[str, object]:
    """A child last seen 9 Nov 2026 on a child protection plan: due (10 working days) Mon 23 Nov."""
    case: dict[str, object] = {
        "name": "Jo Smith",
        "episodes": [{"type": "child_protection", "start": "2026-09-01", "end": None}],
        "visits": [{"date": "2026-11-09", "role": "social_worker", "child_seen": True}],
    }
    case.update(overrides)
    return case


def feed_path(api: ApiClient, kind: str = "worker") -> str:
    response = api.post("/api/feeds/token", json={"kind": kind})
    assert response.status_code == 201, response.json
    match = FEED_URL.match(response.json["url"])
    assert match, response.json["url"]
    return response.json["url"].removeprefix("http://localhost")


def summaries(body: bytes) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def worker_with_child(app: Flask) -> tuple[str, str, ApiClient]:
    team = add_team(app, "North")
    worker = add_worker(app, "social_worker", team, name="Sam Patel")
    child = add_child(app, allocations=[(worker, "social_worker")], team_id=team, **child_protection_case())
    return worker, child, signed_in(app, worker)


def test_minting_answers_an_https_or_request_scheme_url_and_its_webcal_twin(worker_with_child) -> None:
    _, _, api = worker_with_child
    response = api.post("/api/feeds/token")
    assert response.status_code == 201
    url, webcal = response.json["url"], response.json["webcal_url"]
    assert FEED_URL.match(url) and webcal == "webcal://" + url.removeprefix("http://")
    assert response.json["kind"] == "worker"


def test_the_link_uses_the_configured_public_base_url(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    app.config["PUBLIC_BASE_URL"] = "https://visits.example.gov.uk/"
    response = api.post("/api/feeds/token")
    assert response.json["url"].startswith("https://visits.example.gov.uk/feeds/")
    assert response.json["webcal_url"].startswith("webcal://visits.example.gov.uk/feeds/")


def test_a_feed_answers_calendar_bytes_with_private_caching_and_a_strong_etag(app: Flask, worker_with_child) -> None:
    _, child, api = worker_with_child
    response = app.test_client().get(feed_path(api))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"])
    assert response.headers["Cache-Control"].startswith("private, max-age=")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert summaries(response.data) == ["Visit due: JS (CP)"]
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("DTSTART") == TODAY
    assert str(event["URL"]) == f"http://localhost/children/{child}"


def test_if_none_match_answers_304_without_a_body(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    etag = client.get(path).headers["ETag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}'):
        response = client.get(path, headers={"If-None-Match": header})
        assert response.status_code == 304 and response.data == b""
        assert response.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_rotating_the_link_stops_the_old_one_at_once(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    old, new = feed_path(api), feed_path(api)
    client = app.test_client()
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_the_feed_off_makes_its_link_404(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    assert api.get("/api/feeds/settings").json["active_feeds"] == []
    path = feed_path(api)
    assert api.get("/api/feeds/settings").json["active_feeds"] == ["worker"]
    assert api.delete("/api/feeds/token").status_code == 204
    assert api.get("/api/feeds/settings").json["active_feeds"] == []
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/feeds/" + "A" * 43 + ".ics", "/feeds/short.ics", "/feeds/" + "A" * 44 + ".ics"])
def test_unknown_and_malformed_tokens_answer_404(app: Flask, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


def test_minting_needs_a_session_and_the_csrf_header(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    assert app.test_client().post("/api/feeds/token").status_code == 401
    assert api.client.post("/api/feeds/token").status_code == 403


def test_a_feed_carries_no_names_by_default_and_names_only_when_an_admin_allows(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    body = client.get(path).data.decode()
    assert "Jo Smith" not in body.replace("\r\n ", "") and "Smith" not in body
    assert api.patch("/api/feeds/settings", json={"names_allowed": True}).status_code == 403
    admin = signed_in(app, add_worker(app, "admin"))
    settings = admin.patch("/api/feeds/settings", json={"names_allowed": True})
    assert settings.status_code == 200 and settings.json["names_allowed"] is True
    assert "calendar providers" in settings.json["names_warning"].lower()
    assert summaries(client.get(path).data) == ["Visit due: Jo Smith (CP)"]


def test_an_unchanged_poll_is_served_without_rebuilding(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    cache = app.extensions["rendered_cache"]
    first = client.get(path)
    renders = cache.renders
    for _ in range(3):
        assert client.get(path).data == first.data
    assert cache.renders == renders


def test_a_feed_rebuilt_after_an_unrelated_change_reuses_its_events(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    cache = app.extensions["rendered_cache"]
    renders = cache.renders
    first = client.get(path)
    assert cache.renders == renders + 2  # the event, then the feed around it
    assert api.patch("/api/feeds/settings", json={"show_projected": False}).status_code == 200
    assert client.get(path).data == first.data
    assert cache.renders == renders + 3  # the feed again, around the event kept from the first poll


def test_a_recorded_visit_replaces_the_event_at_the_next_poll(app: Flask, worker_with_child) -> None:
    _, child, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    before = client.get(path)
    recorded = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(child, date="2026-11-20"))
    assert recorded.status_code == 201, recorded.json
    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    old_uids = {str(event["UID"]) for event in Calendar.from_ical(before.data).walk("VEVENT")}
    (event,) = Calendar.from_ical(after.data).walk("VEVENT")
    assert str(event["UID"]) not in old_uids
    assert event.decoded("DTSTART") == date(2026, 12, 4)  # 10 working days after Fri 20 Nov


def test_an_ended_allocation_drops_the_child_at_the_next_poll(app: Flask, worker_with_child) -> None:
    worker, child, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    assert summaries(client.get(path).data) == ["Visit due: JS (CP)"]
    with app.app_context():
        db.session.execute(
            update(Allocation).where(Allocation.child_id == child, Allocation.worker_id == worker).values(ends_on=TODAY)
        )
        db.session.commit()
    assert summaries(client.get(path).data) == []


def test_a_disabled_worker_s_feed_empties_at_the_next_poll(app: Flask, worker_with_child) -> None:
    worker, _, api = worker_with_child
    path = feed_path(api)
    client = app.test_client()
    assert summaries(client.get(path).data) == ["Visit due: JS (CP)"]
    with app.app_context():
        db.session.get(Worker, worker).active = False
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 200 and summaries(response.data) == []
    Calendar.from_ical(response.data).validate()


def test_a_worker_can_add_the_next_two_projected_dates_as_tentative_events(app: Flask, worker_with_child) -> None:
    _, _, api = worker_with_child
    path = feed_path(api)
    assert api.get("/api/feeds/settings").json["show_projected"] is False
    assert api.patch("/api/feeds/settings", json={"show_projected": True}).json["show_projected"] is True
    events = Calendar.from_ical(app.test_client().get(path).data).walk("VEVENT")
    tentative = sorted(event.decoded("DTSTART") for event in events if str(event["STATUS"]) == "TENTATIVE")
    assert tentative == [date(2026, 12, 7), date(2026, 12, 21)]


def test_settings_reject_a_field_that_is_not_a_boolean(worker_with_child) -> None:
    _, _, api = worker_with_child
    response = api.patch("/api/feeds/settings", json={"show_projected": "perhaps"})
    assert response.status_code == 422
    assert "show_projected" in response.json["errors"]


def test_only_a_team_manager_gets_a_team_feed_of_overdue_and_due_today_visits(app: Flask) -> None:
    team = add_team(app, "North")
    manager = add_worker(app, "team_manager", team, name="Morgan Lee")
    sam = add_worker(app, "social_worker", team, name="Sam Patel")
    add_child(app, allocations=[(sam, "social_worker")], team_id=team, **child_protection_case())
    overdue = child_protection_case(name="Amir Khan", visits=[{"date": "2026-10-01", "role": "social_worker"}])
    add_child(app, allocations=[(sam, "social_worker")], team_id=team, **overdue)
    later = child_protection_case(name="Mia Brown", visits=[{"date": "2026-11-20", "role": "social_worker"}])
    add_child(app, allocations=[(sam, "social_worker")], team_id=team, **later)
    assert signed_in(app, sam).post("/api/feeds/token", json={"kind": "team"}).status_code == 403
    body = app.test_client().get(feed_path(signed_in(app, manager), "team")).data
    assert summaries(body) == ["Overdue visit: AK (CP) - Sam Patel", "Visit due: JS (CP) - Sam Patel"]


def test_a_team_feed_follows_a_visit_recorded_by_a_team_member(app: Flask) -> None:
    team = add_team(app, "North")
    manager = add_worker(app, "team_manager", team)
    sam = add_worker(app, "social_worker", team, name="Sam Patel")
    child = add_child(app, allocations=[(sam, "social_worker")], team_id=team, **child_protection_case())
    path = feed_path(signed_in(app, manager), "team")
    client = app.test_client()
    assert summaries(client.get(path).data) == ["Visit due: JS (CP) - Sam Patel"]
    signed_in(app, sam).put(f"/api/visits/{new_visit_id()}", json=visit_body(child, date="2026-11-20"))
    assert summaries(client.get(path).data) == []


def test_a_bad_feed_kind_is_a_422_naming_the_field(worker_with_child) -> None:
    _, _, api = worker_with_child
    response = api.post("/api/feeds/token", json={"kind": "everyone"})
    assert response.status_code == 422 and "kind" in response.json["errors"]


def test_a_team_feed_empties_when_its_holder_stops_being_a_team_manager(app: Flask) -> None:
    team = add_team(app, "North")
    manager = add_worker(app, "team_manager", team)
    sam = add_worker(app, "social_worker", team, name="Sam Patel")
    add_child(app, allocations=[(sam, "social_worker")], team_id=team, **child_protection_case())
    path = feed_path(signed_in(app, manager), "team")
    client = app.test_client()
    assert summaries(client.get(path).data) == ["Visit due: JS (CP) - Sam Patel"]
    with app.app_context():
        db.session.get(Worker, manager).role = "social_worker"
        db.session.commit()
    assert summaries(client.get(path).data) == []


def test_icaljs_reads_the_api_s_obligations_from_the_feed(app: Flask, worker_with_child) -> None:
    worker, _, api = worker_with_child
    team = add_team(app, "South")
    for visits in (
        [{"date": "2026-10-01", "role": "social_worker"}],
        [{"date": "2026-11-18", "role": "social_worker"}],
    ):
        add_child(
            app,
            allocations=[(worker, "social_worker")],
            team_id=team,
            **child_protection_case(name="Amir Khan", visits=visits),
        )
    obligations = api.get(f"/api/caseload?as_of={TODAY.isoformat()}").json["obligations"]
    assert len(obligations) == 3
    events = parse_with_icaljs(app.test_client().get(feed_path(api)).data)["events"]
    read = sorted((event["summary"], event["start"]["date"], event["url"]) for event in events)
    expected = sorted(
        (
            ("Overdue visit: " if item["status"] == "overdue" else "Visit due: ") + f"{item['initials']} (CP)",
            max(item["plan_by"], TODAY.isoformat()),
            f"http://localhost/children/{item['child_id']}",
        )
        for item in obligations
    )
    assert read == expected
    for item in obligations:
        (description,) = [event["description"] for event in events if event["url"].endswith(item["child_id"])]
        assert item["explanation"] in description.split("\n")
        assert f"Case reference: {item['reference']}" in description.split("\n")


def test_feeds_show_no_child_of_another_worker_or_team(app: Flask) -> None:
    north, south = add_team(app, "North"), add_team(app, "South")
    manager = add_worker(app, "team_manager", north)
    sam = add_worker(app, "social_worker", north, name="Sam Patel")
    other = add_worker(app, "social_worker", south, name="Other Worker")
    add_child(app, allocations=[(sam, "social_worker")], team_id=north, **child_protection_case())
    add_child(app, allocations=[(other, "social_worker")], team_id=south, **child_protection_case(name="Amir Khan"))
    client = app.test_client()
    assert summaries(client.get(feed_path(signed_in(app, sam))).data) == ["Visit due: JS (CP)"]
    assert summaries(client.get(feed_path(signed_in(app, manager), "team")).data) == ["Visit due: JS (CP) - Sam Patel"]
    assert summaries(client.get(feed_path(signed_in(app, other))).data) == ["Visit due: AK (CP)"]


def test_a_delivered_feed_is_audited_as_a_listing_read_and_a_304_is_not(app: Flask, worker_with_child) -> None:
    worker, _, api = worker_with_child
    path = feed_path(api)
    poller = app.test_client()
    first = poller.get(path)
    assert first.status_code == 200
    assert poller.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with app.app_context():
        feed_reads = select(AuditEntry).where(AuditEntry.route == "GET /feeds/<token>.ics")
        reads = db.session.execute(feed_reads).scalars().all()
    assert [(entry.worker_id, entry.child_id) for entry in reads] == [(worker, None)]


def test_a_renamed_team_shows_in_its_cached_team_feed_at_the_next_poll(app: Flask) -> None:
    # Feeds are invalidated by the data version like every rendered response: a table no
    # one listed (teams) cannot leave a cached feed stale.
    team = add_team(app, "North")
    path = feed_path(signed_in(app, add_worker(app, "team_manager", team)), "team")
    client = app.test_client()
    assert b"X-WR-CALNAME:Team visits overdue or due today: North" in client.get(path).data
    with app.app_context():
        db.session.get(Team, team).name = "North East"
        db.session.commit()
    assert b"X-WR-CALNAME:Team visits overdue or due today: North East" in client.get(path).data


def test_a_worker_feed_carries_the_childs_deadlines_read_back_by_icaljs(app: Flask) -> None:
    worker = add_worker(app)
    case = child_protection_case(events=[{"type": "initial_child_protection_conference", "date": "2026-11-02"}])
    child = add_child(app, allocations=[(worker, "social_worker")], **case)
    api = signed_in(app, worker)
    body = app.test_client().get(feed_path(api)).data
    # England: the first core group within 10 working days of the conference (Mon 16 Nov, overdue
    # on 20 Nov), the first review conference within 3 months (2 Feb 2027), and the visit.
    assert summaries(body) == [
        "Deadline: JS (Review child protection conference)",
        "Overdue deadline: JS (Core group meeting)",
        "Visit due: JS (CP)",
    ]
    events = parse_with_icaljs(body)["events"]
    review = next(event for event in events if "Review child protection" in event["summary"])
    assert review["start"]["date"] == "2027-02-02"
    assert review["url"].endswith(f"/children/{child}")
    assert "Jo Smith" not in body.decode()


def cover(app: Flask, absent: str, colleague: str, until: date) -> None:
    """``colleague`` acts for ``absent`` from a few days before TODAY to ``until``."""
    with app.app_context():
        db.session.add(
            CoverRow(
                absent_id=absent, covering_id=colleague, starts_on=date(2026, 11, 20), until=until, granted_by=absent
            )
        )
        db.session.commit()


def test_while_cover_runs_the_colleagues_feed_carries_the_absent_workers_children_as_cover_by_initials(
    app: Flask,
) -> None:
    team = add_team(app, "North")
    absent = add_worker(app, "social_worker", team, name="Sunita Patel")
    colleague = add_worker(app, "social_worker", team, name="Cal Colleague")
    conference = [{"type": "initial_child_protection_conference", "date": "2026-11-02"}]
    add_child(app, allocations=[(absent, "social_worker")], team_id=team, **child_protection_case(events=conference))
    add_carer(app, supervising_worker_id=absent, team_id=team, name="Robin Hale", approved=date(2025, 11, 20))
    add_child(app, allocations=[(colleague, "social_worker")], team_id=team, **child_protection_case(name="Amir Khan"))
    signed_in(app, add_worker(app, "admin")).patch("/api/feeds/settings", json={"names_allowed": True})
    own_path, absent_path = feed_path(signed_in(app, colleague)), feed_path(signed_in(app, absent))
    client = app.test_client()
    assert summaries(client.get(own_path).data) == ["Visit due: Amir Khan (CP)"]
    absent_feed = summaries(client.get(absent_path).data)
    cover(app, absent, colleague, until=date(2026, 11, 30))
    body = client.get(own_path).data
    # Names are allowed, yet the covered child and carer are named by initials, as cover for SP.
    assert summaries(body) == [
        "Cover for SP: Deadline: JS (Review child protection conference)",
        "Cover for SP: Overdue deadline: JS (Core group meeting)",
        "Cover for SP: Overdue visit: RH (unannounced carer visit)",
        "Cover for SP: Visit due: JS (CP)",
        "Visit due: Amir Khan (CP)",
    ]
    text = body.decode().replace("\r\n ", "")
    assert all(name not in text for name in ("Jo Smith", "Robin Hale", "Sunita"))
    events = parse_with_icaljs(body)["events"]
    assert len({event["uid"] for event in events}) == 5
    # The absent worker's own feed is unchanged; once the cover has ended, the colleague's is their own again.
    assert summaries(client.get(absent_path).data) == absent_feed
    with app.app_context():
        db.session.execute(update(CoverRow).values(until=date(2026, 11, 22)))
        db.session.commit()
    assert summaries(client.get(own_path).data) == ["Visit due: Amir Khan (CP)"]
