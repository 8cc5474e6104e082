"""The teams a caller oversees, for picking one: every team for an admin, their own for a team
manager, none for anyone else (the same rule as ``access.can_oversee_team``)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..persistence.people import Team
from .access import Viewer


def overseen_teams(viewer: Viewer) -> list[dict[str, str]]:
    query = select(Team.id, Team.name).order_by(Team.name, Team.id)
    if not viewer.is_admin:
        if viewer.role != "team_manager" or viewer.team_id is None:
            return []
        query = query.where(Team.id == viewer.team_id)
    return [{"id": team_id, "name": name} for team_id, name in db.session.execute(query)]
