"""Sign-in with the organisation's identity provider, and SCIM provisioning

workers.idp_subject: the identity provider's stable id for the person, recorded at their first
sign-in there. workers.scim_external_id: the directory's id for them, as SCIM sends it.
organisation_sign_ins: sign-ins begun at the identity provider and not yet come back (state
hash, PKCE verifier, nonce), each deleted as its callback reads it.

Revision ID: 0016_organisation_sign_in
Revises: 0015_escalations_and_cover
Create Date: 2026-12-06 05:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_organisation_sign_in"
down_revision = "0015_escalations_and_cover"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idp_subject", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("scim_external_id", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_workers_idp_subject"), ["idp_subject"])
        batch_op.create_unique_constraint(batch_op.f("uq_workers_scim_external_id"), ["scim_external_id"])
    op.create_table(
        "organisation_sign_ins",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_organisation_sign_ins")),
    )
    with op.batch_alter_table("organisation_sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_sign_ins_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("organisation_sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_sign_ins_created_at"))
    op.drop_table("organisation_sign_ins")
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_workers_scim_external_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_workers_idp_subject"), type_="unique")
        batch_op.drop_column("scim_external_id")
        batch_op.drop_column("idp_subject")
