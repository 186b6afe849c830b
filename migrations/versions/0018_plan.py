"""the connection plan: the counselor's three numbers, and each date, night away or trip

Revision ID: 0018_plan
Revises: 0017_inventory
Create Date: 2026-12-03 13:30:00

``plan_settings`` holds how often the counselor asks for each (7 days, 7 weeks, 7 months
unless changed). ``planned_times`` holds what the couple planned: the day, an optional
time, what (their joint words, shown to both), who arranges it, and when it is marked
done the marker's note under their choice of who reads it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_plan"
down_revision = "0017_inventory"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("date_days", sa.Integer(), nullable=False),
        sa.Column("away_weeks", sa.Integer(), nullable=False),
        sa.Column("trip_months", sa.Integer(), nullable=False),
        sa.CheckConstraint("away_weeks BETWEEN 1 AND 52", name=op.f("ck_plan_settings_away_weeks")),
        sa.CheckConstraint("date_days BETWEEN 1 AND 31", name=op.f("ck_plan_settings_date_days")),
        sa.CheckConstraint(
            "trip_months BETWEEN 1 AND 24", name=op.f("ck_plan_settings_trip_months")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_plan_settings_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_settings")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_plan_settings_assignment_id")),
    )
    op.create_table(
        "planned_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=8), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("at_time", sa.Time(), nullable=True),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("arranger_id", sa.Integer(), nullable=True),
        sa.Column("planned_by", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "occasion IN ('date', 'away', 'trip')", name=op.f("ck_planned_times_occasion")
        ),
        sa.CheckConstraint(
            "visibility IN ('shared', 'counselor')", name=op.f("ck_planned_times_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["arranger_id"],
            ["partners.id"],
            name=op.f("fk_planned_times_arranger_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_planned_times_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["partners.id"],
            name=op.f("fk_planned_times_done_by_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["planned_by"],
            ["partners.id"],
            name=op.f("fk_planned_times_planned_by_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["confidentiality_policies.id"],
            name=op.f("fk_planned_times_policy_id_confidentiality_policies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_times")),
    )
    with op.batch_alter_table("planned_times", schema=None) as batch_op:
        batch_op.create_index(
            "ix_planned_times_assignment_on", ["assignment_id", "on_day"], unique=False
        )


def downgrade():
    with op.batch_alter_table("planned_times", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_times_assignment_on")
    op.drop_table("planned_times")
    op.drop_table("plan_settings")
