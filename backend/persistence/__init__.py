"""ORM rows and the repository that turns them into core objects.

Importing this package registers every table on ``db.metadata`` (migrations and
``create_all`` need the complete set).
"""

from . import (  # noqa: F401
    audit,
    carers,
    children,
    feeds,
    household_visits,
    people,
    plans,
    push,
    security,
    supervision,
    versions,
    visit_references,
)
