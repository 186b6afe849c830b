"""a short label for each weekly rhythm item, for the counselor's grid and the PDF

Revision ID: 0011_counselor_week
Revises: 0010_kinds
Create Date: 2026-12-03 08:00:00

An item's wording is a sentence or two ("One shared activity, cooperative rather than
competitive: cook, walk, …"); the week grid and the summary's table heads need a few
words. The counselor can edit the label; existing items get one taken from their wording
by the same rule new items use (``kinds.rhythm.models.label_from``).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_counselor_week"
down_revision = "0010_kinds"
branch_labels = None
depends_on = None

LABEL_MAX = 40


def label_from(wording: str) -> str:
    """A copy of ``kinds.rhythm.models.label_from`` as it was: a migration keeps its rule."""
    text = " ".join((wording or "").split())
    for stop in (":", ".", ";", ",", " - ", " – ", "("):
        head = text.split(stop, 1)[0].strip()
        if 0 < len(head) <= LABEL_MAX and head != text:
            text = head
            break
    if len(text) <= LABEL_MAX:
        return text
    cut = text[: LABEL_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def upgrade():
    with op.batch_alter_table("rhythm_items") as batch:
        batch.add_column(sa.Column("label", sa.String(LABEL_MAX), nullable=False, server_default=""))
    items = sa.table("rhythm_items", sa.column("id", sa.Integer), sa.column("wording", sa.String),
                     sa.column("label", sa.String))
    bind = op.get_bind()
    for row in bind.execute(sa.select(items.c.id, items.c.wording)).all():
        bind.execute(
            items.update().where(items.c.id == row.id).values(label=label_from(row.wording))
        )


def downgrade():
    with op.batch_alter_table("rhythm_items") as batch:
        batch.drop_column("label")
