"""check-in questions: a counselor's own scales and prompts, in versions by week

Revision ID: 0020_checkin_questions
Revises: 0019_notes
Create Date: 2026-12-04 15:37:08.427628

A check-in assignment may have versions of its own questions (``check_in_question_sets``,
each in force from a week on) with their questions (``check_in_questions``: a stable key
across versions, the wording, a scale's anchors and range or a prompt's default
visibility). A check-in points at the version it was written under; answers without a
standard column go to ``check_in_answers``. The three standard scale columns may now be
empty (a version that dropped the scale or changed its range).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_checkin_questions"
down_revision = "0019_notes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "check_in_question_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_check_in_question_sets_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in_question_sets")),
        sa.UniqueConstraint(
            "assignment_id", "effective_from", name="uq_check_in_question_sets_week"
        ),
    )
    op.create_table(
        "check_in_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("low_word", sa.String(length=40), nullable=False),
        sa.Column("high_word", sa.String(length=40), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("default_visibility", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "default_visibility IN ('shared', 'counselor')",
            name=op.f("ck_check_in_questions_default_visibility"),
        ),
        sa.CheckConstraint("kind IN ('scale', 'prompt')", name=op.f("ck_check_in_questions_kind")),
        sa.CheckConstraint(
            "low IN (0, 1) AND high > low AND high <= 10", name=op.f("ck_check_in_questions_range")
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["check_in_question_sets.id"],
            name=op.f("fk_check_in_questions_set_id_check_in_question_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in_questions")),
        sa.UniqueConstraint("set_id", "key", name="uq_check_in_questions_key"),
        sa.UniqueConstraint("set_id", "kind", "position", name="uq_check_in_questions_position"),
    )
    op.create_table(
        "check_in_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_in_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('shared', 'counselor')", name=op.f("ck_check_in_answers_visibility")
        ),
        sa.CheckConstraint("number BETWEEN 0 AND 10", name=op.f("ck_check_in_answers_number")),
        sa.ForeignKeyConstraint(
            ["check_in_id"],
            ["check_ins.id"],
            name=op.f("fk_check_in_answers_check_in_id_check_ins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_check_in_answers_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["check_in_questions.id"],
            name=op.f("fk_check_in_answers_question_id_check_in_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in_answers")),
        sa.UniqueConstraint("check_in_id", "question_id", name="uq_check_in_answers_question"),
    )
    with op.batch_alter_table("check_in_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_in_answers_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_check_in_answers_question_id"), ["question_id"], unique=False
        )

    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_set_id", sa.Integer(), nullable=True))
        batch_op.alter_column("connected", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("heard", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("stress", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_check_ins_question_set_id"), ["question_set_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_check_ins_question_set_id_check_in_question_sets"),
            "check_in_question_sets",
            ["question_set_id"],
            ["id"],
        )


def downgrade():
    # Check-ins without the three standard numbers cannot live in the older table.
    op.execute("DELETE FROM check_ins WHERE connected IS NULL OR heard IS NULL OR stress IS NULL")
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_check_ins_question_set_id_check_in_question_sets"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_check_ins_question_set_id"))
        batch_op.alter_column("stress", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("heard", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("connected", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("question_set_id")

    with op.batch_alter_table("check_in_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_answers_question_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_answers_partner_id"))

    op.drop_table("check_in_answers")
    op.drop_table("check_in_questions")
    op.drop_table("check_in_question_sets")
