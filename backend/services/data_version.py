"""Change the data version in every transaction that writes data a rendered response reads.

The one invalidation mechanism of the one rendered-response cache (services/rendered_cache.py):
caseloads, obligations and calendar feeds are reused only while the version token is the one
they were rendered under. A request reads the token with its session (auth/sessions.py, one
statement for both; a feed poll with its link's row) and gets a cached body only if nothing
changed since it was rendered, on any app server, because the token lives in the database and
changes in the very transaction that makes the change.

A denylist rather than a list of tables that matter: a table added later (plans, say) changes
the version until someone decides no rendered response reads it. The tables below hold only
sign-in, logging, push bookkeeping and feed links (a link's row is read on every poll, never
cached), which no cached body shows. Feed settings and the names policy are not among them:
they change what a feed shows.

- A flush of new, changed or deleted rows of any other table marks the transaction.
- An INSERT, UPDATE or DELETE statement run through the session (bulk imports, the
  benchmark's seeding) on any other table marks it too, and so does any textual statement
  but a SELECT (TRUNCATE in tests), as its tables are not known.
- The token is written just before the commit, the transaction's last write, so that on
  PostgreSQL the row lock is held only while committing and cannot be part of a deadlock.

Writes that bypass the ORM session (a raw connection, psql) do not change it: restart the
app servers, or run ``UPDATE data_version SET token = 'x'`` with them.
"""

from __future__ import annotations

import secrets

from sqlalchemy import TextClause, event, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from ..extensions import db
from ..persistence.versions import ROW_ID, DataVersion

UNTRACKED_TABLES = frozenset(
    {
        "data_version",
        "sessions",
        "login_failures",
        "audit_log",
        "push_subscriptions",
        "reminder_preferences",
        "sent_reminders",
        "feed_tokens",
        "organisation_sign_ins",
    }
)
# Textual statements that begin so only read; any other text counts as a change.
READING_WORDS = ("SELECT", "PRAGMA", "SHOW", "EXPLAIN")
CHANGED = "data_version_changed"
OWN_WRITE = "data_version_write"


def register() -> None:
    """Hook every SQLAlchemy session once per process (create_app may run many times in tests)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _after_statement)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)


def current_token() -> str | None:
    """The token now, or None when the row is missing (then nothing may be served from a cache).

    Signed-in requests have it already, read with their session; this is for the rest."""
    table = DataVersion.__table__
    return db.session.connection().execute(select(table.c.token).where(table.c.id == ROW_ID)).scalar()


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    for row in (*session.new, *session.deleted, *(row for row in session.dirty if session.is_modified(row))):
        if _tracked(getattr(row, "__tablename__", None)):
            session.info[CHANGED] = True
            return


def _after_statement(state: ORMExecuteState) -> None:
    if state.is_select or state.execution_options.get(OWN_WRITE):
        return
    statement = state.statement
    if isinstance(statement, TextClause):
        if not statement.text.lstrip().upper().startswith(READING_WORDS):
            state.session.info[CHANGED] = True
        return
    table = getattr(statement, "table", None)
    if _tracked(getattr(table, "name", None)):
        state.session.info[CHANGED] = True


def _tracked(table_name: str | None) -> bool:
    return table_name not in UNTRACKED_TABLES


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # pending rows mark the transaction in _after_flush
    if not session.info.pop(CHANGED, False):
        return
    token = secrets.token_hex(16)
    written = session.execute(
        update(DataVersion).where(DataVersion.id == ROW_ID).values(token=token),
        execution_options={OWN_WRITE: True, "synchronize_session": False},
    )
    if written.rowcount == 0:  # type: ignore[attr-defined]
        # The row was lost (tables emptied): put it back. Of two writers doing so at once one
        # fails with a conflict, as a write racing for a taken case reference does; only then.
        session.execute(insert(DataVersion).values(id=ROW_ID, token=token), execution_options={OWN_WRITE: True})


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
