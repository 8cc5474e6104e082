"""The data version: one row whose token changes in every transaction that changes data a
caseload or a child's obligations are computed from (see services/data_version.py).

A random token rather than a counter: a counter restarts when the row is lost (a test
emptying its tables, a restore from backup), and a restarted count could match a rendering
that an app server cached before, which would then be served stale.
"""

from __future__ import annotations

from sqlalchemy import DDL, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

ROW_ID = 1


class DataVersion(Model):
    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))


# create_all (tests, the benchmark) makes the one row as the migration does.
event.listen(
    DataVersion.__table__,
    "after_create",
    DDL("INSERT INTO data_version (id, token) VALUES (1, 'initial')"),  # id: ROW_ID
)
