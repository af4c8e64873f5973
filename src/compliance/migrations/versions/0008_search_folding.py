"""vn_fold(text) on PostgreSQL: diacritic- and case-insensitive search, as compliance.folding

SQLite gets the same function from the connection (db._tune_sqlite).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

from compliance.folding import letter_map

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    source, target = (text.replace("'", "''") for text in letter_map())
    op.execute(
        "CREATE OR REPLACE FUNCTION vn_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ SELECT btrim(regexp_replace("
        f"lower(translate(value, '{source}', '{target}')), '[[:space:]_.-]+', ' ', 'g')) $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS vn_fold(text)")
