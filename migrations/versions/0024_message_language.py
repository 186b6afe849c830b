"""the language a message was written in, when its sender chose one

Revision ID: 0024_message_language
Revises: 0023_language
Create Date: 2026-12-04 19:45:00

``messages.locale``: an invitation goes to someone with no account (so no language of
their own yet); the counselor chooses the language it is written in when more than one is
offered. Empty for every other message, which is written in its recipient's language.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_message_language"
down_revision = "0023_language"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("locale")
