"""The organisation's app roles, as its tokens carry them, mapped to a worker's role and team.

Configured as ``OIDC_ROLES="Visits.SocialWorker.North=social_worker/North team; Visits.Admin=admin"``:
each entry an app role's value, ``=``, a worker role and, after ``/``, the team it puts the
worker in. App roles rather than group claims: Entra ID stops sending groups past 200 a token.
A person holding several mapped app roles gets the first entry's, in the configuration's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import ConfigurationError
from ..persistence.people import WORKER_ROLES


@dataclass(frozen=True)
class RoleGrant:
    app_role: str
    role: str
    team: str | None


@dataclass(frozen=True)
class RoleMap:
    grants: tuple[RoleGrant, ...]

    def grant_for(self, app_roles: object) -> RoleGrant | None:
        """The first configured grant among the token's ``roles`` claim, or None."""
        held = set(_strings(app_roles))
        return next((grant for grant in self.grants if grant.app_role in held), None)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return (item for item in value if isinstance(item, str))
    return ()


def parse_role_map(text: str) -> RoleMap:
    grants = []
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        app_role, _, target = (piece.strip() for piece in entry.partition("="))
        role, _, team = (piece.strip() for piece in target.partition("/"))
        if not app_role or role not in WORKER_ROLES:
            raise ConfigurationError(
                f"OIDC_ROLES: {entry!r} is not APP_ROLE=ROLE or APP_ROLE=ROLE/TEAM "
                f"with ROLE one of {', '.join(WORKER_ROLES)}."
            )
        grants.append(RoleGrant(app_role, role, team or None))
    return RoleMap(tuple(grants))


def parse_creatable_roles(text: str) -> frozenset[str]:
    """The worker roles for which a first sign-in may create the worker (OIDC_CREATE_WORKERS)."""
    roles = frozenset(filter(None, (part.strip() for part in text.split(","))))
    unknown = roles - set(WORKER_ROLES)
    if unknown:
        raise ConfigurationError(f"OIDC_CREATE_WORKERS: {', '.join(sorted(unknown))} is not a worker role.")
    return roles
