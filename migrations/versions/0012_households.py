"""Households and visit conditions: children.household, household_visits, visits.bedroom_seen, visits.seen_awake

A child may belong to a household (a family or sibling-group key) so that siblings are listed
together and seen in one household visit; a visit records whether the child's bedroom was seen
and whether a baby was seen awake, for the practice checks beside due dates.

Revision ID: 0012_households
Revises: 0011_feed_tokens_without_version
Create Date: 2026-12-06 05:15:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012_households"
down_revision = "0011_feed_tokens_without_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "household_visits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("visitor_id", sa.String(length=32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["visitor_id"], ["workers.id"], name=op.f("fk_household_visits_visitor_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_visits")),
    )
    with op.batch_alter_table("household_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_visits_visitor_id"), ["visitor_id"], unique=False)
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_children_household"), ["household"], unique=False)
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bedroom_seen", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("seen_awake", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("seen_awake")
        batch_op.drop_column("bedroom_seen")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_children_household"))
        batch_op.drop_column("household")
    with op.batch_alter_table("household_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_visits_visitor_id"))
    op.drop_table("household_visits")
