"""Rows whose id the phone chose (visits, plans), created safely when the same id arrives twice at once."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from ..extensions import db

Row = TypeVar("Row")


def commit_new_or_find_winner(row: Row, model: type[Row], row_id: Any) -> Row | None:
    """Commit ``row``; None when it was stored, or the row another request stored first under its id.

    Two replays of one offline write can race: the unique primary key lets exactly one insert
    win, and the loser answers from the winner's row (as a replay or a conflict) instead of a 500.
    """
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        winner = db.session.get(model, row_id)
        if winner is None:
            raise
        return winner
    return None
