"""The id a visit had in the system it was imported from, so an export gives it back."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class VisitReference(Model):
    """An imported visit's source (a table of the source dataset, e.g. ``ssd_cin_visits``) and id there.

    A table of its own rather than a column on ``visits``: visits recorded here (nearly all)
    carry none, and an export looks the few up by visit id."""

    __tablename__ = "visit_references"
    __table_args__ = (UniqueConstraint("source", "reference", name="uq_visit_references_source_reference"),)

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(64))
