"""Calendar feeds: minting and revoking secret links, and answering a poll from cache when nothing changed.

A poll costs one indexed query (the token's row and the data version token) and a dictionary
lookup in the rendered-response cache (services/rendered_cache.py): the cached bytes are
reused while the data version, today's date and the link base are what they were built from.
Any change to the data, feed settings included, changes the data version in the same
transaction (services/data_version.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select, update

from ..clock import utc_now
from ..core.cases import Case
from ..core.labels import child_label, initials_of
from ..extensions import db
from ..persistence.children import Child
from ..persistence.feeds import FeedPolicy, FeedPreference, FeedToken
from ..persistence.people import Team, Worker
from ..persistence.repository import load_cases
from ..persistence.versions import ROW_ID, DataVersion
from ..services.caseload import (
    BAD_DATES,
    CaseloadEntry,
    log_unschedulable,
    obligation_identity,
    scheduler,
    workers_caseloads,
    workers_caseloads_in_full,
)
from ..services.covers import covered_workers, with_covered
from ..services.errors import Forbidden
from ..services.rendered_cache import Rendered, RenderedCache
from ..services.worker_deadlines import WorkerDeadline, deadline_identity
from .carer_entries import carer_entries
from .entries import entry_from_deadline, entry_from_obligation
from .model import Feed, FeedEntry
from .plan_events import planned_contact_events, replaced_by_plan
from .render import render_feed
from .tokens import looks_like_token, mint_token, token_hash

PROJECTED_COUNT = 2
# A worker's feed shows their children's deadlines that are not visits up to a year ahead.
DEADLINE_HORIZON = timedelta(days=366)
TEAM_STATUSES = ("overdue", "due_today")
NAMES_WARNING = (
    "Calendar providers (Google, Microsoft, Apple) keep a copy of everything a subscribed feed carries. "
    "With names allowed, children's full names are stored by them, outside the council's systems."
)


@dataclass(frozen=True)
class FeedSettings:
    show_projected: bool
    names_allowed: bool
    active_feeds: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "show_projected": self.show_projected,
            "names_allowed": self.names_allowed,
            "names_warning": NAMES_WARNING,
            "active_feeds": list(self.active_feeds),
        }


def rendered_cache() -> RenderedCache:
    return current_app.extensions["rendered_cache"]


def _cached_event(key: Hashable, build: Callable[[], bytes]) -> bytes:
    """An event's bytes from the rendered cache: the key is every value the event is built from,
    so a hit is the very bytes ``build`` would give (no fingerprint beyond the key). The cache
    counts the bytes, not the key's values, which take about as much room again."""
    return rendered_cache().get(("feed-event", key), True, build).body


# Links -----------------------------------------------------------------------------------


def issue_feed_token(worker_id: str, role: str, kind: str) -> str:
    """A new secret for the worker's feed of ``kind``; any earlier one stops working at once."""
    if kind == "team" and role != "team_manager":
        raise Forbidden("Only a team manager can subscribe to a team feed.")
    token = mint_token()
    db.session.execute(delete(FeedToken).where(FeedToken.worker_id == worker_id, FeedToken.kind == kind))
    db.session.add(FeedToken(worker_id=worker_id, kind=kind, token_hash=token_hash(token)))
    db.session.commit()
    return token


def revoke_feed_token(worker_id: str, kind: str) -> None:
    db.session.execute(delete(FeedToken).where(FeedToken.worker_id == worker_id, FeedToken.kind == kind))
    db.session.commit()


def retire_feed_tokens(worker_id: str) -> None:
    """A deactivated worker's links answer an empty calendar for ``FEED_RETIRED_DAYS``, then 404.

    A 404 at once would leave subscribed calendar apps showing the children's events they last
    fetched, for ever (they keep a failing feed's copy); an empty calendar makes them drop
    those. After the period, a device still polling has long synced the empty one. Links
    retired longer ago are deleted here too. Re-enabling the worker does not revive a link:
    they mint a new one. The caller commits."""
    now = utc_now()
    long_ago = now - timedelta(days=current_app.config["FEED_RETIRED_DAYS"])
    db.session.execute(delete(FeedToken).where(FeedToken.retired_at < long_ago))
    db.session.execute(
        update(FeedToken).where(FeedToken.worker_id == worker_id, FeedToken.retired_at.is_(None)).values(retired_at=now)
    )


# Settings --------------------------------------------------------------------------------


def feed_settings(worker_id: str, *, with_links: bool = False) -> FeedSettings:
    """The worker's feed settings; ``with_links`` adds which of their feeds have a live link (for the app)."""
    preference = db.session.get(FeedPreference, worker_id)
    active: tuple[str, ...] = ()
    if with_links:
        kinds = db.session.scalars(
            select(FeedToken.kind).where(FeedToken.worker_id == worker_id, FeedToken.retired_at.is_(None))
        )
        active = tuple(sorted(kinds))
    return FeedSettings(bool(preference and preference.show_projected), names_allowed(), active)


def names_allowed() -> bool:
    return bool(db.session.scalar(select(FeedPolicy.names_allowed).where(FeedPolicy.id == 1)))


def change_feed_settings(
    worker_id: str, role: str, show_projected: bool | None = None, allow_names: bool | None = None
) -> FeedSettings:
    if allow_names is not None and role != "admin":
        raise Forbidden("Only an admin can allow children's names in calendar feeds.")
    if show_projected is not None:
        preference = db.session.get(FeedPreference, worker_id) or FeedPreference(worker_id=worker_id)
        preference.show_projected = show_projected
        db.session.add(preference)
    if allow_names is not None:
        policy = db.session.get(FeedPolicy, 1) or FeedPolicy(id=1)
        policy.names_allowed, policy.changed_by = allow_names, worker_id
        policy.changed_at = utc_now()
        db.session.add(policy)
    db.session.commit()
    return feed_settings(worker_id, with_links=True)


# Polls -----------------------------------------------------------------------------------

_DATA_VERSION = select(DataVersion.token).where(DataVersion.id == ROW_ID).scalar_subquery()
_TOKEN_ROW = select(
    FeedToken.id,
    FeedToken.token_hash,
    FeedToken.worker_id,
    FeedToken.kind,
    FeedToken.retired_at,
    _DATA_VERSION.label("data_version"),
).where(FeedToken.token_hash == bindparam("digest"))


@dataclass(frozen=True)
class FeedDelivery:
    """A rendered feed and the worker whose link asked for it (for the audit log)."""

    worker_id: str
    feed: Rendered


def feed_for_token(token: str, today: date, app_url: str) -> FeedDelivery | None:
    """The feed a secret link shows today and whose it is, or None for a link that is unknown, rotated or off."""
    if not looks_like_token(token):
        return None
    digest = token_hash(token)
    # A Core connection rather than the ORM session: this is the only query of an unchanged
    # poll, and the session's bookkeeping would cost more than the query itself.
    with db.engine.connect() as connection:
        row = connection.execute(_TOKEN_ROW, {"digest": digest}).first()
    # The index lookup already matched; comparing again in constant time costs nothing and
    # keeps the check independent of how the database compares strings.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    retired = row.retired_at is not None
    if retired and utc_now() - row.retired_at >= timedelta(days=current_app.config["FEED_RETIRED_DAYS"]):
        return None
    # Without the version row nothing may be reused (the cache renders without keeping).
    fingerprint = None if row.data_version is None else (row.data_version, today, app_url, retired)
    rendered = rendered_cache().get(
        ("feed", row.id), fingerprint, lambda: _build(row.worker_id, row.kind, today, app_url, retired)
    )
    return FeedDelivery(row.worker_id, rendered)


def _build(worker_id: str, kind: str, today: date, app_url: str, retired: bool) -> bytes:
    worker = db.session.get(Worker, worker_id)
    if retired or worker is None or not worker.active or (kind == "team" and worker.role != "team_manager"):
        # An empty calendar rather than a 404: clients keep a failing feed's last events, and
        # a disabled worker's children (or a former manager's team) must disappear from it.
        return render_feed(Feed(name="Visits due", today=today))
    if kind == "team":
        return render_feed(_team_feed(worker, today, app_url), _cached_event)
    return render_feed(_worker_feed(worker, today, app_url), _cached_event)


def _worker_feed(worker: Worker, today: date, app_url: str) -> Feed:
    settings = feed_settings(worker.id)
    # The children and carers of colleagues the worker covers today are in their calendar too, by
    # initials and titled as cover (services/covers.py); they leave it when the cover ends.
    covered = {absent: initials_of(name) for absent, name in covered_workers(worker.id, today).items()}
    holders = [worker.id, *covered]
    in_full = workers_caseloads_in_full(holders, today, today, today + DEADLINE_HORIZON)
    caseload = with_covered(in_full.entries, worker.id, covered, obligation_identity)
    timed = planned_contact_events(worker.id, [item for item, _ in caseload], today, app_url, settings.names_allowed)
    shown = {event.key for event in timed}
    caseload = [(item, absent) for item, absent in caseload if not replaced_by_plan(item, shown)]
    cases = _cases_of([item for item, _ in caseload], settings.show_projected)
    entries = tuple(
        _entry(
            item,
            cases.get(item.child_id),
            today,
            app_url,
            settings.names_allowed,
            settings.show_projected,
            cover_for=covered.get(absent or ""),
        )
        for item, absent in caseload
    ) + carer_entries(holders, today, app_url, settings.names_allowed, cover_for=covered)
    deadlines = tuple(
        _deadline_entry(item, app_url, settings.names_allowed, covered.get(absent or ""))
        for item, absent in with_covered(in_full.deadlines, worker.id, covered, deadline_identity)
    )
    return Feed(name=f"Visits due: {worker.name}", today=today, entries=entries + deadlines, timed=timed)


def _deadline_entry(item: WorkerDeadline, app_url: str, allow_names: bool, cover_for: str | None = None) -> FeedEntry:
    return entry_from_deadline(
        child_id=item.child_id,
        label=child_label(item.reference, item.initials, item.full_name, allow_names and not cover_for),
        reference=item.reference,
        deadline=item.deadline,
        url=f"{app_url}/children/{item.child_id}",
        cover_for=cover_for,
    )


def _team_feed(manager: Worker, today: date, app_url: str) -> Feed:
    team = db.session.get(Team, manager.team_id) if manager.team_id else None
    if team is None:
        return Feed(name="Team visits", today=today, scope="team")
    workers = db.session.execute(
        select(Worker.id, Worker.name).where(Worker.team_id == team.id, Worker.active.is_(True))
    ).all()
    names = {worker_id: name for worker_id, name in workers}
    allowed = names_allowed()
    entries: list[FeedEntry] = []
    for worker_id, caseload in workers_caseloads(list(names), today, today).items():
        for item in caseload:
            if item.obligation.status in TEAM_STATUSES:
                entries.append(_entry(item, None, today, app_url, allowed, False, assignee=names[worker_id]))
    entries += carer_entries(list(names), today, app_url, allowed, names, TEAM_STATUSES)
    return Feed(
        name=f"Team visits overdue or due today: {team.name}", today=today, entries=tuple(entries), scope="team"
    )


def _cases_of(caseload: list[CaseloadEntry], show_projected: bool) -> dict[str, Case]:
    """The cases projections or a cycle's start need, loaded in four queries, and only when needed:
    a cycle starts at the last visit, so only never-visited children need their episodes."""
    wanted = {item.child_id for item in caseload if show_projected or item.obligation.last_visit is None}
    if not wanted:
        return {}
    return {loaded.child.id: loaded.case for loaded in load_cases(select(Child.id).where(Child.id.in_(wanted)))}


def _entry(
    item: CaseloadEntry,
    case: Case | None,
    today: date,
    app_url: str,
    allow_names: bool,
    show_projected: bool,
    assignee: str | None = None,
    cover_for: str | None = None,
) -> FeedEntry:
    """A visit due. A covered colleague's child is named by initials whatever is allowed (least data:
    the worker holds it only for the cover)."""
    obligation = item.obligation
    projected: tuple[date, ...] = ()
    if show_projected and case is not None:
        projected = _projected(item.child_id, case, obligation.role, today)
    return entry_from_obligation(
        child_key=item.child_id,
        label=child_label(item.reference, item.initials, item.full_name, allow_names and not cover_for),
        reference=item.reference,
        obligation=obligation,
        url=f"{app_url}/children/{item.child_id}",
        episode_start=_episode_start(case, obligation.plan_type, today) or obligation.due,
        projected=projected,
        assignee=assignee,
        cover_for=cover_for,
    )


def _projected(child_id: str, case: Case, role: str, today: date) -> tuple[date, ...]:
    """The next plan-by dates after this one, or none where they run past the calendar's years."""
    try:
        upcoming = scheduler().projections(case, today, role, PROJECTED_COUNT + 1)[1:]
        calendar = scheduler().calendar()
        return tuple(calendar.working_day_on_or_before(due) for due in upcoming)
    except BAD_DATES as error:
        log_unschedulable(child_id, error)
        return ()


def _episode_start(case: Case | None, plan_type: str, today: date) -> date | None:
    if case is None:
        return None
    starts = [episode.start for episode in case.episodes if episode.type == plan_type and episode.is_active(today)]
    return min(starts, default=None)
