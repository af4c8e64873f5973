"""finding texts: a finding's sentence rendered on read from its rule's texts; open-ended rows
(issue 15)

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "finding_texts",
        sa.Column("id", text(), nullable=False),
        sa.Column("rule", text(), nullable=False),
        sa.Column("version", text(), nullable=False),
        sa.Column("title", text(), nullable=False),
        sa.Column("template", text(), nullable=False),
        sa.Column("basis", text(), nullable=False),
        sa.Column("citation", text(), nullable=False),
        sa.Column("period", text(), nullable=True),
        sa.Column("source", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.alter_column("explanation", existing_type=text(), nullable=True)
        batch_op.alter_column("last_run_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("texts", text(), nullable=True))
        batch_op.create_foreign_key("fk_findings_texts", "finding_texts", ["texts"], ["id"])
    latest = _latest_whole_run()
    if latest is not None:  # the rows the latest whole run saw run on, open-ended
        op.execute(sa.text("UPDATE findings SET last_run_id = NULL WHERE last_run_id = :id")
                   .bindparams(id=latest))  # fmt: skip


def _latest_whole_run() -> int | None:
    from compliance.models.followup import is_whole_run

    rows = op.get_bind().execute(
        sa.text("SELECT id, scope FROM compliance_runs WHERE kind = 'compliance' ORDER BY id DESC")
    )
    for run_id, scope in rows:
        if is_whole_run(json.loads(scope) if isinstance(scope, str) else scope):
            return int(run_id)
    return None


def downgrade() -> None:
    # Rows written since keep no sentence; the older schema needs one: left empty.
    op.execute("UPDATE findings SET explanation = '' WHERE explanation IS NULL")
    latest = _latest_whole_run()
    if latest is not None:
        op.execute(sa.text("UPDATE findings SET last_run_id = :id WHERE last_run_id IS NULL")
                   .bindparams(id=latest))  # fmt: skip
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.alter_column("last_run_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("fk_findings_texts", type_="foreignkey")
        batch_op.drop_column("texts")
        batch_op.alter_column("explanation", existing_type=sqlmodel.sql.sqltypes.AutoString(),
                              nullable=False)  # fmt: skip
    op.drop_table("finding_texts")
