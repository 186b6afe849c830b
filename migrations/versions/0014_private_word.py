"""a private word to the counselor: any time, for the counselor only

Revision ID: 0014_private_word
Revises: 0013_perf
Create Date: 2026-12-03 09:00:00

Not homework, so no assignment: a partner's words, the couple they belong to, and when the
counselor read them (the dashboard and the digest count the unread ones per couple).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_private_word"
# The appreciation notes' 0015 was not built; this follows main's latest.
down_revision = "0013_perf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "private_words",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "couple_id", sa.Integer(), sa.ForeignKey("couples.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "partner_id",
            sa.Integer(),
            sa.ForeignKey("partners.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_private_words_couple_read", "private_words", ["couple_id", "read_at"])
    op.create_index("ix_private_words_partner_id", "private_words", ["partner_id"])


def downgrade():
    op.drop_index("ix_private_words_partner_id", table_name="private_words")
    op.drop_index("ix_private_words_couple_read", table_name="private_words")
    op.drop_table("private_words")
