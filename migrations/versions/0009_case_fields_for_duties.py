"""Case fields for duties: episodes.legal_status, events.time and events.role, overrides

Reg 28(4) and 28(5) differ by legal status; hour-counted duties run from an event's time;
an "allocated" event names the role; a per-child override sets a more frequent cadence.

Revision ID: 0009_case_fields_for_duties
Revises: 0008_visit_withdrawals
Create Date: 2026-12-06 02:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_case_fields_for_duties"
down_revision = "0008_visit_withdrawals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_status", sa.String(length=40), nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(length=40), nullable=True))
    op.create_table(
        "overrides",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("every", sa.String(length=40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overrides_child_id"), ["child_id"], unique=False)


def downgrade():
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overrides_child_id"))
    op.drop_table("overrides")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("role")
        batch_op.drop_column("time")
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_column("legal_status")
