"""form keys are one person's

Revision ID: 0005_sec_b
Revises: 0004
Create Date: 2026-12-02 17:00:00

A one-time form key was unique across everyone, so the same key sent by two people made
the second one a "repeat" of the first. The key is now unique per person.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0005_sec_b"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_constraint("pk_form_submissions", type_="primary")
        batch_op.create_primary_key("pk_form_submissions", ["key", "user_id"])


def downgrade():
    # Keys made by two people may now be equal; the older row of each key stays.
    op.execute(
        "DELETE FROM form_submissions WHERE EXISTS (SELECT 1 FROM form_submissions AS o "
        "WHERE o.key = form_submissions.key AND (o.created_at < form_submissions.created_at "
        "OR (o.created_at = form_submissions.created_at AND o.user_id < form_submissions.user_id)))"
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_constraint("pk_form_submissions", type_="primary")
        batch_op.create_primary_key("pk_form_submissions", ["key"])
