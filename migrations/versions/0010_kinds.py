"""the kinds of homework are listed in the registry, not in a check constraint

Revision ID: 0010_kinds
Revises: 0009_secmail
Create Date: 2026-12-02 20:30:00

``assignments.kind`` named the three kinds in a CHECK constraint, so every new kind would
have had to alter the assignments table. The kinds are listed once, in
``kinds.registry``; the model refuses any other value before it is written.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_kinds"
down_revision = "0009_secmail"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments") as batch:
        batch.drop_constraint(op.f("ck_assignments_kind"), type_="check")


def downgrade():
    with op.batch_alter_table("assignments") as batch:
        batch.create_check_constraint(
            op.f("ck_assignments_kind"), "kind IN ('rhythm', 'needs', 'checkin')"
        )
