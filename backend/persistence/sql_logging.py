"""Keep personal data out of SQLAlchemy's logs, whatever level an operator turns them up to.

At INFO SQLAlchemy logs each statement's parameters (names, dates of birth, password hashes);
``hide_parameters`` on the engine replaces them with a placeholder. At DEBUG it also logs every
result row, which no engine option hides: a filter on its logger drops those records.
"""

from __future__ import annotations

import logging

ENGINE_LOGGER = "sqlalchemy.engine.Engine"


class WithoutResultRows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def keep_rows_out_of_logs() -> None:
    logger = logging.getLogger(ENGINE_LOGGER)
    if not any(isinstance(existing, WithoutResultRows) for existing in logger.filters):
        logger.addFilter(WithoutResultRows())
