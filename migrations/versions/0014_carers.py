"""Carers as visited parties: carers, carer_visits, episodes.carer_household

Foster carers and connected persons have their own visits due (core/carers.py); a child's
placement may name the carers' household.

Revision ID: 0014_carers
Revises: 0013_visit_write_ups
Create Date: 2026-12-06 05:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_carers"
down_revision = "0013_visit_write_ups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "carers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("approved", sa.Date(), nullable=False),
        sa.Column("transferred", sa.Date(), nullable=True),
        sa.Column("ended", sa.Date(), nullable=True),
        sa.Column("household", sa.String(length=64), nullable=True),
        sa.Column("supervising_worker_id", sa.String(length=32), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supervising_worker_id"], ["workers.id"], name=op.f("fk_carers_supervising_worker_id_workers")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_carers_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carers")),
        sa.UniqueConstraint("reference", name=op.f("uq_carers_reference")),
    )
    with op.batch_alter_table("carers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carers_household"), ["household"], unique=False)
        batch_op.create_index(batch_op.f("ix_carers_supervising_worker_id"), ["supervising_worker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_carers_team_id"), ["team_id"], unique=False)
    op.create_table(
        "carer_visits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("carer_id", sa.String(length=32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("unannounced", sa.Boolean(), nullable=False),
        sa.Column("visitor_id", sa.String(length=32), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["carer_id"], ["carers.id"], name=op.f("fk_carer_visits_carer_id_carers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["visitor_id"], ["workers.id"], name=op.f("fk_carer_visits_visitor_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carer_visits")),
    )
    with op.batch_alter_table("carer_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carer_visits_carer_id"), ["carer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_carer_visits_visitor_id"), ["visitor_id"], unique=False)
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carer_household", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_episodes_carer_household"), ["carer_household"], unique=False)


def downgrade():
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episodes_carer_household"))
        batch_op.drop_column("carer_household")
    with op.batch_alter_table("carer_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carer_visits_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_carer_visits_carer_id"))
    op.drop_table("carer_visits")
    with op.batch_alter_table("carers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carers_team_id"))
        batch_op.drop_index(batch_op.f("ix_carers_supervising_worker_id"))
        batch_op.drop_index(batch_op.f("ix_carers_household"))
    op.drop_table("carers")
