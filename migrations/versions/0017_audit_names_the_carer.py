"""audit_log.carer_id: a carer's audit trail

Reads and changes of a carer's record (their details, their visits) used to be recorded with
no subject: the route named the carer resource, but not which carer. carer_id names it, with a
partial index like the per-child one, so "who read this carer's record" is answered without
scanning the table. Rows written before this revision keep carer_id NULL.

Revision ID: 0017_audit_names_the_carer
Revises: 0016_organisation_sign_in
Create Date: 2026-12-06 06:15:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_audit_names_the_carer"
down_revision = "0016_organisation_sign_in"
branch_labels = None
depends_on = None

PER_CARER = sa.text("carer_id IS NOT NULL")


def upgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carer_id", sa.String(length=32), nullable=True))
        batch_op.create_index(
            "ix_audit_log_carer_at",
            ["carer_id", "at"],
            unique=False,
            sqlite_where=PER_CARER,
            postgresql_where=PER_CARER,
        )


def downgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_carer_at")
        batch_op.drop_column("carer_id")
