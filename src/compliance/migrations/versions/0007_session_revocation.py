"""accounts: server-side session revocation (issue 17)

Sessions carry the account's session_version (bumped by logout and password change); failed
logins are counted per name and per address in login_throttle, which replaces the per-account
counters (they could not count names that do not exist).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_version", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_column("session_version")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("failed_logins", server_default=None)
    op.drop_table("login_throttle")
