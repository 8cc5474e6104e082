"""calendar feeds: feed_tokens, feed_preferences, feed_policy

Revision ID: 0003_feeds
Revises: 0002_push
Create Date: 2026-11-23 12:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_feeds"
down_revision = "0002_push"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_feed_tokens_worker_id_workers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
        sa.UniqueConstraint("worker_id", "kind", name="uq_feed_tokens_worker_id_kind"),
    )
    op.create_table(
        "feed_preferences",
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("show_projected", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_feed_preferences_worker_id_workers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_feed_preferences")),
    )
    op.create_table(
        "feed_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("names_allowed", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=32), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["workers.id"], name=op.f("fk_feed_policy_changed_by_workers"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_policy")),
    )


def downgrade():
    op.drop_table("feed_policy")
    op.drop_table("feed_preferences")
    op.drop_table("feed_tokens")
