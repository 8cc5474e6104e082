"""Calendar-feed rows: secret links (stored as hashes), a worker's feed preference, the names policy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utc_now
from ..extensions import Model
from .types import UTCDateTime, new_id

FEED_KINDS = ("worker", "team")


class FeedToken(Model):
    """One live feed link: a worker's own feed, or a team manager's team feed.

    A poll reads this row with the data version (services/data_version.py), which says
    whether its cached bytes are still good. Rotating replaces the row; turning the feed
    off deletes it, so an old URL finds nothing at once. Deactivating the worker retires it
    instead (``retired_at``): an empty calendar for a while, so subscribed calendar apps drop
    the children's events they hold (a 404 would leave them showing), then 404.
    """

    __tablename__ = "feed_tokens"
    __table_args__ = (UniqueConstraint("worker_id", "kind", name="uq_feed_tokens_worker_id_kind"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FeedPreference(Model):
    """A worker's own choice: show the next two projected due dates as tentative events."""

    __tablename__ = "feed_preferences"

    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)
    show_projected: Mapped[bool] = mapped_column(default=False)


class FeedPolicy(Model):
    """The organisation's choice (one row, set by an admin): may feeds carry children's names?

    Off by default: calendar providers (Google, Microsoft, Apple) store what a feed carries.
    """

    __tablename__ = "feed_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    names_allowed: Mapped[bool] = mapped_column(default=False)
    changed_by: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
