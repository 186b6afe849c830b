"""the disconnection inventory: how often it is asked, and each partner's takes

Revision ID: 0017_inventory
Revises: 0016_journal
Create Date: 2026-12-03 09:00:00

Each take holds ten ratings (0 to 4) kept for the counselor unless the writer shares them,
and a note with its own visibility, like every other answer a partner writes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_inventory"
down_revision = "0016_journal"
branch_labels = None
depends_on = None

SIGNS = (
    "withholding",
    "curiosity",
    "conflict",
    "affection",
    "separate",
    "surface",
    "lonely",
    "indifference",
    "future",
    "resentment",
)


def upgrade():
    op.create_table(
        "inventory_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "every_weeks BETWEEN 1 AND 26", name=op.f("ck_inventory_schedules_every_weeks")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_inventory_schedules_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_schedules")),
        sa.UniqueConstraint("assignment_id", name="uq_inventory_schedules_assignment"),
    )
    op.create_table(
        "inventory_takes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        *(sa.Column(sign, sa.Integer(), nullable=False) for sign in SIGNS),
        sa.Column("ratings_shared", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_visibility", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *(
            sa.CheckConstraint(f"{sign} BETWEEN 0 AND 4", name=op.f(f"ck_inventory_takes_{sign}"))
            for sign in SIGNS
        ),
        sa.CheckConstraint(
            "note_visibility IN ('shared', 'counselor')",
            name=op.f("ck_inventory_takes_note_visibility"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_inventory_takes_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_inventory_takes_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["confidentiality_policies.id"],
            name=op.f("fk_inventory_takes_policy_id_confidentiality_policies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_takes")),
        sa.UniqueConstraint(
            "assignment_id", "partner_id", "week_start", name="uq_inventory_takes_week"
        ),
    )
    with op.batch_alter_table("inventory_takes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_takes_partner_id"), ["partner_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("inventory_takes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_takes_partner_id"))
    op.drop_table("inventory_takes")
    op.drop_table("inventory_schedules")
