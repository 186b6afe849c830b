"""the shared journal of progress: moments a partner wrote down

Revision ID: 0016_journal
Revises: 0015_pause
Create Date: 2026-12-03 09:00:00

One table, ``journal_entries``: a sentence, an optional day it happened, who may read it
(shared with the partner by default) and the confidentiality policy it was written under.

A counselor may pin a moment into a summary. ``pinned_moments.source`` named the three
quotable answers in a CHECK constraint, so every kind with words to quote would have had to
alter that table; the sources are listed once, by each kind's ``pinnable`` in
``kinds.registry``, and the model refuses any other value before it is written (as
``0010_kinds`` did for ``assignments.kind``).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_journal"
down_revision = "0015_pause"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('shared', 'counselor')", name=op.f("ck_journal_entries_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_journal_entries_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_journal_entries_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["confidentiality_policies.id"],
            name=op.f("fk_journal_entries_policy_id_confidentiality_policies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
    )
    op.create_index(
        "ix_journal_entries_partner_week", "journal_entries", ["partner_id", "week_start"]
    )
    with op.batch_alter_table("pinned_moments") as batch:
        batch.drop_constraint(op.f("ck_pinned_moments_source"), type_="check")


def downgrade():
    op.execute("DELETE FROM pinned_moments WHERE source = 'journal'")
    with op.batch_alter_table("pinned_moments") as batch:
        batch.create_check_constraint(
            op.f("ck_pinned_moments_source"), "source IN ('rhythm_mark', 'reflection', 'check_in')"
        )
    op.drop_index("ix_journal_entries_partner_week", table_name="journal_entries")
    op.drop_table("journal_entries")
