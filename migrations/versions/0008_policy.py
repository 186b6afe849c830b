"""confidentiality policies

Revision ID: 0008_policy
Revises: 0007_mail
Create Date: 2026-12-02 17:40:00

Each counselor's (or one couple's) confidentiality policy, one row per version; the
version each partner confirmed; and on every answer that has a visibility, the policy in
force when it was written.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_policy"
down_revision = "0007_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "confidentiality_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("approach", sa.String(length=16), nullable=False),
        sa.Column("line", sa.String(length=200), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("exceptions", sa.Text(), nullable=False),
        sa.Column("safety", sa.String(length=400), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "approach IN ('no_secrets', 'limited_secrets', 'own')",
            name=op.f("ck_confidentiality_policies_approach"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_confidentiality_policies_version")),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["users.id"],
            name=op.f("fk_confidentiality_policies_counselor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couples.id"],
            name=op.f("fk_confidentiality_policies_couple_id_couples"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidentiality_policies")),
    )
    with op.batch_alter_table("confidentiality_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_confidentiality_policies_counselor_id"), ["counselor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_confidentiality_policies_couple_id"), ["couple_id"], unique=False
        )
        batch_op.create_index(
            "uq_confidentiality_policies_counselor_version",
            ["counselor_id", "version"],
            unique=True,
            sqlite_where=sa.text("couple_id IS NULL AND chosen"),
            postgresql_where=sa.text("couple_id IS NULL AND chosen"),
        )
        batch_op.create_index(
            "uq_confidentiality_policies_couple_version",
            ["couple_id", "version"],
            unique=True,
            sqlite_where=sa.text("couple_id IS NOT NULL"),
            postgresql_where=sa.text("couple_id IS NOT NULL"),
        )

    op.create_table(
        "policy_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_policy_confirmations_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["confidentiality_policies.id"],
            name=op.f("fk_policy_confirmations_policy_id_confidentiality_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_confirmations")),
    )
    with op.batch_alter_table("policy_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_confirmations_partner_id"), ["partner_id"], unique=False
        )

    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_check_ins_policy_id_confidentiality_policies"),
            "confidentiality_policies",
            ["policy_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("need_ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_need_ratings_policy_id_confidentiality_policies"),
            "confidentiality_policies",
            ["policy_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_needs_policy_id_confidentiality_policies"),
            "confidentiality_policies",
            ["policy_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("rhythm_marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_rhythm_marks_policy_id_confidentiality_policies"),
            "confidentiality_policies",
            ["policy_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("rhythm_reflections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_rhythm_reflections_policy_id_confidentiality_policies"),
            "confidentiality_policies",
            ["policy_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("rhythm_reflections", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_rhythm_reflections_policy_id_confidentiality_policies"),
            type_="foreignkey",
        )
        batch_op.drop_column("policy_id")

    with op.batch_alter_table("rhythm_marks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_rhythm_marks_policy_id_confidentiality_policies"), type_="foreignkey"
        )
        batch_op.drop_column("policy_id")

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_needs_policy_id_confidentiality_policies"), type_="foreignkey"
        )
        batch_op.drop_column("policy_id")

    with op.batch_alter_table("need_ratings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_need_ratings_policy_id_confidentiality_policies"), type_="foreignkey"
        )
        batch_op.drop_column("policy_id")

    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_check_ins_policy_id_confidentiality_policies"), type_="foreignkey"
        )
        batch_op.drop_column("policy_id")

    with op.batch_alter_table("policy_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_confirmations_partner_id"))

    op.drop_table("policy_confirmations")
    with op.batch_alter_table("confidentiality_policies", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_confidentiality_policies_couple_version",
            sqlite_where=sa.text("couple_id IS NOT NULL"),
            postgresql_where=sa.text("couple_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_confidentiality_policies_counselor_version",
            sqlite_where=sa.text("couple_id IS NULL AND chosen"),
            postgresql_where=sa.text("couple_id IS NULL AND chosen"),
        )
        batch_op.drop_index(batch_op.f("ix_confidentiality_policies_couple_id"))
        batch_op.drop_index(batch_op.f("ix_confidentiality_policies_counselor_id"))

    op.drop_table("confidentiality_policies")
