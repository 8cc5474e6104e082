"""Carers for tests: one stored directly, and the body of a visit to one."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from flask import Flask

from backend.extensions import db
from backend.persistence.carers import CarerRow, CarerVisitRow
from tests.support.world import new_visit_id

_numbers = itertools.count(1)


def add_carer(
    app: Flask,
    *,
    supervising_worker_id: str | None = None,
    team_id: str | None = None,
    visits: tuple[tuple[str, bool], ...] = (),
    **fields: Any,
) -> str:
    """A carer (short-term foster carer approved 1 Nov 2026 unless told otherwise) with visits (date, unannounced)."""
    values: dict[str, Any] = {
        "reference": f"FC-{next(_numbers):05d}",
        "name": "Foster Carer",
        "type": "short_term_foster_carer",
        "approved": date(2026, 11, 1),
    }
    values.update(fields)
    with app.app_context():
        carer = CarerRow(supervising_worker_id=supervising_worker_id, team_id=team_id, **values)
        db.session.add(carer)
        db.session.flush()
        for day, unannounced in visits:
            db.session.add(
                CarerVisitRow(
                    id=new_visit_id(), carer_id=carer.id, date=date.fromisoformat(day), unannounced=unannounced
                )
            )
        db.session.commit()
        return carer.id


def carer_visit_body(carer_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"carer_id": carer_id, "date": "2026-11-20", "unannounced": False}
    body.update(overrides)
    return body
