"""Random sequences of offline recording, replay, duplicate and conflicting replay, and signing
out and in, for two workers' phones: no visit lost, none stored twice, none seen by the other.

Each phone keeps an outbox as the app does: a visit leaves it only when the server answered
200 or 201. Sessions are made directly (as tests/support/world.py does) so that the runs pay
for argon2 only in the sign-in tests.
"""

from __future__ import annotations

import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from backend.extensions import db
from backend.persistence.children import VisitRow
from backend.persistence.security import SessionRow
from tests.support.database import app_for, prepared_database
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

RUNS = 500
STEPS = 10
PHONES = ("a", "b")
FIRST_DAY = date(2026, 10, 1)


@dataclass
class Phone:
    worker_id: str
    child_id: str
    session: ApiClient | None
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)
    confirmed: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def machine_app() -> Iterator[Flask]:
    # In memory-backed storage when there is some: 5,000 steps of fsyncs would dominate the run,
    # and durability is the crash test's subject, not this one's.
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=base) as directory:
        app = app_for(prepared_database("sqlite", Path(directory)))
        yield next(app)
        app.close()


def put(phone: Phone, visit_id: str, body: dict[str, Any]) -> int:
    assert phone.session is not None
    return phone.session.put(f"/api/visits/{visit_id}", json=body).status_code


# A fixed seed, as derandomize=True gives, but one that stays put when the machine is edited
# (derandomize seeds from the class's source, so changing one expected status moved it): the
# coverage counts asserted at the end are known to hold for this one.
@seed(1)
class Replays(RuleBasedStateMachine):
    app: Flask
    world: list[tuple[str, str]]  # (worker, child) for each phone
    done: Counter[str] = Counter()  # what the runs actually did, so the test cannot pass vacuously

    @initialize()
    def two_workers_with_a_child_each_and_no_visits_yet(self) -> None:
        self.phones: dict[str, Phone] = {}
        workers = [worker for worker, _ in self.world]
        with self.app.app_context():
            # The same two workers and children serve every run: only their visits and sessions go.
            db.session.execute(db.delete(VisitRow).where(VisitRow.visitor_id.in_(workers)))
            db.session.execute(db.delete(SessionRow).where(SessionRow.worker_id.in_(workers)))
            db.session.commit()
        for name, (worker, child) in zip(PHONES, self.world, strict=True):
            self.phones[name] = Phone(worker, child, signed_in(self.app, worker))

    @rule(name=st.sampled_from(PHONES), days=st.integers(0, 50), seen=st.booleans(), alone=st.booleans())
    def record_offline(self, name: str, days: int, seen: bool, alone: bool) -> None:
        phone = self.phones[name]
        body = {
            "child_id": phone.child_id,
            "date": (FIRST_DAY + timedelta(days=days)).isoformat(),
            "role": "social_worker",
            "child_seen": seen,
            "seen_alone": alone,
        }
        phone.outbox[str(uuid.uuid4())] = body

    def eligible(self, wanted: Callable[[Phone], bool]) -> list[str]:
        return [name for name, phone in getattr(self, "phones", {}).items() if wanted(phone)]

    def draw_phone(self, data: st.DataObject, wanted: Callable[[Phone], bool]) -> Phone:
        return self.phones[data.draw(st.sampled_from(self.eligible(wanted)))]

    @precondition(lambda self: self.eligible(lambda phone: bool(phone.outbox and phone.session)))
    @rule(data=st.data(), drop_reply=st.booleans())
    def replay_outbox(self, data: st.DataObject, drop_reply: bool) -> None:
        """Send the outbox; with drop_reply the answers are lost, so everything stays queued."""
        self.send_outbox(self.draw_phone(data, lambda phone: bool(phone.outbox and phone.session)), drop_reply)

    def send_outbox(self, phone: Phone, drop_reply: bool) -> None:
        for visit_id, body in list(phone.outbox.items()):
            status = put(phone, visit_id, body)
            assert status in (200, 201), status
            self.done["lost reply" if drop_reply else "replayed"] += 1
            if not drop_reply:
                phone.confirmed[visit_id] = phone.outbox.pop(visit_id)

    @precondition(lambda self: self.eligible(lambda phone: bool(phone.confirmed and phone.session)))
    @rule(data=st.data())
    def duplicate_replay(self, data: st.DataObject) -> None:
        phone = self.draw_phone(data, lambda phone: bool(phone.confirmed and phone.session))
        visit_id = data.draw(st.sampled_from(sorted(phone.confirmed)))
        assert put(phone, visit_id, phone.confirmed[visit_id]) == 200
        self.done["duplicate"] += 1

    @precondition(lambda self: self.eligible(lambda phone: bool(phone.confirmed and phone.session)))
    @rule(data=st.data())
    def conflicting_replay(self, data: st.DataObject) -> None:
        phone = self.draw_phone(data, lambda phone: bool(phone.confirmed and phone.session))
        visit_id = data.draw(st.sampled_from(sorted(phone.confirmed)))
        changed = {**phone.confirmed[visit_id], "child_seen": not phone.confirmed[visit_id]["child_seen"]}
        assert put(phone, visit_id, changed) == 409
        self.done["conflict"] += 1

    @precondition(lambda self: self.eligible(lambda phone: bool(phone.confirmed)))
    @rule(data=st.data())
    def the_other_worker_reuses_an_id(self, data: st.DataObject) -> None:
        owner = self.draw_phone(data, lambda phone: bool(phone.confirmed))
        other = self.phones["b"] if owner is self.phones["a"] else self.phones["a"]
        if other.session is None:
            return
        visit_id = data.draw(st.sampled_from(sorted(owner.confirmed)))
        body = {**owner.confirmed[visit_id], "child_id": other.child_id}
        assert put(other, visit_id, body) == 409  # as a changed replay, seen child or not
        assert other.session.get(f"/api/visits/{visit_id}").status_code == 404
        self.done["other worker's id"] += 1

    @precondition(lambda self: self.eligible(lambda phone: phone.session is not None))
    @rule(data=st.data())
    def sign_out(self, data: st.DataObject) -> None:
        phone = self.draw_phone(data, lambda phone: phone.session is not None)
        assert phone.session is not None
        assert phone.session.delete("/api/session").status_code == 204
        ended, phone.session = phone.session, None
        # A request on the ended session is refused, and the outbox keeps its visits.
        assert ended.put(f"/api/visits/{uuid.uuid4()}", json={}).status_code == 401
        self.done["signed out"] += 1

    @precondition(lambda self: self.eligible(lambda phone: phone.session is None))
    @rule(data=st.data())
    def sign_in(self, data: st.DataObject) -> None:
        self.sign_in_phone(self.draw_phone(data, lambda phone: phone.session is None))

    def sign_in_phone(self, phone: Phone) -> None:
        phone.session = signed_in(self.app, phone.worker_id)
        self.done["signed in"] += 1

    def stored(self) -> dict[str, VisitRow]:
        with self.app.app_context():
            workers = [worker for worker, _ in self.world]
            rows = db.session.scalars(db.select(VisitRow).where(VisitRow.visitor_id.in_(workers))).all()
            db.session.expunge_all()
        return {row.id: row for row in rows}

    @invariant()
    def every_confirmed_visit_is_stored_once_as_sent_and_nothing_else_is(self) -> None:
        if not hasattr(self, "phones"):
            return
        stored = self.stored()
        for phone in self.phones.values():
            for visit_id, body in phone.confirmed.items():
                row = stored.pop(visit_id)
                assert (row.child_id, row.date.isoformat(), row.child_seen, row.seen_alone, row.visitor_id) == (
                    body["child_id"],
                    body["date"],
                    body["child_seen"],
                    body["seen_alone"],
                    phone.worker_id,
                )
        # What is left was sent but its answer lost: it must still be in that phone's outbox.
        queued = {visit_id for phone in self.phones.values() for visit_id in phone.outbox}
        assert set(stored) <= queued

    def teardown(self) -> None:
        """Back online for good: sign in, replay, and every visit ever recorded is stored, once."""
        if not hasattr(self, "phones"):
            return
        for phone in self.phones.values():
            if phone.session is None:
                self.sign_in_phone(phone)
            self.send_outbox(phone, drop_reply=False)
            assert phone.outbox == {}
        stored = self.stored()
        self.done["runs"] += 1
        self.done["visits stored"] += len(stored)
        assert len(stored) == sum(len(phone.confirmed) for phone in self.phones.values())
        for name, phone in self.phones.items():
            other = self.phones["b" if name == "a" else "a"]
            assert other.session is not None
            detail = other.session.get(f"/api/children/{other.child_id}").json
            assert not {visit["id"] for visit in detail["visits"]} & set(phone.confirmed)


@pytest.mark.slow
def test_random_offline_sequences_lose_duplicate_and_leak_no_visit(machine_app: Flask) -> None:
    Replays.app = machine_app
    team = add_team(machine_app)
    Replays.world = []
    for _ in PHONES:
        worker = add_worker(machine_app, "social_worker", team)
        Replays.world.append((worker, add_child(machine_app, team_id=team, allocations=[(worker, "social_worker")])))
    run_state_machine_as_test(
        Replays,
        settings=settings(
            max_examples=RUNS,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    done = Replays.done
    assert done["runs"] >= RUNS
    kinds = ("replayed", "lost reply", "duplicate", "conflict", "other worker's id", "signed out", "signed in")
    assert all(done[kind] >= 50 for kind in kinds), done
    print(f"replay state machine: {dict(done)}")
