"""appreciation notes: short notes of thanks from one partner to the other

Revision ID: 0019_notes
Revises: 0018_plan
Create Date: 2026-12-03 13:45:00

One table, ``appreciation_notes``: who wrote it and to whom, the week, the words, who may
read them besides the recipient ("partners": between the two of them, the default; or
"shared": the counselor too), the confidentiality policy it was written under, and when
the recipient opened it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_notes"
down_revision = "0018_plan"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appreciation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('partners', 'shared')", name=op.f("ck_appreciation_notes_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_appreciation_notes_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_appreciation_notes_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["partners.id"],
            name=op.f("fk_appreciation_notes_recipient_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["confidentiality_policies.id"],
            name=op.f("fk_appreciation_notes_policy_id_confidentiality_policies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appreciation_notes")),
    )
    op.create_index(
        "ix_appreciation_notes_partner_week", "appreciation_notes", ["partner_id", "week_start"]
    )
    op.create_index(
        "ix_appreciation_notes_recipient", "appreciation_notes", ["recipient_id", "opened_at"]
    )


def downgrade():
    op.drop_index("ix_appreciation_notes_recipient", table_name="appreciation_notes")
    op.drop_index("ix_appreciation_notes_partner_week", table_name="appreciation_notes")
    op.drop_table("appreciation_notes")
