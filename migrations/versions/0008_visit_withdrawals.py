"""visits: withdrawn_at and withdrawn_by, for a visit withdrawn as recorded in error

A withdrawn visit stays in the child's history, marked, and no longer counts for any due date.

Revision ID: 0008_visit_withdrawals
Revises: 0007_visit_references
Create Date: 2026-12-06 02:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_visit_withdrawals"
down_revision = "0007_visit_references"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_visits_withdrawn_by_workers"), "workers", ["withdrawn_by"], ["id"])


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_visits_withdrawn_by_workers"), type_="foreignkey")
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("withdrawn_at")
