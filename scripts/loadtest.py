"""Load test: a realistic mix against gunicorn on SQLite and on PostgreSQL, driven by wrk.

The mix, per request (each from one of 240 social workers' phones, with its own session):
  50% GET /api/caseload               (the phone's poll)
  20% GET /api/children/<id>          (opening a child's page: an audited read)
  15% PUT /api/visits/<new uuid>      (recording a visit: an audited write, with CSRF)
  15% GET /feeds/<token>.ics          (a calendar client's poll)
over 10,000 children in 30 teams (scripts/bench_api.py's data set).

Servers, loopback only:
  sqlite      one gunicorn, 2 workers (SQLite is one file on one machine: one app server)
  postgresql  two gunicorn processes on two ports ("two app servers"), 2 workers each, with
              wrk's threads spread over both; a throwaway PostgreSQL is started for the run
              (as scripts/test does) unless --database-url is given.

Prints requests per second, p50/p95 latency and the error count (socket errors and answers of
400 or above) per backend. Goal: 0 errors and p95 under 300 ms.

    .venv/bin/python scripts/loadtest.py [--duration 20] [--connections 4] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import hmac
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_api import seed  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.extensions import db, dispose_engines  # noqa: E402
from backend.feeds.service import issue_feed_token  # noqa: E402
from backend.persistence.security import SessionRow  # noqa: E402

SECRET = "loadtest-secret"

LUA = r"""
local phones = %s
local ports = %s
local nonce = %d
local counter = 0
local thread_number = 0
local threads = {}

setup = function(thread)
  thread_number = thread_number + 1
  thread:set("id", thread_number)
  local addrs = wrk.lookup("127.0.0.1", tostring(ports[(thread_number %% #ports) + 1]))
  thread.addr = addrs[1]
  table.insert(threads, thread)
end

init = function(args)
  math.randomseed(nonce + id)
end

request = function()
  counter = counter + 1
  local phone = phones[math.random(#phones)]
  local headers = {["Cookie"] = "visits_session=" .. phone.cookie}
  local pick = math.random(100)
  if pick <= 50 then
    return wrk.format("GET", "/api/caseload", headers)
  elseif pick <= 70 then
    return wrk.format("GET", "/api/children/" .. phone.children[math.random(#phone.children)], headers)
  elseif pick <= 85 then
    headers["X-CSRF-Token"] = phone.csrf
    headers["Content-Type"] = "application/json"
    local visit = string.format("%%08x-%%04x-4000-8000-%%012x", nonce, id, counter)
    local body = string.format(
      '{"child_id": "%%s", "date": "%%s", "role": "social_worker", "child_seen": true, "seen_alone": false}',
      phone.children[math.random(#phone.children)], phone.visit_date)
    return wrk.format("PUT", "/api/visits/" .. visit, headers, body)
  else
    return wrk.format("GET", "/feeds/" .. phone.feed .. ".ics")
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %%f %%f %%d %%f %%d\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests, summary.duration / 1e6,
    errors.status + errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def csrf_for(token: str) -> str:
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return hmac.new(SECRET.encode(), f"csrf:{token_hash}".encode(), hashlib.sha256).hexdigest()


def prepare(url: str) -> list[dict[str, object]]:
    """The bench data set, a feed link per worker, and each phone's cookie, CSRF token and children."""
    config = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "APP_ENV": "development"}
    sessions = seed(config, random.Random(7))
    app = create_app(config)
    phones = []
    with app.app_context():
        for token, children in sessions:
            worker = db.session.scalar(
                db.select(SessionRow.worker_id).where(
                    SessionRow.token_hash == hashlib.sha256(token.encode()).hexdigest()
                )
            )
            feed = issue_feed_token(worker, "social_worker", "worker")
            phones.append({"cookie": token, "csrf": csrf_for(token), "children": children[:40], "feed": feed})
        db.session.commit()
        dispose_engines()
    return phones


@contextlib.contextmanager
def gunicorn_servers(url: str, count: int, workers: int) -> Iterator[list[int]]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "APP_ENV": "development"}
    ports = [free_port() for _ in range(count)]
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--log-level", "warning", "wsgi:app"]
    servers = [subprocess.Popen([*command, "-b", f"127.0.0.1:{port}"], cwd=ROOT, env=env) for port in ports]
    try:
        for port in ports:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.1)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def run_wrk(work: Path, phones: list[dict[str, object]], ports: list[int], duration: int, connections: int) -> dict:
    visit_date = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 3 * 86400))
    lua_phones = "{" + ", ".join(lua_table({**phone, "visit_date": visit_date}) for phone in phones) + "}"
    nonce = random.SystemRandom().randrange(1, 0xFFFFFFFF)
    script = work / f"mix-{nonce}.lua"
    script.write_text(LUA % (lua_phones, "{" + ", ".join(map(str, ports)) + "}", nonce))
    command = ["wrk", f"-t{max(2, len(ports))}", f"-c{connections}", f"-d{duration}s", "-s", str(script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{ports[0]}/"], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    p50, p95, requests, seconds, errors = line.split()[1:]
    return {"p50_ms": float(p50), "p95_ms": float(p95), "rps": int(requests) / float(seconds), "errors": int(errors)}


def lua_table(phone: dict[str, object]) -> str:
    children = "{" + ", ".join(json.dumps(child) for child in phone["children"]) + "}"  # type: ignore[union-attr]
    fields = {key: json.dumps(value) for key, value in phone.items() if key != "children"}
    return "{" + ", ".join(f"{key} = {value}" for key, value in fields.items()) + f", children = {children}" + "}"


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL on loopback for this run only (as scripts/test starts one), removed after."""
    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    directory = Path(tempfile.mkdtemp(prefix="loadtest-pg-"))
    port = free_port()
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = str(directory / "data")
    subprocess.run(
        [*as_postgres, str(bindir / "initdb"), "-D", data, "-U", "visits", "--auth=trust"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-h 127.0.0.1 -p {port} -k {directory} -c max_connections=200"
    subprocess.run(
        [*as_postgres, str(bindir / "pg_ctl"), "-D", data, "-l", str(directory / "log"), "-w", "-o", options, "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "visits", "loadtest"], check=True
        )
        yield f"postgresql+psycopg://visits@127.0.0.1:{port}/loadtest"
    finally:
        subprocess.run(
            [*as_postgres, str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(directory, ignore_errors=True)


def run_backend(name: str, url: str, args: argparse.Namespace, work: Path) -> dict:
    phones = prepare(url)
    servers, workers = (1, 2) if name == "sqlite" else (2, 2)
    with gunicorn_servers(url, servers, workers) as ports:
        run_wrk(work, phones, ports, 3, args.connections)  # warm-up
        result = run_wrk(work, phones, ports, args.duration, args.connections)
    result["setup"] = f"{servers} gunicorn x {workers} workers"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", help="an existing, empty PostgreSQL database (else a throwaway one)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    results = {}
    if args.backend in ("sqlite", "both"):
        results["sqlite"] = run_backend("sqlite", f"sqlite:///{work / 'load.sqlite3'}", args, work)
    if args.backend in ("postgresql", "both"):
        if args.database_url:
            results["postgresql"] = run_backend("postgresql", args.database_url, args, work)
        else:
            with throwaway_postgres() as url:
                results["postgresql"] = run_backend("postgresql", url, args, work)
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nMix: 50% caseload, 20% child page, 15% visit PUT, 15% feed poll; wrk {args.connections} connections, "
        f"{args.duration}s; 10,000 children, 240 social workers' phones"
    )
    print(f"{'backend':<12}{'servers':<24}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, row in results.items():
        print(
            f"{name:<12}{row['setup']:<24}{row['rps']:>8.0f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['errors']:>8}"
        )
    failed = [name for name, row in results.items() if row["errors"] or row["p95_ms"] >= 300]
    if failed:
        sys.exit(f"goal missed (0 errors, p95 < 300 ms) on: {', '.join(failed)}")


if __name__ == "__main__":
    main()
