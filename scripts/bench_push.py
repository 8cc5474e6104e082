"""Benchmark: reminders for 10,000 workers sent to the loopback push service.

Prints messages per second for (1) working out the reminders, (2) encryption alone,
(3) end to end (encrypt, sign, deliver over the bounded pool, the service verifying the
VAPID token and decrypting every body in its own process), beside (4) a bare HTTP post
of a body the same size to the same server in the same run, the floor any sender pays.
With ``--job`` it also times (5) the ``send-reminders`` job itself against a database of
that many workers (two children each): planning, then delivery (claim, send, record) per message.

    .venv/bin/python scripts/bench_push.py [--workers 10000] [--pool 8] [--job [--database-url URL]]

The database must be empty (default: a new SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from backend.core.calendars import build_calendar  # noqa: E402
from backend.core.reminders import Reminder, ReminderItem, ReminderPreferences, reminder_due_at  # noqa: E402
from backend.push.links import notification_payload  # noqa: E402
from backend.push.protocol import Outcome, PushMessage, Subscription  # noqa: E402
from backend.push.sender import PushSender, RetryPolicy  # noqa: E402
from backend.push.subscriptions import EndpointPolicy  # noqa: E402
from backend.push.vapid import VapidKeys, VapidSigner  # noqa: E402
from tests.support.reminder_builders import london  # noqa: E402

PLAN_TYPES = ("child_in_need", "child_protection", "cared_for", "care_leaver")
CASELOAD = 14


def caseload(worker: int, today: date) -> list[ReminderItem]:
    """A worker's caseload spread over the coming weeks, some overdue, deterministic per worker."""
    items = []
    for child in range(CASELOAD):
        due = today + timedelta(days=(worker * 7 + child * 3) % 40 - 6)
        items.append(
            ReminderItem(
                child_id=f"{worker:05d}{child:02d}".ljust(32, "0"),
                initials=f"{chr(65 + child)}.{chr(65 + worker % 26)}.",
                reference=f"C-{worker:05d}-{child:02d}",
                plan_type=PLAN_TYPES[(worker + child) % len(PLAN_TYPES)],
                role="social_worker",
                due=due,
                plan_by=due,
            )
        )
    return items


def start_service(keys: VapidKeys, subscribers: int) -> tuple[subprocess.Popen[str], str, list[Subscription]]:
    command = [
        sys.executable,
        "-m",
        "tests.support.push_service",
        "--application-server-key",
        keys.application_server_key,
        "--subscribers",
        str(subscribers),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    announced = json.loads(process.stdout.readline())
    subscriptions = [
        Subscription(item["endpoint"], item["keys"]["p256dh"], item["keys"]["auth"])
        for item in announced["subscriptions"]
    ]
    return process, announced["origin"], subscriptions


def rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<58} {count:>6} msgs {seconds:7.2f} s {count / seconds:9.0f} msgs/s")


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def bare_posts(origin: str, body: bytes, count: int, pool: int) -> float:
    local = threading.local()

    def post(_index: int) -> int:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session.post(f"{origin}/bare", data=body, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=pool) as executor:
        started = time.perf_counter()
        statuses = list(executor.map(post, range(count)))
        elapsed = time.perf_counter() - started
    assert statuses == [201] * count
    return elapsed


def job_figures(count: int, pool: int, database_url: str | None) -> None:
    """Seed ``count`` workers with a device each, then run the job's two steps and time them."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from backend.app import create_app
    from backend.extensions import db, dispose_engines
    from backend.persistence.children import Allocation, Child, EpisodeRow, VisitRow
    from backend.persistence.people import Team, Worker
    from backend.persistence.push import PushSubscriptionRow
    from backend.push.delivery import deliver_pending
    from backend.push.reminders import queue_due_reminders

    keys = VapidKeys.generate()
    process, _origin, subscriptions = start_service(keys, count)
    url = database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-push-')}/bench.sqlite3"
    settings = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" * 8,
        "APP_ENV": "testing",
        "PUSH_RETRY_ATTEMPTS": 1,
        "VAPID_PRIVATE_KEY": keys.private_pem.decode(),
        "PUSH_ALLOW_HTTP_LOOPBACK": True,
        "PUSH_MAX_CONCURRENCY": pool,
    }
    app = create_app(settings)
    try:
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            db.session.execute(insert(Team), [{"id": "t" * 32, "name": "Bench team"}])
            db.session.execute(
                insert(Worker),
                [
                    {
                        "id": f"w{n:031d}",
                        "email": f"w{n}@example.org",
                        "name": f"Worker {n}",
                        "role": "social_worker",
                        "team_id": "t" * 32,
                        "password_hash": None,
                    }
                    for n in range(count)
                ],
            )
            children = [(f"c{n:030d}{k}", n, k) for n in range(count) for k in range(2)]
            db.session.execute(
                insert(Child),
                [
                    {"id": cid, "reference": f"C-{n}-{k}", "name": "Bench Child", "team_id": "t" * 32}
                    for cid, n, k in children
                ],
            )
            db.session.execute(
                insert(EpisodeRow),
                [
                    {"id": f"e{cid[1:]}", "child_id": cid, "type": "child_in_need", "start": date(2026, 10, 1)}
                    for cid, _n, _k in children
                ],
            )
            db.session.execute(
                insert(VisitRow),
                [
                    {
                        "id": f"{n:08d}-0000-4000-8000-{k:012d}",
                        "child_id": cid,
                        "date": date(2026, 11, 2 + 2 * k),
                        "role": "social_worker",
                        "child_seen": True,
                    }
                    for cid, n, k in children
                ],
            )
            db.session.execute(
                insert(Allocation),
                [
                    {
                        "id": f"a{cid[1:]}",
                        "child_id": cid,
                        "worker_id": f"w{n:031d}",
                        "role": "social_worker",
                        "starts_on": date(2026, 11, 1),
                    }
                    for cid, n, _k in children
                ],
            )
            db.session.execute(
                insert(PushSubscriptionRow),
                [
                    {"worker_id": f"w{n:031d}", "endpoint": s.endpoint, "p256dh": s.p256dh, "auth": s.auth}
                    for n, s in enumerate(subscriptions)
                ],
            )
            db.session.commit()
            print(
                f"seeded {count} workers, {len(children)} children on {db.engine.dialect.name} "
                f"in {time.perf_counter() - started:.1f} s"
            )
            now = london("2026-12-01 08:05")
            planned: list[int] = []
            rate(
                "send-reminders: planning (caseloads, core, insert)",
                count,
                timed(lambda: planned.append(queue_due_reminders(now))),
            )
            delivered: list[object] = []
            threads = 1 if db.engine.dialect.name == "sqlite" else pool
            seconds = timed(lambda: delivered.append(deliver_pending(now)))
            rate(f"send-reminders: delivery (claim, send, record; {threads} thread(s))", count, seconds)
            print(f"planned {planned[0]}, outcome {dict(delivered[0])}")  # type: ignore[call-overload]
            db.session.remove()
            dispose_engines()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description="Push reminder throughput")
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=8, help="concurrent deliveries")
    parser.add_argument("--job", action="store_true", help="also time send-reminders against a database")
    parser.add_argument("--database-url", default=None, help="an empty database for --job (default: SQLite)")
    arguments = parser.parse_args()
    count = arguments.workers

    calendar = build_calendar("ENG", 2025, 2028)
    now = london("2026-12-01 08:05")
    preferences = ReminderPreferences()
    caseloads = [caseload(worker, now.date()) for worker in range(count)]
    reminders: list[Reminder] = []
    seconds = timed(
        lambda: reminders.extend(
            r for w, items in enumerate(caseloads) if (r := reminder_due_at(f"w{w}", items, preferences, calendar, now))
        )
    )
    rate("reminders worked out (core)", count, seconds)
    assert len(reminders) == count, "every benchmark worker should be owed a reminder"

    keys = VapidKeys.generate()
    process, origin, subscriptions = start_service(keys, count)
    try:
        messages = [
            PushMessage(notification_payload(r), r.ttl_seconds(now), r.urgency, r.payload()["topic"]) for r in reminders
        ]
        sender = PushSender(
            VapidSigner(keys, "mailto:bench@example.org"),
            policy=RetryPolicy(attempts=1),
            max_workers=arguments.pool,
            endpoints=EndpointPolicy.from_settings("127.0.0.1", allow_http_loopback=True),
        )
        plaintexts = [message.plaintext() for message in messages]
        sizes = sorted(len(text) for text in plaintexts)
        print(f"plaintext bytes: median {sizes[len(sizes) // 2]}, max {sizes[-1]}")
        bodies: list[bytes] = []
        seconds = timed(
            lambda: bodies.extend(sender.encrypt(p, s) for p, s in zip(plaintexts, subscriptions, strict=True))
        )
        rate("encryption alone (webpush aes128gcm, one thread)", count, seconds)

        results = []
        seconds = timed(lambda: results.extend(sender.send_all(zip(messages, subscriptions, strict=True))))
        rate(f"end to end (encrypt+sign+POST+verify+decrypt, pool {arguments.pool})", count, seconds)
        outcomes = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
        assert outcomes[Outcome.DELIVERED] == count, outcomes

        median_body = bodies[len(bodies) // 2]
        rate(
            f"bare HTTP POST of a {len(median_body)}-byte body (pool {arguments.pool})",
            count,
            bare_posts(origin, median_body, count, arguments.pool),
        )
        stats = requests.get(f"{origin}/stats", timeout=10).json()
        print(f"push service: {stats['deliveries']} verified and decrypted deliveries, statuses {stats['statuses']}")
        sender.close()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)
    if arguments.job:
        job_figures(count, arguments.pool, arguments.database_url)


if __name__ == "__main__":
    main()
