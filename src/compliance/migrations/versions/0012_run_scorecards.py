"""Run scorecards: the counts a whole run stores so reports never re-derive them (issue 15).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "run_scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("province_code", text(), nullable=False),
        sa.Column("target_id", text(), nullable=False),
        sa.Column("definition", text(), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=True),
        sa.Column("shortfall", sa.JSON(), nullable=True),
        sa.Column("shortfall_total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["compliance_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "target_id", name="uq_run_scorecards_target"),
    )


def downgrade() -> None:
    op.drop_table("run_scorecards")
