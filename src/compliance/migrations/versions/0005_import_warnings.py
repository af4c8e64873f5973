"""import warnings kept with their batch (issue 11)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("file", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("column", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_warnings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_warnings_table_key", ["table_name", "row_key", "code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("import_warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_import_warnings_table_key")
    op.drop_table("import_warnings")
