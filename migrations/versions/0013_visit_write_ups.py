"""When a visit was written up: visits.written_up

A visit's record is completed when the worker marks it written up; until then a write-up
deadline runs from the visit (core/deadlines.py). Visits recorded before this column existed
are taken as written up on their own day: whether they were cannot be known now, and marking
every earlier visit overdue would bury the write-ups that are really owed.

Revision ID: 0013_visit_write_ups
Revises: 0012_households
Create Date: 2026-12-06 05:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_visit_write_ups"
down_revision = "0012_households"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("written_up", sa.Date(), nullable=True))
    op.execute("UPDATE visits SET written_up = date")


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("written_up")
