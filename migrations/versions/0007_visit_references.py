"""visit_references: the id an imported visit had in its source (an SSD visit table)

Revision ID: 0007_visit_references
Revises: 0006_audit_indexes
Create Date: 2026-12-06 02:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_visit_references"
down_revision = "0006_audit_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visit_references",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_references_visit_id_visits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("visit_id", name=op.f("pk_visit_references")),
        sa.UniqueConstraint("source", "reference", name=op.f("uq_visit_references_source_reference")),
    )


def downgrade():
    op.drop_table("visit_references")
