"""The team overview as one CSV table for supervision and performance meetings: a ``section``
column says what each row is (the period's totals, a plan type, a worker, a month of the trend,
an overdue visit), and the other columns are filled where they apply. The overdue list can also
be had on its own (``?section=overdue``), in its columns only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core.vocabulary import PLAN_TYPES

COLUMNS = (
    "section",
    "from",
    "to",
    "month",
    "worker",
    "reference",
    "initials",
    "plan_type",
    "role",
    "due",
    "days_overdue",
    "last_visit",
    "last_no_access",
    "escalated",
    "overdue",
    "due_today",
    "due_soon",
    "visits_due",
    "in_time",
    "percent_in_time",
    "no_access",
)

# ``?section=overdue``: the columns of an overdue row, in the order of the whole table.
OVERDUE_COLUMNS = COLUMNS[COLUMNS.index("worker") : COLUMNS.index("escalated") + 1]


def percent(due: int, in_time: int) -> float | None:
    return round(100 * in_time / due, 1) if due else None


def overview_rows(overview: dict[str, Any]) -> Iterator[list[object]]:
    period = overview["timeliness"]
    names = {worker["id"]: worker["name"] for worker in overview["workers"]}
    yield row(
        section="total",
        **{"from": period["from"], "to": period["to"]},
        visits_due=period["fell_due"],
        in_time=period["in_time"],
        percent_in_time=period["percent"],
        no_access=sum(item["no_access"] for item in overview["by_plan_type"]),
    )
    for item in overview["by_plan_type"]:
        yield row(
            section="plan_type",
            plan_type=PLAN_TYPES[item["plan_type"]],
            visits_due=item["due"],
            in_time=item["in_time"],
            percent_in_time=percent(item["due"], item["in_time"]),
            no_access=item["no_access"],
        )
    timescale = {item["worker_id"]: item for item in overview["by_worker"]}
    for worker in overview["workers"]:
        counted = timescale[worker["id"]]
        yield row(
            section="worker",
            worker=worker["name"],
            role=worker["role"],
            overdue=worker["overdue"],
            due_today=worker["due_today"],
            due_soon=worker["due_soon"],
            visits_due=counted["due"],
            in_time=counted["in_time"],
            percent_in_time=percent(counted["due"], counted["in_time"]),
            no_access=counted["no_access"],
        )
    for item in overview["trend"]:
        yield row(
            section="month",
            month=item["month"],
            plan_type=PLAN_TYPES[item["plan_type"]],
            visits_due=item["due"],
            in_time=item["in_time"],
            percent_in_time=percent(item["due"], item["in_time"]),
        )
    for item in overview["overdue"]:
        yield row(section="overdue", **overdue_cells(item, names))


def overdue_rows(overview: dict[str, Any]) -> Iterator[list[object]]:
    """The overdue list on its own, in its own columns: the list a supervision meeting works through."""
    names = {worker["id"]: worker["name"] for worker in overview["workers"]}
    for item in overview["overdue"]:
        cells = overdue_cells(item, names)
        yield [cells[column] for column in OVERDUE_COLUMNS]


def overdue_cells(item: dict[str, Any], names: dict[str, str]) -> dict[str, object]:
    return {
        "worker": names.get(item["worker_id"], item["worker_name"]),
        "reference": item["reference"],
        "initials": item["initials"],
        "plan_type": PLAN_TYPES[item["plan_type"]],
        "role": item["role"],
        "due": item["due"],
        "days_overdue": item["days_overdue"],
        "last_visit": item["last_visit"],
        "last_no_access": item["last_no_access"],
        "escalated": item.get("escalated"),
    }


def row(**cells: object) -> list[object]:
    return [cells.get(column) for column in COLUMNS]
