#!/usr/bin/env python3
"""Time ``flask --app wsgi import-cases`` on synthetic cases: a first import, then the same file again.

Each case has two plan episodes, an event, three visits and a social worker (one of ten).
The database is a fresh SQLite file in a temporary folder unless ``--database-url`` names an
empty PostgreSQL database. The command runs in its own process, as an operator runs it, so
the figure includes the interpreter's start (about a second).

    .venv/bin/python scripts/bench_import.py --cases 20000
    .venv/bin/python scripts/bench_import.py --repository /tmp/older-checkout   # another version's code
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 10
PASSWORD = "benchmark password not for use"


def synthetic_cases(count: int) -> list[dict]:
    return [
        {
            "reference": f"B-{number:06d}",
            "name": f"Child {number}",
            "date_of_birth": f"20{10 + number % 8:02d}-0{1 + number % 9}-1{number % 10}",
            "episodes": [
                {"type": "child_in_need", "start": "2025-01-06", "end": "2025-09-01"},
                {"type": "child_protection", "start": "2025-09-01", "end": None},
            ],
            "events": [{"type": "review_child_protection_conference", "date": "2025-09-15"}],
            "visits": [
                {"date": f"2026-0{month}-1{number % 10}", "role": "social_worker", "child_seen": True}
                for month in (7, 8, 9)
            ],
            "allocations": [{"worker_email": f"bench{number % WORKERS}@example.org", "role": "social_worker"}],
        }
        for number in range(count)
    ]


def flask(repository: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=repository, env=env, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"flask {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def timed_import(repository: Path, env: dict[str, str], path: Path, count: int, label: str) -> None:
    started = time.perf_counter()
    output = flask(repository, env, "import-cases", str(path)).strip().splitlines()[-1]
    seconds = time.perf_counter() - started
    print(f"{label}: {count} cases in {seconds:.1f} s = {count / seconds:.0f} cases/s  ({output})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--repository", type=Path, default=ROOT, help="whose code runs the command")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40, "APP_ENV": "development"}
        flask(options.repository, env, "db", "upgrade")
        for number in range(WORKERS):
            email = f"bench{number}@example.org"
            flask(options.repository, env, "create-user", "--email", email, "--name", f"Worker {number}",
                  "--role", "social_worker", "--team", "Bench", stdin=PASSWORD + "\n")  # fmt: skip
        path = Path(folder) / "cases.json"
        path.write_text(json.dumps(synthetic_cases(options.cases)))
        timed_import(options.repository, env, path, options.cases, "first import (creates)")
        timed_import(options.repository, env, path, options.cases, "same file again (updates)")


if __name__ == "__main__":
    main()
