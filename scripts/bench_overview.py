#!/usr/bin/env python3
"""Benchmark the team overview's first build against the first replay of visits in timescale.

A team of 10 social workers with 25 children each and a year of visits (about every two weeks,
some late, one in ten a no-access attempt: the team of tests/e2e/test_api_overview_speed.py),
on a fresh SQLite file (or --database-url). Measured in the same run, taking turns:

1. visits in timescale for the chosen period and the twelve months of the trend, every child
   of the team (services/timescale.measure): the replay once per child (core/timescale.py)
   against the first replay, every period on its own with full obligations
   (tests/support/timescale_reference.py);
2. GET /api/teams/<id>/overview built afresh (the rendered cache emptied before each request),
   with each of the two.

Each figure is the median of ``--rounds`` runs, in CPU time of this process with the garbage
collector paused (as timeit does); the ratio is the replay's time over the first
replay's in the same run, so a busy shared machine shifts both alike. Both give the same bytes,
checked here on every run (and by tests/e2e/test_api_overview_replay.py).

    .venv/bin/python scripts/bench_overview.py [--database-url URL] [--rounds 9]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.core.cases import Case  # noqa: E402
from backend.core.timescale import ChildTimescale, Period, month_periods  # noqa: E402
from backend.extensions import db, dispose_engines  # noqa: E402
from backend.persistence.children import Child  # noqa: E402
from backend.persistence.repository import load_cases  # noqa: E402
from backend.services.rendered_cache import RenderedCache  # noqa: E402
from backend.services.scheduler import Scheduler  # noqa: E402
from backend.services.timescale import measure  # noqa: E402
from tests.e2e.test_api_overview_speed import AS_OF, PLAN_TYPES, year_of_visits  # noqa: E402
from tests.support.database import config_for  # noqa: E402
from tests.support.timescale_reference import reference_timescale  # noqa: E402
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in  # noqa: E402

WORKERS, CHILDREN_EACH = 10, 25
PERIOD = Period(date(2027, 6, 1), AS_OF)
QUERY = f"as_of={AS_OF.isoformat()}&from={PERIOD.start.isoformat()}&to={PERIOD.end.isoformat()}"


def seed_team(app: Flask) -> tuple[str, str]:
    """(team id, manager id) of the team of tests/e2e/test_api_overview_speed.py."""
    rng = random.Random(18)
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    for _ in range(WORKERS):
        worker = add_worker(app, "social_worker", team)
        for _ in range(CHILDREN_EACH):
            add_child(
                app,
                team_id=team,
                allocations=[(worker, "social_worker")],
                episodes=[{"type": rng.choice(PLAN_TYPES), "start": "2026-08-03", "placement": "foster_care"}],
                visits=year_of_visits(rng),
            )
    return team, manager


def first_replay(self: Scheduler, child_id: str, case: Case, periods: list[Period], as_of: date) -> ChildTimescale:
    return reference_timescale(self.obligations, child_id, case, periods, as_of)


@contextmanager
def replayed_by(timescale: Callable[..., ChildTimescale]) -> Iterator[None]:
    """Scheduler.timescale is ``timescale`` while the block runs."""
    own = Scheduler.timescale
    Scheduler.timescale = timescale  # type: ignore[method-assign]
    try:
        yield
    finally:
        Scheduler.timescale = own  # type: ignore[method-assign]


def timed(run: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of this process (the build is single-threaded), which other processes' load
    on a shared machine distorts far less than the wall clock, and ``run``'s answer. The collector
    is off while it runs, as in timeit: a full collection of the app's objects (about 80 ms here)
    falls on one run or another by chance and would swamp the difference measured."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        answer = run()
        return time.process_time() - started, answer
    finally:
        gc.enable()


def overview_bytes(app: Flask, api: ApiClient, team: str) -> bytes:
    app.extensions["rendered_cache"] = RenderedCache(64 * 1024 * 1024)  # built afresh, as after any write
    response = api.get(f"/api/teams/{team}/overview?{QUERY}")
    assert response.status_code == 200
    return response.get_data()


def compare(label: str, rounds: int, replay: Callable[[], object]) -> None:
    """Median seconds of ``replay`` with the replay once per child and with the first replay, taking turns."""
    timings: dict[str, list[float]] = {"once": [], "first": []}
    for _ in range(rounds):
        once_time, once_answer = timed(replay)
        with replayed_by(first_replay):
            first_time, first_answer = timed(replay)
        assert once_answer == first_answer, f"{label}: the two replays disagree"
        timings["once"].append(once_time)
        timings["first"].append(first_time)
    once, first = statistics.median(timings["once"]), statistics.median(timings["first"])
    print(f"{label}")
    print(f"   first replay (every period on its own)  {first * 1000:8.1f} ms")
    print(f"   replay once per child                   {once * 1000:8.1f} ms")
    print(f"   ratio                                   {once / first:8.2f} (replay once / first replay)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-overview-')}/bench.sqlite3"
    app = create_app(config_for(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    team, manager = seed_team(app)
    api = signed_in(app, manager)
    with app.app_context():
        cases = {loaded.child.id: loaded.case for loaded in load_cases(select(Child.id))}
        engine: Scheduler = app.extensions["scheduler"]
        periods = [PERIOD, *month_periods(AS_OF)]
        print(f"{len(cases)} children, {sum(len(case.visits) for case in cases.values())} visits, as of {AS_OF}")
        compare(
            "1. visits in timescale (period + 12 months)", args.rounds, lambda: measure(engine, cases, periods, AS_OF)
        )
    compare("2. GET overview, built afresh", args.rounds, lambda: overview_bytes(app, api, team))
    with app.app_context():
        dispose_engines()


if __name__ == "__main__":
    main()
