"""templates: a counselor's own assignment templates and session note templates

Revision ID: 0022_templates
Revises: 0021_questionnaires
Create Date: 2026-12-04 16:00:00

Two tables owned by a counselor (deleted with their account): ``assignment_templates``
(a kind, its instructions, weeks and the kind's own settings as JSON) and
``note_templates`` (a skeleton for a session's focus, shareable notes and what is agreed).
Both keep ``retired_at``: a retired template is hidden from the choices, never deleted.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_templates"
down_revision = "0021_questionnaires"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assignment_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("instructions", sa.String(length=2000), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_assignment_templates_name")),
        sa.CheckConstraint(
            "weeks IS NULL OR weeks BETWEEN 1 AND 104", name=op.f("ck_assignment_templates_weeks")
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["users.id"],
            name=op.f("fk_assignment_templates_counselor_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_templates")),
    )
    op.create_index(
        op.f("ix_assignment_templates_counselor_id"), "assignment_templates", ["counselor_id"]
    )
    op.create_table(
        "note_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("focus", sa.String(length=300), nullable=False),
        sa.Column("shareable_notes", sa.Text(), nullable=False),
        sa.Column("homework_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_note_templates_name")),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["users.id"],
            name=op.f("fk_note_templates_counselor_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_templates")),
    )
    op.create_index(op.f("ix_note_templates_counselor_id"), "note_templates", ["counselor_id"])


def downgrade():
    op.drop_index(op.f("ix_note_templates_counselor_id"), table_name="note_templates")
    op.drop_table("note_templates")
    op.drop_index(op.f("ix_assignment_templates_counselor_id"), table_name="assignment_templates")
    op.drop_table("assignment_templates")
