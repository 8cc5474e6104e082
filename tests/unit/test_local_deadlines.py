"""Each local deadline of the sefton and haringey profiles, one row per seed line it encodes (the
row's id names the line: S: Sefton's timescales, H: Haringey's handbook, ../shared/seeds).
Dates worked by hand; England's bank holidays 25 and 28 Dec 2026 and 1 Jan 2027 fall in several.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.cases import parse_case
from backend.core.deadlines import compute_deadlines
from backend.core.hours import HourClock
from backend.core.profiles import Profile
from tests.builders import d

LONDON = HourClock(ZoneInfo("Europe/London"))


def cared_for(start: str = "2026-11-02") -> dict[str, Any]:
    return {"type": "cared_for", "start": start, "placement": "foster_care"}


def plan(plan_type: str, start: str = "2026-09-01") -> dict[str, Any]:
    return {"type": plan_type, "start": start}


def event(kind: str, day: str) -> dict[str, str]:
    return {"type": kind, "date": day}


class Row(NamedTuple):
    line: str
    profile: str
    today: str
    case: dict[str, Any]
    kind: str
    due: str
    rule: str


ROWS = [
    # S:150 visits and contacts written up within 5 working days (22 Dec + 5: 23, 24, 29, 30, 31).
    Row("S:150 visit", "sefton", "2026-12-23", {"visits": [{"date": "2026-12-22", "role": "social_worker"}]},
        "visit_write_up", "2026-12-31", "sefton.deadline.visit_write_up"),
    Row("S:150 contact", "sefton", "2026-12-23",
        {"visits": [{"date": "2026-12-22", "role": "social_worker", "kind": "phone"}]},
        "visit_write_up", "2026-12-31", "sefton.deadline.visit_write_up"),
    # S:165, S:282, S:345 assessment by day 40 (working days from the referral on Mon 2 Nov).
    Row("S:165 S:282 S:345", "sefton", "2026-11-02", {"events": [event("referral", "2026-11-02")]},
        "assessment", "2026-12-30", "sefton.deadline.assessment"),
    # S:163, S:280 assessment planning meeting by day 20.
    Row("S:163 S:280", "sefton", "2026-11-02", {"events": [event("referral", "2026-11-02")]},
        "assessment_planning_meeting", "2026-11-30", "sefton.deadline.assessment_planning_meeting"),
    # S:354, S:585 child in need meeting within 10 days of the assessment.
    Row("S:354 S:585", "sefton", "2026-11-10",
        {"episodes": [plan("child_in_need", "2026-11-10")], "events": [event("assessment_completed", "2026-11-10")]},
        "child_in_need_meeting", "2026-11-20", "sefton.deadline.child_in_need_meeting"),
    # S:368, S:710 initial conference within 15 working days of the strategy meeting.
    Row("S:368 S:710", "sefton", "2026-11-02", {"events": [event("strategy_discussion", "2026-11-02")]},
        "initial_child_protection_conference", "2026-11-23", "sefton.deadline.initial_child_protection_conference"),
    # S:393, S:772 first core group within 10 working days of the conference.
    Row("S:393 S:772", "sefton", "2026-11-02",
        {"episodes": [plan("child_protection", "2026-11-02")],
         "events": [event("initial_child_protection_conference", "2026-11-02")]},
        "core_group", "2026-11-16", "sefton.deadline.core_group"),
    # S:403, S:777 then 4 weekly.
    Row("S:403 S:777", "sefton", "2026-11-13",
        {"episodes": [plan("child_protection", "2026-11-02")],
         "events": [event("initial_child_protection_conference", "2026-11-02"), event("core_group", "2026-11-12")]},
        "core_group", "2026-12-10", "sefton.deadline.core_group"),
    # S:374, S:744 conference report shared 3 working days before the conference (Wed 30 Dec: 29, 24, 23).
    Row("S:374 S:744", "sefton", "2026-12-21", {"events": [event("initial_child_protection_conference", "2026-12-30")]},
        "conference_report_to_family", "2026-12-23", "sefton.deadline.initial_child_protection_conference_report"),
    # S:790 review conference report 5 (working) days before it.
    Row("S:790", "sefton", "2027-02-01", {"events": [event("review_child_protection_conference", "2027-02-15")]},
        "conference_report_to_family", "2027-02-08", "sefton.deadline.review_conference_report"),
    # S:1322 cared-for review report 5 (working) days before the review.
    Row("S:1322", "sefton", "2027-02-01", {"events": [event("cared_for_review", "2027-02-15")]},
        "review_report_to_family", "2027-02-08", "sefton.deadline.cared_for_review_report"),
    # S:1226, S:1228 initial health assessment within 20 days.
    Row("S:1226 S:1228", "sefton", "2026-11-02", {"episodes": [cared_for()]},
        "initial_health_assessment", "2026-11-22", "sefton.deadline.initial_health_assessment"),
    # S:1230, S:1232 reviewed annually over 5 (a six-year-old).
    Row("S:1230 S:1232", "sefton", "2026-11-21",
        {"date_of_birth": "2020-01-01", "episodes": [cared_for()],
         "events": [event("health_assessment", "2026-11-20")]},
        "review_health_assessment", "2027-11-20", "sefton.deadline.review_health_assessment"),
    # S:1335 a PEP meeting each term (the default windows: spring ends on Easter Sunday, 28 Mar 2027).
    Row("S:1335", "sefton", "2026-12-01",
        {"date_of_birth": "2015-03-02", "episodes": [cared_for("2026-09-28")],
         "events": [event("personal_education_plan", "2026-10-01")]},
        "personal_education_plan", "2027-03-28", "sefton.deadline.personal_education_plan"),
    # S:1415, S:1488 part one updated at 16 years 9 months, before the 17th birthday.
    Row("S:1415 S:1488", "sefton", "2026-12-02",
        {"date_of_birth": "2010-03-01", "episodes": [cared_for("2026-01-05")],
         "events": [event("needs_assessment", "2026-05-01")]},
        "needs_assessment", "2027-03-01", "sefton.deadline.needs_assessment_at_17"),
    # S:1411, S:1479 pathway plan reviewed at least every 6 months.
    Row("S:1411 S:1479", "sefton", "2026-12-02",
        {"date_of_birth": "2010-03-01", "episodes": [cared_for("2026-01-05")],
         "events": [event("needs_assessment", "2026-05-01"), event("pathway_plan_review", "2026-10-20")]},
        "pathway_plan_review", "2027-04-20", "sefton.deadline.pathway_plan_review"),
    # H:295 child in need visits written up within 5 working days.
    Row("H:295", "haringey", "2026-12-23",
        {"episodes": [plan("child_in_need")], "visits": [{"date": "2026-12-22", "role": "social_worker"}]},
        "visit_write_up", "2026-12-31", "haringey.deadline.visit_write_up.child_in_need"),
    # H:352-353 looked-after visits written up within 5 working days.
    Row("H:352-353", "haringey", "2026-12-23",
        {"episodes": [cared_for()], "visits": [{"date": "2026-12-22", "role": "social_worker"}]},
        "visit_write_up", "2026-12-31", "haringey.deadline.visit_write_up.cared_for"),
    # H:356 care leavers' visits written up within 5 working days.
    Row("H:356", "haringey", "2026-12-23",
        {"episodes": [plan("care_leaver")], "visits": [{"date": "2026-12-22", "role": "personal_adviser"}]},
        "visit_write_up", "2026-12-31", "haringey.deadline.visit_write_up.care_leaver"),
    # H:284 assessment within 45 working days of the referral.
    Row("H:284", "haringey", "2026-11-02", {"events": [event("referral", "2026-11-02")]},
        "assessment", "2027-01-07", "haringey.deadline.assessment"),
    # H:307 initial conference 15 working days from the strategy discussion.
    Row("H:307", "haringey", "2026-11-02", {"events": [event("strategy_discussion", "2026-11-02")]},
        "initial_child_protection_conference", "2026-11-23", "haringey.deadline.initial_child_protection_conference"),
    # H:313-314, H:343-344 core group 10 working days from the conference, then every 6 weeks.
    Row("H:313-314 H:343-344", "haringey", "2026-11-13",
        {"episodes": [plan("child_protection", "2026-11-02")],
         "events": [event("initial_child_protection_conference", "2026-11-02"), event("core_group", "2026-11-12")]},
        "core_group", "2026-12-24", "haringey.deadline.core_group"),
    # H:341-342 first review conference at 3 months.
    Row("H:341-342", "haringey", "2026-11-03",
        {"episodes": [plan("child_protection", "2026-11-02")],
         "events": [event("initial_child_protection_conference", "2026-11-02")]},
        "review_child_protection_conference", "2027-02-02", "haringey.deadline.review_child_protection_conference"),
    # H:374 first looked-after review within 20 days.
    Row("H:374", "haringey", "2026-11-02", {"episodes": [cared_for()]},
        "cared_for_review", "2026-11-22", "haringey.deadline.cared_for_review"),
    # H:368 health assessments within 20 days.
    Row("H:368", "haringey", "2026-11-02", {"episodes": [cared_for()]},
        "initial_health_assessment", "2026-11-22", "haringey.deadline.initial_health_assessment"),
    # H:365 PEP within 10 working days.
    Row("H:365", "haringey", "2026-11-02", {"episodes": [cared_for()]},
        "personal_education_plan", "2026-11-16", "haringey.deadline.personal_education_plan"),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[row.line for row in ROWS])
def test_each_local_deadline_from_its_seed_line(
    profiles: dict[str, Profile], england_calendar: WorkingCalendar, row: Row
) -> None:
    profile = profiles[row.profile]
    case = parse_case({"reference": "L-1", **row.case})
    found = compute_deadlines(case, d(row.today), profile.deadlines, england_calendar, profile.school_terms, LONDON)
    [deadline] = [deadline for deadline in found if deadline.kind == row.kind]
    assert (deadline.due, deadline.rule) == (d(row.due), row.rule)


def test_h312_a_child_protection_visit_is_written_up_within_72_hours_across_the_clock_change(
    profiles: dict[str, Profile], england_calendar: WorkingCalendar
) -> None:
    """H:312: from the visit's day (no time is recorded); the clocks go back on Sun 25 Oct 2026,
    so 72 elapsed hours from 00:00 BST on Fri 23 Oct end at 23:00 GMT on the Sunday."""
    profile = profiles["haringey"]
    case = parse_case(
        {
            "reference": "L-2",
            "episodes": [plan("child_protection")],
            "visits": [{"date": "2026-10-23", "role": "social_worker"}],
        }
    )
    [deadline] = compute_deadlines(case, d("2026-10-24"), profile.deadlines, england_calendar, (), LONDON)
    assert deadline.rule == "haringey.deadline.visit_write_up.child_protection"
    assert deadline.due_at == datetime(2026, 10, 25, 23, 0, tzinfo=timezone(timedelta(0)))
    assert deadline.as_dict()["due_at"] == "2026-10-25T23:00:00+00:00"
    assert deadline.explanation.startswith(
        "Child protection visit write-up: the visit on 23 Oct 2026 written up within 72 hours, "
        "so due Sun 25 Oct 2026 at 23:00."
    )


def test_s150_a_visit_marked_written_up_has_no_deadline_and_one_not_yet_stays_overdue(
    profiles: dict[str, Profile], england_calendar: WorkingCalendar
) -> None:
    profile = profiles["sefton"]
    visits = [
        {"date": "2026-11-02", "role": "social_worker", "written_up": "2026-11-20"},
        {"date": "2026-11-03", "role": "social_worker", "written_up": None},
    ]
    found = compute_deadlines(
        parse_case({"reference": "L-3", "visits": visits}), d("2026-12-01"), profile.deadlines, england_calendar
    )
    assert [(deadline.kind, deadline.due, deadline.status) for deadline in found] == [
        ("visit_write_up", d("2026-11-10"), "overdue")
    ]
