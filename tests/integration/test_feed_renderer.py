"""The feed renderer: RFC 5545 shape, stable bytes, UIDs and sequences, privacy by default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from icalendar import Calendar

from backend.core.calendars import build_calendar
from backend.core.labels import child_label
from backend.core.scheduling import compute_obligations
from backend.feeds.entries import entry_from_obligation
from backend.feeds.render import event_uid, render_feed
from backend.persistence.rules_files import load_profiles
from backend.services.rendered_cache import strong_etag as feed_etag
from tests.builders import make_case
from tests.feed_builders import caseload_entries, make_feed, make_feed_entry, make_timed_event


def lines_of(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")


def events_of(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_same_feed_renders_the_same_bytes_and_etag() -> None:
    first, second = render_feed(make_feed(*caseload_entries())), render_feed(make_feed(*caseload_entries()))
    assert first == second
    assert feed_etag(first) == feed_etag(second)
    assert feed_etag(first).startswith('"') and not feed_etag(first).startswith("W/")


def test_a_changed_feed_gets_a_different_etag() -> None:
    entry = make_feed_entry()
    moved = replace(entry, plan_by=entry.plan_by + timedelta(days=1), due=entry.due + timedelta(days=1))
    assert feed_etag(render_feed(make_feed(entry))) != feed_etag(render_feed(make_feed(moved)))


def test_calendar_carries_the_properties_clients_read() -> None:
    lines = lines_of(render_feed(make_feed(make_feed_entry(), name="Visits due: Sam Patel")))
    for expected in (
        "VERSION:2.0",
        "PRODID:-//Visit scheduler//Calendar feed 1//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:Visits due: Sam Patel",
        "X-WR-CALNAME:Visits due: Sam Patel",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-WR-TIMEZONE:Europe/London",
    ):
        assert expected in lines
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]


def test_every_line_ends_in_crlf_and_fits_75_octets() -> None:
    body = render_feed(make_feed(*caseload_entries(names_allowed=True, projections=2)))
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_a_due_visit_is_an_all_day_private_transparent_event_on_plan_by() -> None:
    entry = make_feed_entry(due=date(2026, 11, 29), plan_by=date(2026, 11, 27))
    (event,) = events_of(render_feed(make_feed(entry)))
    assert event.decoded("DTSTART") == date(2026, 11, 27)
    assert event.decoded("DTEND") == date(2026, 11, 28)
    assert str(event["SUMMARY"]) == "Visit due: JS (CP)"
    assert str(event["CLASS"]) == "PRIVATE" and str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Statutory deadline: Sunday 29 November 2026" in str(event["DESCRIPTION"])
    assert entry.explanation in str(event["DESCRIPTION"])
    assert str(event["URL"]) == entry.url


def test_an_overdue_visit_sits_on_today_titled_overdue() -> None:
    entry = make_feed_entry(due=date(2026, 11, 9), plan_by=date(2026, 11, 9), status="overdue")
    (event,) = events_of(render_feed(make_feed(entry, today=date(2026, 11, 23))))
    assert event.decoded("DTSTART") == date(2026, 11, 23)
    assert str(event["SUMMARY"]) == "Overdue visit: JS (CP)"


def test_a_feed_never_carries_an_alarm() -> None:
    body = render_feed(make_feed(*caseload_entries(projections=2), timed=(make_timed_event(),)))
    assert b"VALARM" not in body


def test_tentative_projected_dates_are_their_own_events() -> None:
    entry = make_feed_entry(projected=(date(2026, 12, 11), date(2026, 12, 29)))
    events = events_of(render_feed(make_feed(entry)))
    tentative = [event for event in events if str(event["STATUS"]) == "TENTATIVE"]
    assert [event.decoded("DTSTART") for event in tentative] == [date(2026, 12, 11), date(2026, 12, 29)]
    assert all(str(event["SUMMARY"]) == "Projected visit: JS (CP)" for event in tentative)
    assert len({str(event["UID"]) for event in events}) == 3


def test_overdue_entries_drop_their_projections() -> None:
    entries = caseload_entries(projections=2)
    overdue = [entry for entry in entries if entry.status == "overdue"]
    assert overdue and all(entry.projected == () for entry in overdue)
    assert all(len(entry.projected) == 2 for entry in entries if entry.status != "overdue")


def test_titles_carry_initials_and_no_full_name_by_default() -> None:
    body = render_feed(make_feed(*caseload_entries())).decode("utf-8")
    for name in ("Jo Smith", "Amir Khan", "Mia Brown", "Súilleabháin", "Smith"):
        assert name not in body
    assert "Visit due: JS (CP)" in body.replace("\r\n ", "")


def test_names_appear_only_when_allowed() -> None:
    body = render_feed(make_feed(*caseload_entries(names_allowed=True))).decode("utf-8").replace("\r\n ", "")
    assert "Visit due: Jo Smith (CP)" in body
    assert "Zoë Ó Súilleabháin (cared for)" in body


def test_child_label_falls_back_to_the_reference_without_initials() -> None:
    assert child_label("C-9", None, "Jo Smith", names_allowed=False) == "C-9"
    assert child_label("C-9", "JS", "Jo Smith", names_allowed=False) == "JS"
    assert child_label("C-9", "JS", "Jo Smith", names_allowed=True) == "Jo Smith"


def test_uid_is_stable_while_the_cycle_lasts_and_new_after_a_visit() -> None:
    profile = load_profiles()["england"]
    calendar = build_calendar("ENG", 2000, 2045)
    before = make_case(episodes=[("child_protection", "2026-09-01")], visits=[("2026-11-09",)])
    after = replace(before, visits=(*before.visits, *make_case(visits=[("2026-11-20",)]).visits))

    def uids(case, today: date) -> set[str]:
        (obligation,) = compute_obligations(case, today, profile, calendar)
        entry = entry_from_obligation(
            child_key="c1",
            label="JS",
            reference="C-1",
            obligation=obligation,
            url="https://x.example/c/1",
            episode_start=date(2026, 9, 1),
        )
        return {str(event["UID"]) for event in events_of(render_feed(make_feed(entry, today=today)))}

    assert uids(before, date(2026, 11, 16)) == uids(before, date(2026, 11, 18))
    assert uids(before, date(2026, 11, 18)) == uids(before, date(2026, 11, 25))  # due, then overdue
    assert uids(after, date(2026, 11, 25)).isdisjoint(uids(before, date(2026, 11, 25)))


def test_uid_depends_on_child_role_cycle_and_scope() -> None:
    base = event_uid("worker", "c1", "social_worker", date(2026, 11, 1), "due")
    assert base == event_uid("worker", "c1", "social_worker", date(2026, 11, 1), "due")
    others = {
        event_uid("team", "c1", "social_worker", date(2026, 11, 1), "due"),
        event_uid("worker", "c2", "social_worker", date(2026, 11, 1), "due"),
        event_uid("worker", "c1", "personal_adviser", date(2026, 11, 1), "due"),
        event_uid("worker", "c1", "social_worker", date(2026, 11, 2), "due"),
    }
    assert base not in others and len(others) == 4
    assert "c1" not in base


def test_sequence_rises_each_day_an_overdue_event_moves_onto_today() -> None:
    entry = make_feed_entry(
        due=date(2026, 11, 9), plan_by=date(2026, 11, 9), status="overdue", cycle_start=date(2026, 10, 26)
    )
    sequences = []
    for today in (date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 16)):
        (event,) = events_of(render_feed(make_feed(entry, today=today)))
        sequences.append(int(event["SEQUENCE"]))
        assert event.decoded("DTSTAMP").date() == today
    assert sequences == sorted(sequences) and len(set(sequences)) == 3


def test_sequence_rises_when_plan_by_moves_later_and_not_when_nothing_moves() -> None:
    entry = make_feed_entry()
    later = replace(entry, due=entry.due + timedelta(days=7), plan_by=entry.plan_by + timedelta(days=7))
    (now_event,) = events_of(render_feed(make_feed(entry)))
    (next_day_event,) = events_of(render_feed(make_feed(entry, today=date(2026, 11, 24))))
    (moved_event,) = events_of(render_feed(make_feed(later)))
    assert int(next_day_event["SEQUENCE"]) == int(now_event["SEQUENCE"])
    assert next_day_event.to_ical() == now_event.to_ical()
    assert int(moved_event["SEQUENCE"]) > int(now_event["SEQUENCE"])
    assert str(moved_event["UID"]) == str(now_event["UID"])


def test_events_are_ordered_by_date_then_uid_whatever_the_input_order() -> None:
    entries = caseload_entries(projections=2)
    assert render_feed(make_feed(*entries)) == render_feed(make_feed(*reversed(entries)))


def test_a_team_feed_names_the_worker_and_uses_its_own_uids() -> None:
    entries = caseload_entries(team=True)
    team_body = render_feed(make_feed(*entries, scope="team"))
    worker_body = render_feed(make_feed(*entries))
    assert "Overdue visit: RT (care leaver) - Lee Ward" in team_body.decode().replace("\r\n ", "")
    team_uids = {str(event["UID"]) for event in events_of(team_body)}
    assert team_uids.isdisjoint(str(event["UID"]) for event in events_of(worker_body))


def test_a_changed_feed_builds_only_its_changed_events_through_the_memo() -> None:
    kept: dict[object, bytes] = {}
    built: list[object] = []

    def memo(key: object, build: Callable[[], bytes]) -> bytes:
        if key not in kept:
            built.append(key)
            kept[key] = build()
        return kept[key]

    entries = caseload_entries()
    timed = (make_timed_event(),)
    first = render_feed(make_feed(*entries, timed=timed), memo)
    assert first == render_feed(make_feed(*entries, timed=timed)) and len(built) == len(entries) + 1
    built.clear()
    moved = replace(entries[0], plan_by=entries[0].plan_by + timedelta(days=1))
    changed = render_feed(make_feed(moved, *entries[1:], timed=timed), memo)
    assert len(built) == 1 and changed == render_feed(make_feed(moved, *entries[1:], timed=timed))
