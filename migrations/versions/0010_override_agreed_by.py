"""Who agreed an override: overrides.agreed_by

A manager sets a child's more frequent cadence through the API; the row names them. Overrides
imported from a case file have none (their reason says who agreed them).

Revision ID: 0010_override_agreed_by
Revises: 0009_case_fields_for_duties
Create Date: 2026-12-06 03:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_override_agreed_by"
down_revision = "0009_case_fields_for_duties"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_by", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_overrides_agreed_by_workers"), "workers", ["agreed_by"], ["id"])


def downgrade():
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_overrides_agreed_by_workers"), type_="foreignkey")
        batch_op.drop_column("agreed_by")
