"""each person's language: the one Hearth speaks to them

Revision ID: 0023_language
Revises: 0022_templates
Create Date: 2026-12-04 16:00:00

``users.locale``: the language a person chose on their account page ("en", "es"); empty
until they choose, when the browser's language is used.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_language"
down_revision = "0022_templates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locale")
