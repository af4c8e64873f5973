"""The log of deliveries: who loaded what, when, and how many rows each table took."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime
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
