"""follow_up_tasks.search_key: the code and name a search compares, folded once (issue 16)

A search of the lists compared ``vn_fold(unit || ' ' || unit_name)`` on every row of every
search: in the country, 234,000 names folded in Python per query (11 s). The key is folded when
the task opens; the rows already stored are folded here, by the same function.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    op.execute(
        "UPDATE follow_up_tasks SET search_key = vn_fold(unit || ' ' || coalesce(unit_name, ''))"
    )


def downgrade() -> None:
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.drop_column("search_key")
