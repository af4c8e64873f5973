"""audit log and task events refuse replacement and are hash-chained (issue 17)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from compliance.chain import CHAINED, GENESIS, row_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_APPEND_ONLY = ("audit_log", "task_events")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _drop_append_only(postgresql)
    for table in _APPEND_ONLY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
            batch_op.add_column(
                sa.Column("row_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
        _backfill(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "prev_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False
            )
            batch_op.alter_column(
                "row_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False
            )
    _create_append_only(postgresql, refuse_replace=True)


def _backfill(table: str) -> None:
    """Chain the rows already there, in id order (the triggers are down meanwhile)."""
    bind = op.get_bind()
    # As compliance.chain.stored_columns reads them: JSON as the text stored.
    columns = [
        sa.cast(sa.column(name), sa.Text).label(name) if name in ("before", "after")
        else sa.column(name, sa.DateTime(timezone=True) if name == "at" else None)
        for name in CHAINED[table]
    ]  # fmt: off
    rows = bind.execute(sa.select(*columns).select_from(sa.table(table)).order_by(sa.text("id")))
    prev = GENESIS
    updates = []
    for row in rows:
        digest = row_hash(table, row._mapping, prev)
        updates.append({"row_id": row.id, "prev": prev, "digest": digest})
        prev = digest
    statement = sa.text(
        f"UPDATE {table} SET prev_hash = :prev, row_hash = :digest WHERE id = :row_id"
    )
    for start in range(0, len(updates), 10_000):
        bind.execute(statement, updates[start : start + 10_000])


def _drop_append_only(postgresql: bool, refuse_replace: bool = False) -> None:
    for table in _APPEND_ONLY:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            continue
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(f"DROP TRIGGER {table}_no_delete")
        if refuse_replace:
            op.execute(f"DROP TRIGGER {table}_no_replace")


def _create_append_only(postgresql: bool, refuse_replace: bool) -> None:
    """As migration 0004, and on SQLite also a refusal of INSERT OR REPLACE / REPLACE INTO.

    SQLite's REPLACE deletes the old row without firing delete triggers (recursive_triggers is
    off by default, and a connection chooses it); a BEFORE INSERT trigger sees the clash first.
    PostgreSQL has no REPLACE, and its INSERT … ON CONFLICT DO UPDATE fires the statement-level
    BEFORE UPDATE trigger, which refuses it.
    """
    for table in _APPEND_ONLY:
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION append_only()"
            )
            continue
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        if refuse_replace:
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _drop_append_only(postgresql, refuse_replace=True)
    for table in _APPEND_ONLY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("row_hash")
            batch_op.drop_column("prev_hash")
    _create_append_only(postgresql, refuse_replace=False)
