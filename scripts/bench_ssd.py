#!/usr/bin/env python3
"""Time ``import-ssd``, ``export-ssd`` and ``export-annex-a`` on a synthetic SSD extract.

A whole authority by default: 10,000 children (a third each on a CIN plan, a CP plan and in
care, in a placement), 20 visits each (200,000), ten social workers allocated through
``ssd_involvements``. The commands run in their own processes, as an operator runs them, on
a fresh SQLite file unless ``--database-url`` names an empty PostgreSQL database; the import
runs twice (creates, then updates with nothing new to add).

    .venv/bin/python scripts/bench_ssd.py [--children 10000] [--visits-each 20]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.ssd.columns import TABLES  # noqa: E402
from scripts.bench_import import PASSWORD, WORKERS, flask  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PLANS = (
    ("ssd_cin_plans", "cinp", "ssd_cin_visits", "cinv_cin"),
    ("ssd_cp_plans", "cppl", "ssd_cp_visits", "cppv_cp"),
    ("ssd_cla_placement", "clap", "ssd_cla_visits", "clav_cla"),
)


def write_table(folder: Path, table: str, rows: list[dict[str, str]]) -> None:
    with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLES[table], restval="")
        writer.writeheader()
        writer.writerows(rows)


def synthetic_extract(folder: Path, children: int, visits_each: int) -> None:
    start = date(2025, 1, 6)
    tables: dict[str, list[dict[str, str]]] = {table: [] for table in TABLES}
    for number in range(children):
        person = f"P{number:06d}"
        tables["ssd_person"].append(
            {"pers_person_id": person, "pers_forename": "Child", "pers_surname": str(number), "pers_dob": "2014-05-06"}
        )
        tables["ssd_involvements"].append(
            {"invo_involvements_id": f"I{number}", "invo_professional_id": f"W{number % WORKERS}",
             "invo_involvement_start_date": "2025-01-06", "invo_person_id": person}
        )  # fmt: skip
        plan_table, plan, visit_table, visit = PLANS[number % 3]
        if plan == "clap":
            tables[plan_table].append({"clap_cla_placement_id": f"PL{number}", "clap_person_id": person,
                                       "clap_cla_placement_start_date": start.isoformat(),
                                       "clap_cla_placement_type": "U6"})  # fmt: skip
        else:
            kind = plan_table.split("_")[1]
            tables[plan_table].append(
                {f"{plan}_person_id": person, f"{plan}_{kind}_plan_start_date": start.isoformat()}
            )
        prefix = visit.split("_")[0]
        for index in range(visits_each):
            day = start + timedelta(days=14 * index + number % 10)
            tables[visit_table].append(
                {f"{visit}_visit_id": f"{number}-{index}", f"{prefix}_person_id": person,
                 f"{visit}_visit_date": day.isoformat(), f"{visit}_visit_seen": "Y",
                 f"{visit}_visit_seen_alone": "Y" if index % 2 else "N"}
            )  # fmt: skip
    tables["ssd_professionals"] = [
        {"prof_professional_id": f"W{n}", "prof_staff_id": f"bench{n}@example.org"} for n in range(WORKERS)
    ]
    for table, rows in tables.items():
        write_table(folder, table, rows)


def timed(env: dict[str, str], label: str, *args: str) -> None:
    started = time.perf_counter()
    output = flask(ROOT, env, *args).strip().splitlines()[-1]
    print(f"{label}: {time.perf_counter() - started:.1f} s  ({output})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--visits-each", type=int, default=20)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = options.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40, "APP_ENV": "development"}
        flask(ROOT, env, "db", "upgrade")
        for number in range(WORKERS):
            flask(ROOT, env, "create-user", "--email", f"bench{number}@example.org", "--name", f"Worker {number}",
                  "--role", "social_worker", "--team", "Bench", stdin=PASSWORD + "\n")  # fmt: skip
        extract = folder / "extract"
        extract.mkdir()
        synthetic_extract(extract, options.children, options.visits_each)
        total = options.children * options.visits_each
        print(f"{options.children} children, {total} visits")
        timed(env, "import-ssd (creates)", "import-ssd", str(extract))
        timed(env, "import-ssd again (updates)", "import-ssd", str(extract))
        timed(env, "export-ssd", "export-ssd", str(folder / "out"))
        timed(env, "export-annex-a", "export-annex-a", str(folder / "annex"))


if __name__ == "__main__":
    main()
