"""The log of deliveries: who loaded what, when, and how many rows each table took."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now(UTC)


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batches"

    id: int | None = Field(default=None, primary_key=True)
    source: str
    started_at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    effective_date: date
    rows_written: int = 0
    rows_rejected: int = 0
    tables: dict[str, dict[str, int]] = Field(default_factory=dict, sa_column=Column(JSON))


class ImportWarning(SQLModel, table=True):
    """A row a delivery brought that was accepted although implausible (issue 11).

    Kept with its batch so a data-quality finding can say which row of which delivery to
    correct, long after the import's own report is gone. Looked up by (table, key), newest first.
    """

    __tablename__ = "import_warnings"
    __table_args__ = (Index("ix_import_warnings_table_key", "table_name", "row_key", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id")
    table_name: str
    row_key: str
    file: str
    row: int | None = None
    column: str | None = None
    code: str
    message: str
