"""a partner's first visit: when they put the introduction on This week away

Revision ID: 0012_privacy_lines
Revises: 0011_counselor_week
Create Date: 2026-12-03 08:00:00

The second partner to join sees a short introduction on This week until they put it away
(``partners.welcomed_at``). Partners who joined before it existed have had their first
visit long ago: they count as welcomed when they joined.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_privacy_lines"
down_revision = "0011_counselor_week"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partners") as batch:
        batch.add_column(sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE partners SET welcomed_at = joined_at WHERE joined_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("partners") as batch:
        batch.drop_column("welcomed_at")
