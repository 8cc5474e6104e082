"""API benchmark: 10,000 children and 300 workers, gunicorn (2 workers) on loopback, driven by wrk.

Prints p50/p95 latency and requests per second for the caseload and the child-obligations
endpoints beside GET /api/health (a trivial JSON endpoint) on the same server in the same run.
Goal: p95 under 50 ms, and at least half the trivial endpoint's throughput. It also prints
the gunicorn workers' CPU time per request, which load from other processes does not distort,
and on PostgreSQL the database server's ("DB CPU"), which on one machine competes for the
same cores as the app servers and wrk.

Caseloads and obligations are cached per app server until the data changes (api/rendered.py),
so each endpoint is first asked for every target a few times, one request at a time: the
timed runs measure warm caches, and "cold CPU" is the CPU per request of the first pass,
where every request renders (as after any write, which changes the data version).
The three endpoints then take turns for ``--rounds`` timed runs each, so that a slow spell of
a shared machine falls on all alike: each figure is the median of its runs (p95 the worst),
and "vs health" the median of the ratios to health's run in the same round.

    .venv/bin/python scripts/bench_api.py [--database-url URL] [--duration 5] [--rounds 3] [--connections 4]

Without --database-url it uses a fresh SQLite file (the embedded default). Needs wrk
(/usr/bin/wrk). Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.auth.sessions import start_session  # noqa: E402
from backend.extensions import db, dispose_engines  # noqa: E402
from backend.persistence.children import Allocation, Child, EpisodeRow, VisitRow  # noqa: E402
from backend.persistence.people import Team, Worker  # noqa: E402
from backend.persistence.types import new_id  # noqa: E402

CHILDREN, TEAMS, WORKERS_PER_TEAM = 10_000, 30, 10  # 300 workers: per team 1 manager, 8 social workers, 1 adviser
PLANS = [
    ("child_in_need", None),
    ("child_protection", None),
    ("cared_for", "foster_care"),
    ("cared_for", "placed_with_parents"),
    ("private_fostering", None),
]
TODAY = date.today()

LUA = """
local paths = {%s}
local cookies = {%s}
local n = 0
request = function()
  n = n + 1
  local i = (n %% #paths) + 1
  return wrk.format("GET", paths[i], {["Cookie"] = cookies[i]})
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %%f %%f %%d %%f %%d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests, summary.duration / 1e6,
    errors.status + errors.connect + errors.read + errors.timeout))
end
"""


def seed(app_config: dict[str, object], rng: random.Random) -> list[tuple[str, list[str]]]:
    """Teams, workers, children with plan and visit history; returns (worker_id, child_ids) per caseworker."""
    app = create_app(app_config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        teams = [{"id": new_id(), "name": f"Team {n}"} for n in range(TEAMS)]
        workers, caseworkers = [], []
        for team in teams:
            for n in range(WORKERS_PER_TEAM):
                role = "team_manager" if n == 0 else "personal_adviser" if n == 9 else "social_worker"
                worker = {
                    "id": new_id(),
                    "email": f"{team['id'][:8]}-{n}@bench.example",
                    "name": f"Worker {n}",
                    "role": role,
                    "team_id": team["id"],
                    "active": True,
                    "password_hash": None,
                }
                workers.append(worker)
                if role == "social_worker":
                    caseworkers.append(worker["id"])
        children, episodes, visits, allocations = [], [], [], []
        caseloads: dict[str, list[str]] = {worker: [] for worker in caseworkers}
        for number in range(CHILDREN):
            child_id, worker = new_id(), caseworkers[number % len(caseworkers)]
            start = TODAY - timedelta(days=rng.randint(30, 700))
            plan, placement = rng.choice(PLANS)
            children.append(
                {
                    "id": child_id,
                    "reference": f"B-{number:05d}",
                    "name": "Bench Child",
                    "date_of_birth": date(2012, 1, 1) + timedelta(days=rng.randint(0, 3000)),
                }
            )
            episodes.append(
                {
                    "id": new_id(),
                    "child_id": child_id,
                    "type": plan,
                    "start": start,
                    "end": None,
                    "placement": placement,
                    "position": 0,
                }
            )
            day = start
            while (day := day + timedelta(days=rng.randint(7, 30))) < TODAY:
                visits.append(
                    {
                        "id": str(uuid.uuid4()),
                        "child_id": child_id,
                        "date": day,
                        "role": "social_worker",
                        "child_seen": True,
                        "seen_alone": False,
                        "visitor_id": worker,
                    }
                )
            allocations.append(
                {
                    "id": new_id(),
                    "child_id": child_id,
                    "worker_id": worker,
                    "role": "social_worker",
                    "starts_on": start,
                    "ends_on": None,
                }
            )
            caseloads[worker].append(child_id)
        for model, rows in (
            (Team, teams),
            (Worker, workers),
            (Child, children),
            (EpisodeRow, episodes),
            (VisitRow, visits),
            (Allocation, allocations),
        ):
            for chunk in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[chunk : chunk + 5000])
        db.session.commit()
        # Planner statistics, as a database in service has them.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        print(f"Seeded {len(children)} children, {len(workers)} workers, {len(visits)} visits")
        sessions = []
        for worker in caseworkers:
            sessions.append((start_session(worker, "local"), caseloads[worker]))
        db.session.commit()
        dispose_engines()
    return sessions


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrk(url: str, lua: Path, duration: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(lua), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    p50, p95, requests, seconds, errors = line.split()[1:]
    return {"p50_ms": float(p50), "p95_ms": float(p95), "rps": int(requests) / float(seconds), "errors": int(errors)}


def worker_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """User + system CPU of the gunicorn workers so far (Linux /proc): a figure that other
    load on the machine does not distort, unlike latency and throughput."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    return cpu_seconds(children)


def database_cpu_seconds() -> float:
    """CPU of every PostgreSQL server process on the machine so far: on a shared machine the
    database competes with the app servers and wrk for the same cores."""
    return cpu_seconds(subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split())


def cpu_seconds(pids: list[str]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a process that has just ended
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def warm_up(server: subprocess.Popen[bytes], base: str, targets: list[tuple[str, str]], passes: int = 6) -> float:
    """Asks for every target ``passes`` times from several clients at once, so that both gunicorn
    workers (each keeps its own cache) get most of them; returns the CPU milliseconds per request
    of the first pass, when nothing is cached yet."""

    def fetch(target: tuple[str, str]) -> None:
        path, cookie = target
        request = urllib.request.Request(base + path, headers={"Cookie": f"visits_session={cookie}"})
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
            response.read()

    cold_ms = 0.0
    with ThreadPoolExecutor(max_workers=4) as clients:
        for number in range(passes):
            cpu_before = worker_cpu_seconds(server)
            list(clients.map(fetch, targets))
            if number == 0:
                cold_ms = (worker_cpu_seconds(server) - cpu_before) * 1000 / len(targets)
    return cold_ms


def timed_run(server: subprocess.Popen[bytes], url: str, lua: Path, args: argparse.Namespace) -> dict[str, float]:
    cpu_before, database_before = worker_cpu_seconds(server), database_cpu_seconds()
    result = wrk(url, lua, args.duration, args.connections)
    requests = max(result["rps"] * args.duration, 1)
    result["cpu_ms"] = (worker_cpu_seconds(server) - cpu_before) * 1000 / requests
    result["db_cpu_ms"] = (database_cpu_seconds() - database_before) * 1000 / requests
    return result


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds, but the worst p95 and all errors."""
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    figures["p95_ms"] = max(run["p95_ms"] for run in runs)
    figures["errors"] = sum(run["errors"] for run in runs)
    return figures


def lua_script(directory: Path, name: str, targets: list[tuple[str, str]]) -> Path:
    path = directory / f"{name}.lua"
    paths = ", ".join(json.dumps(target) for target, _ in targets)
    cookies = ", ".join(json.dumps(f"visits_session={cookie}") for _, cookie in targets)
    path.write_text(LUA % (paths, cookies))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each endpoint, taking turns")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret", "APP_ENV": "development"}
    config = {"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "APP_ENV": "development"}
    sessions = seed(config, random.Random(7))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        health = [("/api/health", "")]
        caseload = [("/api/caseload", token) for token, _ in sessions]
        obligations = [
            (f"/api/children/{child}/obligations", token) for token, children in sessions for child in children[:3]
        ]
        endpoints = {"health": health, "caseload": caseload, "obligations": obligations}
        scripts, cold_ms = {}, {}
        for name, targets in endpoints.items():
            scripts[name] = lua_script(work, name, targets)
            cold_ms[name] = warm_up(server, base, targets) if name != "health" else float("nan")
            wrk(base + targets[0][0], scripts[name], 2, args.connections)  # warm-up
        # The endpoints take turns, round after round, so that a slower spell of the (shared)
        # machine falls on all three alike; each ratio compares runs of the same round.
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in endpoints}
        for _ in range(args.rounds):
            for name, targets in endpoints.items():
                rounds[name].append(timed_run(server, base + targets[0][0], scripts[name], args))
                rounds[name][-1]["vs_health"] = rounds[name][-1]["rps"] / rounds["health"][-1]["rps"]
        results = {name: {**median_of(runs), "cold_cpu_ms": cold_ms[name]} for name, runs in rounds.items()}
    finally:
        server.terminate()
        server.wait(timeout=10)
    load = f"wrk 2 threads, {args.connections} connections, {args.rounds} rounds of {args.duration} s, medians"
    print(f"\nDatabase: {url.split(':')[0]}; gunicorn 2 workers; {load}")
    print(f"Average caseload: {CHILDREN / len(sessions):.0f} children per social worker")
    columns = ("p50 ms", 9), ("p95 ms", 9), ("req/s", 9), ("vs health", 11), ("CPU ms/req", 12), ("cold CPU", 10)
    columns += (("DB CPU", 8),)  # PostgreSQL's server processes; SQLite's share is in the workers' CPU
    print(f"{'endpoint':<26}" + "".join(f"{title:>{width}}" for title, width in columns) + f"{'errors':>8}")
    for name, label in (
        ("health", "GET /api/health"),
        ("caseload", "GET /api/caseload"),
        ("obligations", "GET .../obligations"),
    ):
        row = results[name]
        share = row["vs_health"]
        database = f"{row['db_cpu_ms']:.2f}" if url.startswith("postgresql") else "-"
        print(
            f"{label:<26}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['rps']:>9.0f}{share:>10.0%}"
            f"{row['cpu_ms']:>12.2f}{row['cold_cpu_ms']:>10.2f}{database:>8}{row['errors']:>8}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
