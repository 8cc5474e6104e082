"""plans (planned contacts), the kind of contact on visits, plan reminder lead time

Revision ID: 0004_plans
Revises: 0003_feeds
Create Date: 2026-11-23 12:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004_plans"
down_revision = "0003_feeds"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("planner_id", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("answered_due", sa.Date(), nullable=True),
        sa.Column("answered_plan_by", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_plans_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["planner_id"], ["workers.id"], name=op.f("fk_plans_planner_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index("ix_plans_child_role_status", ["child_id", "role", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_planner_id"), ["planner_id"], unique=False)

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=True))

    # Reminders of planned contacts, an hour before by default (workers who saved settings before too).
    with op.batch_alter_table("reminder_preferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_lead_minutes", sa.Integer(), nullable=True, server_default="60"))


def downgrade():
    with op.batch_alter_table("reminder_preferences", schema=None) as batch_op:
        batch_op.drop_column("plan_lead_minutes")

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("kind")

    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_planner_id"))
        batch_op.drop_index("ix_plans_child_role_status")

    op.drop_table("plans")
