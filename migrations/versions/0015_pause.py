"""the pause agreement: the rule's wordings, and a log of the times a couple paused

Revision ID: 0015_pause
Revises: 0014_private_word
Create Date: 2026-12-03 09:05:00

``pause_rules`` holds each wording of a couple's pause rule (proposed, accepted or replaced);
the words are the couple's joint rule, shown to both. ``paused_moments`` holds each pause a
partner logged, with how the return went and a note under the writer's choice of who reads
them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_pause"
down_revision = "0014_private_word"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pause_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("calming", sa.String(length=300), nullable=False),
        sa.Column("coming_back", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("minutes BETWEEN 5 AND 240", name=op.f("ck_pause_rules_minutes")),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'replaced')", name=op.f("ck_pause_rules_status")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_pause_rules_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_pause_rules_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by"],
            ["partners.id"],
            name=op.f("fk_pause_rules_accepted_by_partners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pause_rules")),
    )
    op.create_table(
        "paused_moments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("paused_on", sa.Date(), nullable=False),
        sa.Column("came_back", sa.Boolean(), nullable=False),
        sa.Column("return_rating", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "return_rating BETWEEN 1 AND 5", name=op.f("ck_paused_moments_return_rating")
        ),
        sa.CheckConstraint(
            "visibility IN ('shared', 'counselor')", name=op.f("ck_paused_moments_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_paused_moments_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_paused_moments_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["confidentiality_policies.id"],
            name=op.f("fk_paused_moments_policy_id_confidentiality_policies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paused_moments")),
    )
    op.create_index(
        "ix_paused_moments_partner_week", "paused_moments", ["partner_id", "week_start"]
    )


def downgrade():
    op.drop_index("ix_paused_moments_partner_week", table_name="paused_moments")
    op.drop_table("paused_moments")
    op.drop_table("pause_rules")
