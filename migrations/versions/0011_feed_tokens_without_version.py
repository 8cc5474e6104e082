"""Drop feed_tokens.version: no longer read or written since the data version took its place

Revision ID: 0011_feed_tokens_without_version
Revises: 0010_override_agreed_by
Create Date: 2026-12-06 05:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_feed_tokens_without_version"
down_revision = "0010_override_agreed_by"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.drop_column("version")


def downgrade():
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
