"""``flask --app wsgi due FILE --today --profile``: the issue's contract, through Flask's CliRunner.

stdout and stderr are checked separately (Click 8.2+ always captures them apart):
an answer goes to stdout, a problem to stderr with a non-zero exit and nothing on stdout.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner

from tests.builders import make_case_json

CP_BEFORE_CHRISTMAS = make_case_json(
    reference="C-1001",
    episodes=[{"type": "child_protection", "start": "2026-10-01", "end": None}],
    visits=[{"date": "2026-12-18", "role": "social_worker", "child_seen": True}],
)


def write_json(tmp_path: Path, document: Any, name: str = "cases.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run_due(runner: FlaskCliRunner, path: Path, *options: str) -> Result:
    return runner.invoke(args=["due", str(path), *options])


def test_one_case_prints_one_object(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = run_due(runner, write_json(tmp_path, CP_BEFORE_CHRISTMAS), "--today", "2026-12-20", "--profile", "england")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    output = json.loads(result.stdout)
    assert output == {
        "reference": "C-1001",
        "obligations": [
            {
                "role": "social_worker",
                "due": "2027-01-06",
                "plan_by": "2027-01-06",
                "status": "ok",
                "last_visit": "2026-12-18",
                "rule": "england.child_protection",
                "explanation": output["obligations"][0]["explanation"],
                "duty": "visit",
                "due_at": None,
            }
        ],
        "unscheduled": [],
        "practice_checks": [],  # one visit: too few to have missed one on alternate occasions
        "deadlines": [],
    }
    assert output["obligations"][0]["explanation"].startswith(
        "Child protection plan: every 10 working days since the visit on 18 Dec 2026; "
        "25 Dec, 28 Dec and 1 Jan are bank holidays, so due Wed 6 Jan 2027"
    )


def test_an_array_of_cases_prints_an_array_in_the_same_order(runner: FlaskCliRunner, tmp_path: Path) -> None:
    cases = [
        make_case_json(reference="C-3", episodes=[{"type": "child_in_need", "start": "2026-11-02"}]),
        make_case_json(reference="C-1", episodes=[{"type": "child_protection", "start": "2026-11-02"}]),
        make_case_json(reference="C-2", episodes=[]),
    ]
    result = run_due(runner, write_json(tmp_path, cases), "--today", "2026-11-03")
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert [item["reference"] for item in output] == ["C-3", "C-1", "C-2"]
    assert [[obligation["due"] for obligation in item["obligations"]] for item in output] == [
        ["2026-11-30"],
        ["2026-11-16"],
        [],
    ]


def test_an_array_of_one_case_is_still_an_array(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = run_due(runner, write_json(tmp_path, [CP_BEFORE_CHRISTMAS]), "--today", "2026-12-20")
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_obligations_are_sorted_by_due_then_role(runner: FlaskCliRunner, tmp_path: Path) -> None:
    case = make_case_json(
        episodes=[
            {"type": "care_leaver", "start": "2026-01-01"},
            {"type": "child_protection", "start": "2026-09-01"},
        ],
        visits=[
            {"date": "2026-11-13", "role": "social_worker"},
            {"date": "2026-10-02", "role": "personal_adviser"},
        ],
    )
    result = run_due(runner, write_json(tmp_path, case), "--today", "2026-11-16")
    same_day = [(item["due"], item["role"]) for item in json.loads(result.stdout)["obligations"]]
    assert same_day == [("2026-11-27", "personal_adviser"), ("2026-11-27", "social_worker")]

    case["visits"][0]["date"] = "2026-11-06"  # the social worker is now due first, on 20 Nov
    result = run_due(runner, write_json(tmp_path, case), "--today", "2026-11-16")
    earlier_first = [(item["due"], item["role"]) for item in json.loads(result.stdout)["obligations"]]
    assert earlier_first == [("2026-11-20", "social_worker"), ("2026-11-27", "personal_adviser")]


def test_profile_defaults_to_england(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = run_due(runner, write_json(tmp_path, CP_BEFORE_CHRISTMAS), "--today", "2026-12-20")
    assert json.loads(result.stdout)["obligations"][0]["rule"] == "england.child_protection"


def test_today_defaults_to_the_date_in_london(
    runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backend.cli.due.today_in_london", lambda: date(2027, 1, 7))
    result = run_due(runner, write_json(tmp_path, CP_BEFORE_CHRISTMAS))
    assert json.loads(result.stdout)["obligations"][0]["status"] == "overdue"
    monkeypatch.setattr("backend.cli.due.today_in_london", lambda: date(2027, 1, 6))
    result = run_due(runner, write_json(tmp_path, CP_BEFORE_CHRISTMAS))
    assert json.loads(result.stdout)["obligations"][0]["status"] == "due_today"


def case_with(**overrides: Any) -> dict[str, Any]:
    return make_case_json(reference="C-2002", **overrides)


@pytest.mark.parametrize(
    ("document", "named"),
    [
        (case_with(episodes=[{"type": "cin", "start": "2026-10-01"}]), ["C-2002", "episodes[0].type", "'cin'"]),
        (
            case_with(episodes=[{"type": "child_in_need", "start": "2026-10-01", "end": "2026-09-30"}]),
            ["C-2002", "episodes[0].end", "before it starts"],
        ),
        (case_with(episodes=[{"type": "child_in_need", "start": "01/10/2026"}]), ["C-2002", "episodes[0].start"]),
        (case_with(episodes=[{"type": "child_in_need", "start": "20261001"}]), ["C-2002", "episodes[0].start"]),
        (
            case_with(visits=[{"date": "2026-10-05", "role": "social_worker"}, {"date": "2026-02-30"}]),
            ["C-2002", "visits[1].date", "not a real date"],
        ),
        (case_with(visits=[{"date": "2026-10-05", "role": "nurse"}]), ["C-2002", "visits[0].role"]),
        (
            case_with(visits=[{"date": "2026-10-05", "role": "social_worker", "child_seen": "no"}]),
            ["visits[0].child_seen"],
        ),
        (case_with(events=[{"type": "party", "date": "2026-10-05"}]), ["C-2002", "events[0].type"]),
        (case_with(date_of_birth="2 March 2015"), ["C-2002", "date_of_birth"]),
        (
            case_with(episodes=[{"type": "cared_for", "start": "2026-10-01", "placement": "hotel"}]),
            ["C-2002", "episodes[0].placement"],
        ),
        (make_case_json(reference=""), ["reference"]),
        # A visit dated outside the calendar's years: the case is named, nothing is guessed.
        (
            case_with(episodes=[{"type": "child_protection", "start": "1990-01-01"}]),
            ["C-2002", "outside the working-day"],
        ),
    ],
)
def test_a_bad_case_exits_non_zero_naming_case_and_field_and_prints_nothing(
    runner: FlaskCliRunner, tmp_path: Path, document: dict[str, Any], named: list[str]
) -> None:
    result = run_due(runner, write_json(tmp_path, document), "--today", "2026-11-23")
    assert result.exit_code != 0
    assert result.stdout == ""
    for text in named:
        assert text in result.stderr


def test_one_bad_case_in_an_array_prints_nothing_at_all(runner: FlaskCliRunner, tmp_path: Path) -> None:
    cases = [CP_BEFORE_CHRISTMAS, case_with(episodes=[{"type": "cin", "start": "2026-10-01"}]), CP_BEFORE_CHRISTMAS]
    result = run_due(runner, write_json(tmp_path, cases), "--today", "2026-12-20")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "case [1]" in result.stderr
    assert "C-2002" in result.stderr
    assert "episodes[0].type" in result.stderr


def test_a_case_without_a_reference_in_an_array_is_named_by_position(runner: FlaskCliRunner, tmp_path: Path) -> None:
    cases = [CP_BEFORE_CHRISTMAS, {"episodes": []}]
    result = run_due(runner, write_json(tmp_path, cases), "--today", "2026-12-20")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "case [1]" in result.stderr and "'reference'" in result.stderr


@pytest.mark.parametrize("today", ["23/11/2026", "2026-11-31", "20261123", "2026-W48-1", "tomorrow", "1999-12-31"])
def test_a_today_that_is_not_an_iso_date_is_refused(runner: FlaskCliRunner, tmp_path: Path, today: str) -> None:
    result = run_due(runner, write_json(tmp_path, CP_BEFORE_CHRISTMAS), "--today", today)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "--today" in result.stderr


def test_an_unknown_profile_is_refused_naming_the_option(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = run_due(runner, write_json(tmp_path, CP_BEFORE_CHRISTMAS), "--today", "2026-12-20", "--profile", "narnia")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "--profile" in result.stderr
    assert "'narnia'" in result.stderr
    assert "england" in result.stderr  # the known profiles are listed


@pytest.mark.parametrize(
    "content", [b'{"reference": "C-1",', b"", b"[1, 2,]", b"\xff\xfe not text", b"NaN-ish {"], ids=repr
)
def test_a_file_that_is_not_json_is_refused_naming_the_file(
    runner: FlaskCliRunner, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    result = run_due(runner, path, "--today", "2026-12-20")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "broken.json" in result.stderr


def test_a_missing_file_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = run_due(runner, tmp_path / "absent.json", "--today", "2026-12-20")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "absent.json" in result.stderr


def test_the_command_runs_through_the_wsgi_module(tmp_path: Path) -> None:
    """The exact command of the issue, in a subprocess: ``flask --app wsgi due ...``."""
    import subprocess
    import sys

    path = write_json(tmp_path, [CP_BEFORE_CHRISTMAS])
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "due",
            str(path),
            "--today",
            "2026-12-20",
            "--profile",
            "england",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["obligations"][0]["due"] == "2027-01-06"


@pytest.mark.parametrize(
    ("profile", "episode", "reason_part"),
    [
        ("england", {"type": "section_47", "start": "2026-11-02"}, "Working Together 2023 sets no national timescale"),
        ("sefton", {"type": "early_help", "start": "2026-11-02"}, "sets no visiting frequency for early help"),
        ("haringey", {"type": "short_breaks", "start": "2026-11-02"}, "no placement recorded"),
    ],
)
def test_a_child_no_rule_covers_is_listed_as_unscheduled_never_dropped(
    runner: FlaskCliRunner, tmp_path: Path, profile: str, episode: dict[str, str], reason_part: str
) -> None:
    case = make_case_json(reference="U-1", episodes=[episode])
    result = run_due(runner, write_json(tmp_path, case), "--today", "2026-12-01", "--profile", profile)
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["obligations"] == []
    [entry] = output["unscheduled"]
    assert entry["plan_type"] == episode["type"]
    assert entry["reason"].startswith("no visiting rule: check this child. ")
    assert reason_part in entry["reason"]


@pytest.mark.parametrize(
    ("profile", "episode", "rule"),
    [
        ("haringey", {"type": "private_fostering", "start": "2026-11-02"}, "england.private_fostering"),
        ("haringey", {"type": "assessment", "start": "2026-11-02"}, "haringey.assessment"),
        ("england", {"type": "short_breaks", "start": "2026-11-02", "placement": "regulation_48"}, None),
        ("haringey", {"type": "short_breaks", "start": "2026-11-02", "placement": "regulation_48"}, None),
        ("sefton", {"type": "youth_justice_custody", "start": "2026-11-02"}, "sefton.youth_justice_custody"),
        ("england", {"type": "youth_justice_custody", "start": "2026-11-02"}, "england.youth_justice_custody"),
        ("haringey", {"type": "youth_justice_custody", "start": "2026-11-02"}, "england.youth_justice_custody"),
    ],
)
def test_the_plans_that_gave_nothing_now_have_a_due_date(
    runner: FlaskCliRunner, tmp_path: Path, profile: str, episode: dict[str, str], rule: str | None
) -> None:
    case = make_case_json(reference="G-1", episodes=[episode])
    result = run_due(runner, write_json(tmp_path, case), "--today", "2026-11-03", "--profile", profile)
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["unscheduled"] == []
    [obligation] = output["obligations"]
    assert obligation["rule"] == (rule or "england.short_breaks.regulation_48")


def due_json(runner: FlaskCliRunner, tmp_path: Path, case: dict[str, Any], today: str, profile: str = "england") -> Any:
    result = run_due(runner, write_json(tmp_path, case), "--today", today, "--profile", profile)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_visit_is_due_within_a_week_of_a_care_order_for_a_child_at_home(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Reg 28(5): within one week of the making of the care order, the child living with a parent."""
    case = make_case_json(
        episodes=[
            {
                "type": "cared_for",
                "start": "2026-06-01",
                "placement": "placed_with_parents",
                "legal_status": "care_order",
            }
        ],
        events=[
            {"type": "first_cared_for_review", "date": "2026-06-20"},
            {"type": "care_order_made", "date": "2026-11-02"},
        ],
        visits=[{"date": "2026-10-30", "role": "social_worker"}],
    )
    [obligation] = due_json(runner, tmp_path, case, "2026-11-03")["obligations"]
    assert (obligation["rule"], obligation["due"]) == ("england.cared_for.care_order_at_home", "2026-11-09")


def test_a_remanded_child_is_visited_as_a_looked_after_child(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """Reg 28(2) for a child remanded (LASPO 2012 s104): within a week, then 6-weekly; not only 10 working days."""
    case = make_case_json(episodes=[{"type": "youth_justice_custody", "start": "2026-11-02", "legal_status": "remand"}])
    [obligation] = due_json(runner, tmp_path, case, "2026-11-03")["obligations"]
    assert (obligation["rule"], obligation["due"]) == ("england.youth_justice_custody.remand", "2026-11-09")
    seen = make_case_json(**{**case, "visits": [{"date": "2026-11-05", "role": "social_worker"}]})
    [obligation] = due_json(runner, tmp_path, seen, "2026-11-06")["obligations"]
    assert obligation["due"] == "2026-12-17"


def test_an_override_tightens_the_cadence_and_says_so(runner: FlaskCliRunner, tmp_path: Path) -> None:
    case = make_case_json(
        episodes=[{"type": "child_in_need", "start": "2026-10-01"}],
        visits=[{"date": "2026-11-02", "role": "social_worker"}],
        overrides=[
            {
                "role": "social_worker",
                "every": "5 working days",
                "from": "2026-11-01",
                "until": None,
                "reason": "strategy meeting 1 Nov, agreed by TM",
            }
        ],
    )
    [obligation] = due_json(runner, tmp_path, case, "2026-11-03")["obligations"]
    assert (obligation["rule"], obligation["due"], obligation["duty"]) == ("override", "2026-11-09", "visit")
    assert "only tightens" in obligation["explanation"]
    assert "strategy meeting 1 Nov, agreed by TM" in obligation["explanation"]
    looser = make_case_json(**{**case, "overrides": [{**case["overrides"][0], "every": "3 months"}]})
    [obligation] = due_json(runner, tmp_path, looser, "2026-11-03")["obligations"]
    assert obligation["rule"] == "england.child_in_need"  # a looser override never loosens


def test_a_phone_call_is_not_a_visit(runner: FlaskCliRunner, tmp_path: Path) -> None:
    case = make_case_json(
        episodes=[{"type": "child_protection", "start": "2026-10-01"}],
        visits=[
            {"date": "2026-10-20", "role": "social_worker"},
            {"date": "2026-11-02", "role": "social_worker", "kind": "phone"},
        ],
    )
    [obligation] = due_json(runner, tmp_path, case, "2026-11-03")["obligations"]
    assert obligation["last_visit"] == "2026-10-20"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"episodes": [{"type": "cared_for", "start": "2026-10-01", "legal_status": "s20"}]},
            "episodes[0].legal_status",
        ),
        ({"events": [{"type": "returned_from_missing", "date": "2026-10-01", "time": "25:00"}]}, "events[0].time"),
        ({"events": [{"type": "allocated", "date": "2026-10-01"}]}, "events[0].role"),
        ({"visits": [{"date": "2026-10-01", "role": "social_worker", "kind": "letter"}]}, "visits[0].kind"),
        (
            {"overrides": [{"role": "social_worker", "every": "often", "from": "2026-10-01", "reason": "x"}]},
            "overrides[0].every",
        ),
        ({"overrides": [{"role": "social_worker", "every": "1 week", "from": "2026-10-01"}]}, "overrides[0].reason"),
    ],
)
def test_bad_new_fields_exit_non_zero_naming_the_case_and_field(
    runner: FlaskCliRunner, tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    result = run_due(runner, write_json(tmp_path, make_case_json(reference="B-1", **change)), "--today", "2026-11-03")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "B-1" in result.stderr and field in result.stderr


@pytest.mark.parametrize("profile", ["england", "haringey"])
def test_a_return_interview_is_due_72_hours_after_a_missing_episode(
    runner: FlaskCliRunner, tmp_path: Path, profile: str
) -> None:
    """Statutory guidance on children who go missing: a return interview within 72 hours (Haringey's H:242 sets
    none, so the statutory floor applies); counted in hours across the October clock change."""
    case = make_case_json(
        episodes=[{"type": "child_in_need", "start": "2026-10-01"}],
        events=[{"type": "returned_from_missing", "date": "2026-10-23", "time": "22:15"}],
        visits=[{"date": "2026-10-20", "role": "social_worker"}],
    )
    output = due_json(runner, tmp_path, case, "2026-10-24", profile)
    [interview] = [item for item in output["obligations"] if item["role"] == "return_interview_worker"]
    assert (interview["rule"], interview["due"], interview["due_at"]) == (
        "england.return_interview",
        "2026-10-26",
        "2026-10-26T21:15:00+00:00",
    )


def test_a_private_fostering_notification_recorded_later_starts_its_own_7_working_days(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Private Fostering Regulations 2005 reg 4: within 7 working days of receiving notification."""
    case = make_case_json(
        episodes=[{"type": "private_fostering", "start": "2026-10-01"}],
        events=[{"type": "notification", "date": "2026-12-21"}],
        visits=[{"date": "2026-12-01", "role": "social_worker"}],
    )
    [obligation] = due_json(runner, tmp_path, case, "2026-12-22")["obligations"]
    assert (obligation["rule"], obligation["due"]) == ("england.private_fostering", "2027-01-04")


def test_without_a_profile_it_uses_the_apps_rules_profile_as_the_api_does(database_url: str, tmp_path: Path) -> None:
    # A Sefton deployment (RULES_PROFILE=sefton) gives Sefton's answer, not England's: "the same
    # answer as the API" must hold for every authority, not just the default one.
    from tests.support.database import app_for

    path = write_json(tmp_path, CP_BEFORE_CHRISTMAS)
    answers = {}
    for profile in ("sefton", "england"):
        for app in app_for(database_url, RULES_PROFILE=profile):  # the loop ends by closing its connections
            answers[profile] = json.loads(run_due(app.test_cli_runner(), path, "--today", "2026-12-20").stdout)
            explicit = run_due(app.test_cli_runner(), path, "--today", "2026-12-20", "--profile", profile)
            assert answers[profile] == json.loads(explicit.stdout)
    assert answers["sefton"]["obligations"] != answers["england"]["obligations"]
    assert "sefton" in answers["sefton"]["obligations"][0]["rule"]


def test_a_child_protection_case_file_raises_the_practice_checks_its_visits_cannot_meet(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    case = {**CP_BEFORE_CHRISTMAS, "household": "F-1021"}
    case["visits"] = [{"date": "2026-12-04", "role": "social_worker"}, {"date": "2026-12-18", "role": "social_worker"}]
    result = run_due(runner, write_json(tmp_path, case), "--today", "2026-12-20", "--profile", "england")
    assert result.exit_code == 0, result.stderr
    checks = json.loads(result.stdout)["practice_checks"]
    # A case file records neither seen alone nor bedroom seen: neither is met.
    assert [(check["condition"], check["visits"]) for check in checks] == [
        ("seen_alone", ["2026-12-18", "2026-12-04"]),
        ("bedroom_seen", ["2026-12-18", "2026-12-04"]),
    ]
