"""a version number on each couple's data, for telling a stored PDF is still current

Revision ID: 0013_perf
Revises: 0012_privacy_lines
Create Date: 2026-12-03 08:40:00

Every change to what a couple's summaries show raises ``couples.data_version`` in the same
transaction, so a stored PDF is known to be current from one number instead of drawing the
summary again to compare. Stored PDFs were keyed by a hash of their HTML; that key no
longer matches, so each is drawn once more when next asked for.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_perf"
down_revision = "0012_privacy_lines"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("couples") as batch:
        batch.add_column(sa.Column("data_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("couples") as batch:
        batch.drop_column("data_version")
