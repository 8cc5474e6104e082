"""Feed links of a deactivated worker retire rather than vanish

feed_tokens.retired_at: when the worker was deactivated. A retired link answers an empty
calendar (so calendar apps drop the children's events they hold) for a period, then 404.

Revision ID: 0018_retired_feed_links
Revises: 0017_audit_names_the_carer
Create Date: 2026-12-06 06:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_retired_feed_links"
down_revision = "0017_audit_names_the_carer"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
