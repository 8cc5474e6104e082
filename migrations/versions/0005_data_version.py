"""data_version: the one-row token that response caches compare against

Revision ID: 0005_data_version
Revises: 0004_plans
Create Date: 2026-11-23 13:05:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_data_version"
down_revision = "0004_plans"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "token": "initial"}])


def downgrade():
    op.drop_table("data_version")
