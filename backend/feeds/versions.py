"""Bump the version of every feed a change can affect, in the transaction that makes the change.

Feeds are cached by ``(version, today)`` (feeds/service.py), so this is what makes a
recorded visit, a new episode, an ended allocation or a disabled worker show at the next
poll while an unchanged feed is served without rebuilding. A session hook rather than a
call in every write path: a write added later cannot forget it.

- A change to a child's episodes, events, visits or allocations bumps the feeds of the
  workers allocated to that child (at any time: an allocation that just ended must drop the
  child too) and the team feeds of their teams and of the child's team.
- A change to a worker (disabled, renamed, moved team) bumps their feeds and their team's.
- A bulk INSERT, UPDATE or DELETE through the ORM (imports) carries no objects to look at, so it
  bumps every feed: rare, and correct.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from ..persistence.children import Allocation, Child, EpisodeRow, EventRow, VisitRow
from ..persistence.feeds import FeedToken
from ..persistence.people import Worker
from ..persistence.plans import PlanRow

# Plans too: a planned contact is a timed event in its planner's feed and replaces the day's "visit due".
CHILD_FACTS = (EpisodeRow, EventRow, VisitRow, Allocation, PlanRow)
TRACKED_TABLES = frozenset(model.__table__.name for model in (*CHILD_FACTS, Child, Worker))


def register() -> None:
    """Hook every SQLAlchemy session once per process (create_app may run many times in tests)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _after_bulk_statement)


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    child_ids: set[str] = set()
    worker_ids: set[str] = set()
    team_ids: set[str] = set()
    for changed in (*session.new, *session.dirty, *session.deleted):
        if isinstance(changed, CHILD_FACTS):
            child_ids.update(_values(changed, "child_id"))
            if isinstance(changed, Allocation):
                worker_ids.update(_values(changed, "worker_id"))
        elif isinstance(changed, Child):
            child_ids.add(changed.id)
            team_ids.update(_values(changed, "team_id"))
        elif isinstance(changed, Worker):
            worker_ids.add(changed.id)
            team_ids.update(_values(changed, "team_id"))
    if child_ids or worker_ids or team_ids:
        _bump(session, child_ids, worker_ids, team_ids)


def _values(row: Any, attribute: str) -> set[str]:
    """The attribute's value now and, when it changed in this flush, before."""
    history = get_history(row, attribute)
    return {value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None}


def _bump(session: Session, child_ids: set[str], worker_ids: set[str], team_ids: set[str]) -> None:
    if child_ids:
        worker_ids |= set(session.scalars(select(Allocation.worker_id).where(Allocation.child_id.in_(child_ids))))
        team_ids |= set(session.scalars(select(Child.team_id).where(Child.id.in_(child_ids))))
    if worker_ids:
        team_ids |= set(session.scalars(select(Worker.team_id).where(Worker.id.in_(worker_ids))))
    team_ids.discard(None)  # type: ignore[arg-type]
    managers = select(Worker.id).where(Worker.team_id.in_(team_ids))
    session.execute(
        update(FeedToken)
        .where(or_(FeedToken.worker_id.in_(worker_ids), (FeedToken.kind == "team") & FeedToken.worker_id.in_(managers)))
        .values(version=FeedToken.version + 1)
        .execution_options(synchronize_session=False, feed_version_bump=True)
    )


def _after_bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or state.execution_options.get("feed_version_bump"):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in TRACKED_TABLES:
        state.session.execute(
            update(FeedToken)
            .values(version=FeedToken.version + 1)
            .execution_options(synchronize_session=False, feed_version_bump=True)
        )
