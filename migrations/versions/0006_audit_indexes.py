"""audit_log: index per-child reads only, and drop the worker index

Every request that shows child data adds a row, and each index is a page written per row:
the per-worker index cost about a tenth of a cached caseload's time. The child index
answers the question that has a deadline (who read this child's record, for a subject
access request); listings have no child and now skip it. Questions about one worker
(an investigation) scan the table.

Revision ID: 0006_audit_indexes
Revises: 0005_data_version
Create Date: 2026-11-23 15:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_audit_indexes"
down_revision = "0005_data_version"
branch_labels = None
depends_on = None

PER_CHILD = sa.text("child_id IS NOT NULL")


def upgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_worker_id")
        batch_op.drop_index("ix_audit_log_child_at")
        batch_op.create_index(
            "ix_audit_log_child_at",
            ["child_id", "at"],
            unique=False,
            sqlite_where=PER_CHILD,
            postgresql_where=PER_CHILD,
        )


def downgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_child_at")
        batch_op.create_index("ix_audit_log_child_at", ["child_id", "at"], unique=False)
        batch_op.create_index("ix_audit_log_worker_id", ["worker_id"], unique=False)
