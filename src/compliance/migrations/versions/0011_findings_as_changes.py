"""findings stored as changes: the last whole run that saw a finding unchanged (issue 15)

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    op.execute("UPDATE findings SET last_run_id = run_id")  # every stored row: its own run
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.alter_column("last_run_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("digest", server_default=None)
        batch_op.create_foreign_key(
            "fk_findings_last_run_id", "compliance_runs", ["last_run_id"], ["id"]
        )
        batch_op.create_index("ix_findings_last_run", ["last_run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_last_run")
        batch_op.drop_constraint("fk_findings_last_run_id", type_="foreignkey")
        batch_op.drop_column("digest")
        batch_op.drop_column("last_run_id")
