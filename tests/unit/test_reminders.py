"""Reminder slots: which message a worker is owed at an instant, at the edges of days, clocks and holidays."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.errors import CoreError
from backend.core.reminders import (
    InvalidPreferences,
    ReminderPreferences,
    dedupe_key,
    open_slot,
    reminder_due_at,
    slot_start,
)
from backend.push.links import notification_payload
from tests.support.reminder_builders import london, make_item, utc

DEFAULTS = ReminderPreferences()
JS_CP_TUESDAY = make_item(child_id="js", initials="JS", plan_type="child_protection", due="2026-12-01")
AB_CIN_THURSDAY = make_item(child_id="ab", initials="AB", plan_type="child_in_need", due="2026-12-03")
KL_CARED_FOR_MONDAY = make_item(child_id="kl", initials="KL", plan_type="cared_for", due="2026-11-30")


def owed(calendar: WorkingCalendar, items: list, now_text: str, preferences: ReminderPreferences = DEFAULTS):
    return reminder_due_at("worker-1", items, preferences, calendar, london(now_text))


def test_visits_due_on_the_day_and_in_two_working_days_share_one_message(england_calendar: WorkingCalendar) -> None:
    reminder = owed(england_calendar, [AB_CIN_THURSDAY, JS_CP_TUESDAY], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["body"] == "2 visits due by Thu 3 Dec: JS (CP) Tue, AB (CIN) Thu"
    assert reminder.payload()["title"] == "2 visits due soon"
    assert reminder.urgency == "normal"


def test_an_overdue_visit_is_named_with_the_day_it_fell_due(england_calendar: WorkingCalendar) -> None:
    reminder = owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 09:30")
    assert reminder is not None
    assert reminder.payload()["body"] == "Overdue: KL (cared for) since Mon"
    assert reminder.payload()["title"] == "1 visit overdue"
    assert reminder.urgency == "high"


def test_overdue_and_upcoming_visits_go_in_one_message_overdue_first(england_calendar: WorkingCalendar) -> None:
    reminder = owed(england_calendar, [JS_CP_TUESDAY, KL_CARED_FOR_MONDAY], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["body"].split("\n") == [
        "Overdue: KL (cared for) since Mon",
        "1 visit due by Tue 1 Dec: JS (CP) Tue",
    ]
    assert reminder.payload()["title"] == "1 visit overdue, 1 due soon"


def test_an_overdue_visit_is_reminded_every_working_day_until_it_is_made(england_calendar: WorkingCalendar) -> None:
    days = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07"]
    assert all(owed(england_calendar, [KL_CARED_FOR_MONDAY], f"{day} 08:00") is not None for day in days)


def test_a_visit_due_later_is_not_reminded_between_its_lead_day_and_its_plan_by_day(
    england_calendar: WorkingCalendar,
) -> None:
    assert owed(england_calendar, [AB_CIN_THURSDAY], "2026-12-01 08:00") is not None  # two working days before
    assert owed(england_calendar, [AB_CIN_THURSDAY], "2026-12-02 08:00") is None
    assert owed(england_calendar, [AB_CIN_THURSDAY], "2026-12-03 08:00") is not None  # the plan_by day
    assert owed(england_calendar, [AB_CIN_THURSDAY], "2026-11-30 08:00") is None


def test_the_lead_day_counts_working_days_back_over_christmas_and_the_boxing_day_substitute(
    england_calendar: WorkingCalendar,
) -> None:
    # plan_by Tue 29 Dec 2026: Mon 28 (Boxing Day observed), the weekend and Fri 25 are skipped.
    item = make_item(due="2026-12-29")
    assert owed(england_calendar, [item], "2026-12-23 08:00") is not None
    assert owed(england_calendar, [item], "2026-12-24 08:00") is None


def test_a_weekend_due_date_is_planned_for_the_friday_before(england_calendar: WorkingCalendar) -> None:
    item = make_item(due="2026-12-06", plan_by="2026-12-04")  # due Sunday
    reminder = owed(england_calendar, [item], "2026-12-04 08:00")
    assert reminder is not None
    assert reminder.payload()["body"] == "1 visit due by Fri 4 Dec: AB (CIN) Fri"


def test_no_reminder_before_the_slot_time_and_none_once_the_slot_has_lapsed(england_calendar: WorkingCalendar) -> None:
    no_quiet = ReminderPreferences(quiet_start=None, quiet_end=None)
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 07:59:59", no_quiet) is None
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 19:59:59", no_quiet) is not None
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 20:00", no_quiet) is None


def test_quiet_hours_hold_back_a_late_catch_up(england_calendar: WorkingCalendar) -> None:
    evenings_off = ReminderPreferences(quiet_start=time(18, 0), quiet_end=time(7, 0))
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 17:59", evenings_off) is not None
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 18:00", evenings_off) is None


def test_a_slot_time_inside_quiet_hours_waits_for_them_to_end(england_calendar: WorkingCalendar) -> None:
    early = ReminderPreferences(slot_time=time(6, 0), quiet_start=time(21, 0), quiet_end=time(7, 30))
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 07:29", early) is None
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 07:30", early) is not None


def test_quiet_hours_may_sit_inside_one_day(england_calendar: WorkingCalendar) -> None:
    lunch = ReminderPreferences(quiet_start=time(12, 0), quiet_end=time(13, 0))
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 12:30", lunch) is None
    assert owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 13:00", lunch) is not None


def test_a_late_slot_time_is_still_open_after_midnight(england_calendar: WorkingCalendar) -> None:
    night_shift = ReminderPreferences(slot_time=time(22, 0), quiet_start=None, quiet_end=None)
    reminder = owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-02 01:00", night_shift)
    assert reminder is not None
    assert reminder.slot_day == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("slot_day", "utc_start"),
    [
        ("2026-03-27", "2026-03-27 08:00"),  # Friday before the spring change: GMT
        ("2026-03-30", "2026-03-30 07:00"),  # Monday after: BST
        ("2026-10-23", "2026-10-23 07:00"),  # Friday before the autumn change: BST
        ("2026-10-26", "2026-10-26 08:00"),  # Monday after: GMT
    ],
)
def test_the_slot_is_at_eight_london_time_on_both_sides_of_a_clock_change(
    england_calendar: WorkingCalendar, slot_day: str, utc_start: str
) -> None:
    assert slot_start(date.fromisoformat(slot_day), time(8, 0)) == utc(utc_start)
    item = make_item(due="2026-01-05")  # overdue all year
    assert reminder_due_at("w", [item], DEFAULTS, england_calendar, utc(utc_start)) is not None
    assert reminder_due_at("w", [item], DEFAULTS, england_calendar, utc(utc_start) - timedelta(seconds=1)) is None


def test_a_slot_time_skipped_by_the_spring_clock_change_falls_an_hour_later() -> None:
    assert slot_start(date(2026, 3, 29), time(1, 30)) == utc("2026-03-29 01:30")  # 02:30 BST


def test_weekends_and_bank_holidays_are_quiet_unless_the_worker_unmutes_them(england_calendar: WorkingCalendar) -> None:
    weekend_worker = ReminderPreferences(mute_weekends=False)
    for day in ("2026-12-05", "2026-12-06", "2026-12-25", "2026-12-28"):
        assert owed(england_calendar, [KL_CARED_FOR_MONDAY], f"{day} 08:00") is None
        assert owed(england_calendar, [KL_CARED_FOR_MONDAY], f"{day} 08:00", weekend_worker) is not None


def test_a_lead_time_of_zero_reminds_only_on_the_plan_by_day(england_calendar: WorkingCalendar) -> None:
    same_day = ReminderPreferences(lead_working_days=0)
    assert owed(england_calendar, [AB_CIN_THURSDAY], "2026-12-01 08:00", same_day) is None
    assert owed(england_calendar, [AB_CIN_THURSDAY], "2026-12-03 08:00", same_day) is not None


def test_a_longer_lead_time_names_the_date_as_well_as_the_weekday(england_calendar: WorkingCalendar) -> None:
    week_ahead = ReminderPreferences(lead_working_days=7)
    item = make_item(due="2026-12-10")  # 7 working days before Thu 10 Dec is Tue 1 Dec
    reminder = owed(england_calendar, [item], "2026-12-01 08:00", week_ahead)
    assert reminder is not None
    assert reminder.payload()["body"] == "1 visit due by Thu 10 Dec: AB (CIN) Thu 10 Dec"


def test_nothing_due_means_no_message(england_calendar: WorkingCalendar) -> None:
    assert owed(england_calendar, [], "2026-12-01 08:00") is None
    assert owed(england_calendar, [make_item(due="2027-01-20")], "2026-12-01 08:00") is None


def test_one_child_opens_that_child_and_several_open_the_visit_list(england_calendar: WorkingCalendar) -> None:
    one = owed(england_calendar, [JS_CP_TUESDAY], "2026-12-01 08:00")
    several = owed(england_calendar, [JS_CP_TUESDAY, AB_CIN_THURSDAY], "2026-12-01 08:00")
    assert one is not None and several is not None
    assert notification_payload(one)["url"] == "/#/children/js"
    assert notification_payload(several)["url"] == "/#/visits"
    assert "url" not in one.payload()  # the core says what, the push adapter says where
    assert one.payload()["tag"] == one.payload()["topic"] == "visit-reminders"


def test_a_child_without_initials_is_named_by_case_reference(england_calendar: WorkingCalendar) -> None:
    item = make_item(initials=" ", reference="C-2002", due="2026-11-30")
    reminder = owed(england_calendar, [item], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["body"] == "Overdue: C-2002 (CIN) since Mon"


def test_a_long_caseload_is_summarised_after_six_names(england_calendar: WorkingCalendar) -> None:
    items = [make_item(child_id=f"c{n}", initials=f"X{chr(65 + n)}", due="2026-11-30") for n in range(9)]
    reminder = owed(england_calendar, items, "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["body"].endswith("XE (CIN) since Mon and 4 more")
    assert reminder.payload()["title"] == "9 visits overdue"


def test_the_dedupe_key_depends_on_worker_day_and_the_set_of_visits_only() -> None:
    day = date(2026, 12, 1)
    key = dedupe_key("w1", day, [JS_CP_TUESDAY, AB_CIN_THURSDAY])
    assert key == dedupe_key("w1", day, [AB_CIN_THURSDAY, JS_CP_TUESDAY])
    assert key != dedupe_key("w2", day, [JS_CP_TUESDAY, AB_CIN_THURSDAY])
    assert key != dedupe_key("w1", date(2026, 12, 2), [JS_CP_TUESDAY, AB_CIN_THURSDAY])
    assert key != dedupe_key("w1", day, [JS_CP_TUESDAY])
    assert key != dedupe_key("w1", day, [JS_CP_TUESDAY, make_item(child_id="ab", due="2026-12-04")])


def test_changing_the_slot_time_does_not_make_the_same_day_a_new_reminder(england_calendar: WorkingCalendar) -> None:
    at_eight = owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 08:00")
    at_nine = owed(
        england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 09:00", ReminderPreferences(slot_time=time(9, 0))
    )
    assert at_eight is not None and at_nine is not None
    assert at_eight.key == at_nine.key


def test_the_time_to_live_runs_to_the_end_of_the_slot(england_calendar: WorkingCalendar) -> None:
    reminder = owed(england_calendar, [KL_CARED_FOR_MONDAY], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.ttl_seconds(london("2026-12-01 08:00")) == 12 * 3600
    assert reminder.ttl_seconds(london("2026-12-01 14:00")) == 6 * 3600
    assert reminder.ttl_seconds(london("2026-12-01 19:59:30")) == 60


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"lead_working_days": -1}, "lead_working_days"),
        ({"lead_working_days": 11}, "lead_working_days"),
        ({"lead_working_days": True}, "lead_working_days"),
        ({"quiet_start": None}, "quiet_start"),
        ({"quiet_end": None}, "quiet_end"),
        ({"quiet_start": time(7, 0), "quiet_end": time(7, 0)}, "quiet_end"),
    ],
)
def test_out_of_range_preferences_name_the_field(settings: dict, field: str) -> None:
    with pytest.raises(InvalidPreferences) as problem:
        ReminderPreferences(**settings)
    assert problem.value.field == field


def test_a_naive_instant_is_refused(england_calendar: WorkingCalendar) -> None:
    with pytest.raises(CoreError):
        reminder_due_at(
            "w", [KL_CARED_FOR_MONDAY], DEFAULTS, england_calendar, london("2026-12-01 08:00").replace(tzinfo=None)
        )


def test_importing_the_reminder_core_loads_no_adapter_library() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, backend.core.reminders\n"
        "print(','.join(name for name in ['flask', 'sqlalchemy', 'webpush', 'requests'] if name in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == ""
    )


def test_a_worker_has_an_open_slot_only_on_reminder_days_inside_the_window(england_calendar: WorkingCalendar) -> None:
    assert open_slot(DEFAULTS, england_calendar, london("2026-12-01 08:05")) == (
        date(2026, 12, 1),
        london("2026-12-01 08:00"),
    )
    assert open_slot(DEFAULTS, england_calendar, london("2026-12-01 07:59")) is None
    assert open_slot(DEFAULTS, england_calendar, london("2026-12-01 21:00")) is None
    assert open_slot(DEFAULTS, england_calendar, london("2026-12-05 08:05")) is None  # Saturday


CORE_GROUP_WEDNESDAY = make_item(
    child_id="cg",
    initials="CG",
    plan_type="",
    role="deadline:england.deadline.core_group",
    due="2026-12-02",
    deadline_kind="core_group",
)
WRITE_UP_LAST_THURSDAY = make_item(
    child_id="wu",
    initials="WU",
    plan_type="",
    role="deadline:sefton.deadline.visit_write_up",
    due="2026-11-26",
    deadline_kind="visit_write_up",
)


def test_a_deadline_due_in_the_lead_days_is_named_by_kind_in_the_message(england_calendar: WorkingCalendar) -> None:
    reminder = owed(england_calendar, [CORE_GROUP_WEDNESDAY], "2026-11-30 08:00")
    assert reminder is not None
    assert reminder.payload()["title"] == "1 deadline due soon"
    assert reminder.payload()["body"] == "1 deadline due by Wed 2 Dec: CG (core group meeting) Wed"


def test_an_overdue_deadline_joins_the_visits_in_one_message(england_calendar: WorkingCalendar) -> None:
    reminder = owed(england_calendar, [WRITE_UP_LAST_THURSDAY, AB_CIN_THURSDAY], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["title"] == "1 deadline overdue, 1 due soon"
    assert (
        reminder.payload()["body"] == "Overdue: WU (visit write-up) since Thu\n1 visit due by Thu 3 Dec: AB (CIN) Thu"
    )
    assert reminder.urgency == "high"
    assert "wu/deadline:sefton.deadline.visit_write_up/2026-11-26" in reminder.visit_identities


def test_visits_and_deadlines_due_soon_are_counted_together(england_calendar: WorkingCalendar) -> None:
    core_group_thursday = make_item(role="deadline:x", plan_type="", due="2026-12-03", deadline_kind="core_group")
    reminder = owed(england_calendar, [core_group_thursday, AB_CIN_THURSDAY], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["title"] == "2 visits and deadlines due soon"


def test_a_deadline_weeks_away_is_in_no_reminder(england_calendar: WorkingCalendar) -> None:
    later = make_item(role="deadline:x", plan_type="", due="2026-12-18", deadline_kind="cared_for_review")
    assert owed(england_calendar, [later], "2026-12-01 08:00") is None


def test_a_covered_colleagues_visit_is_named_as_cover_by_their_initials(england_calendar: WorkingCalendar) -> None:
    covered = make_item(child_id="ab", initials="AB", due="2026-11-30", covering_for="SP")
    reminder = owed(england_calendar, [KL_CARED_FOR_MONDAY, covered], "2026-12-01 08:00")
    assert reminder is not None
    assert reminder.payload()["body"] == "Overdue: AB (CIN, cover for SP) since Mon, KL (cared for) since Mon"


def test_a_reminder_less_what_its_slot_already_told_keeps_only_the_rest_under_a_new_key(
    england_calendar: WorkingCalendar,
) -> None:
    reminder = owed(england_calendar, [JS_CP_TUESDAY, KL_CARED_FOR_MONDAY], "2026-12-01 08:00")
    assert reminder is not None
    told_kl = {"kl/social_worker/2026-11-30"}
    rest = reminder.without(told_kl)
    assert rest is not None and rest.overdue == () and rest.upcoming == (JS_CP_TUESDAY,)
    assert rest.key != reminder.key and rest.key == reminder.without(told_kl).key
    assert reminder.without(set()) is reminder
    assert reminder.without(reminder.visit_identities) is None
