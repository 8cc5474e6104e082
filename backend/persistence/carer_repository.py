"""Carers' rows as the core's ``Carer``: their visits, and the days children joined their household."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from ..core.carers import Carer, CarerVisit
from ..extensions import db
from .carers import CarerRow, CarerVisitRow
from .children import EpisodeRow


@dataclass(frozen=True)
class LoadedCarer:
    row: CarerRow
    carer: Carer


def load_carers(carer_ids: Select[Any]) -> list[LoadedCarer]:
    """Every carer ``carer_ids`` selects, ordered by reference, in three queries whatever their number."""
    rows = list(db.session.scalars(select(CarerRow).where(CarerRow.id.in_(carer_ids)).order_by(CarerRow.reference)))
    if not rows:
        return []
    ids = [row.id for row in rows]
    visits: dict[str, list[CarerVisit]] = defaultdict(list)
    for carer_id, day, unannounced in db.session.execute(
        select(CarerVisitRow.carer_id, CarerVisitRow.date, CarerVisitRow.unannounced).where(
            CarerVisitRow.carer_id.in_(ids)
        )
    ):
        visits[carer_id].append(CarerVisit(day, unannounced))
    households = {row.household for row in rows if row.household}
    joinings: dict[str, list[date]] = defaultdict(list)
    if households:
        for household, start in db.session.execute(
            select(EpisodeRow.carer_household, EpisodeRow.start).where(EpisodeRow.carer_household.in_(households))
        ):
            joinings[household or ""].append(start)
    return [
        LoadedCarer(row, carer_of(row, tuple(visits[row.id]), tuple(joinings.get(row.household or "", ()))))
        for row in rows
    ]


def carer_of(row: CarerRow, visits: tuple[CarerVisit, ...], joinings: tuple[date, ...]) -> Carer:
    return Carer(
        reference=row.reference,
        name=row.name,
        type=row.type,
        approved=row.approved,
        transferred=row.transferred,
        ended=row.ended,
        household=row.household,
        visits=visits,
        joinings=joinings,
    )
