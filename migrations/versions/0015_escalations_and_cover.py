"""Supervision: escalations of overdue visits to the team manager, and cover ("act for")

Revision ID: 0015_escalations_and_cover
Revises: 0014_carers
Create Date: 2026-12-06 05:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015_escalations_and_cover"
down_revision = "0014_carers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "escalations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_escalations_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_escalations_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("child_id", "role", "due", name="uq_escalations_child_id_role_due"),
    )
    op.create_index(op.f("ix_escalations_team_id"), "escalations", ["team_id"], unique=False)
    op.create_table(
        "covers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("absent_id", sa.String(length=32), nullable=False),
        sa.Column("covering_id", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("granted_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["absent_id"], ["workers.id"], name=op.f("fk_covers_absent_id_workers")),
        sa.ForeignKeyConstraint(["covering_id"], ["workers.id"], name=op.f("fk_covers_covering_id_workers")),
        sa.ForeignKeyConstraint(["granted_by"], ["workers.id"], name=op.f("fk_covers_granted_by_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covers")),
    )
    op.create_index(op.f("ix_covers_absent_id"), "covers", ["absent_id"], unique=False)
    op.create_index("ix_covers_covering_id_until", "covers", ["covering_id", "until"], unique=False)


def downgrade():
    op.drop_index("ix_covers_covering_id_until", table_name="covers")
    op.drop_index(op.f("ix_covers_absent_id"), table_name="covers")
    op.drop_table("covers")
    op.drop_index(op.f("ix_escalations_team_id"), table_name="escalations")
    op.drop_table("escalations")
