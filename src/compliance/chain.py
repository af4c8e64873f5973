"""The hash chain over the history tables (``audit_log`` and ``task_events``).

The database refuses UPDATE, DELETE and replacement of their rows (triggers, migrations 0004
and 0006), but someone with the database file or an owner's password can drop a trigger. So
each row also stores the hash of the row before it and its own hash: sha256 over a canonical
JSON of its fields and the previous hash. Editing, removing or reordering a row breaks the
chain at that row, and ``compliance audit verify`` names it.

Every writer appends through :func:`append`, inside its own transaction: it takes the table's
write lock before reading the last hash, so two writers can never fork the chain (SQLite
serialises writers already: callers hold the write lock through ``db.writing`` or an earlier
write; PostgreSQL gets ``LOCK TABLE … IN SHARE ROW EXCLUSIVE MODE``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, Text, cast, select, text

from compliance.bulk import JsonMemo, insert_rows
from compliance.models.accounts import AuditEntry
from compliance.models.followup import TaskEvent

GENESIS = "0" * 64
# The fields each table's hash covers, fixed: a column added later is not silently chained
# (nor does it change the hash of rows written before it). Change only with a migration that
# re-chains, and a new version tag.
CHAINED: dict[str, tuple[str, ...]] = {
    "audit_log": (
        "id", "at", "actor", "action", "task_id", "rule", "unit", "before", "after", "note",
    ),
    "task_events": (
        "id", "task_id", "at", "run_id", "actor", "action", "before", "after", "note",
    ),
}  # fmt: off
VERSION = "v1"
_FIELDS = {table: itemgetter(*fields) for table, fields in CHAINED.items()}
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def _timestamp(value: dt.datetime) -> str:
    """UTC, microseconds: the same text for what was written and what either database returns
    (SQLite gives the UTC wall time back without a zone, PostgreSQL in the session's zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(table: str, row: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 of the row's chained fields, its table and the previous row's hash.

    JSON columns enter as the exact text stored (``stored_columns`` reads them so), which
    needs no canonical form: what is hashed is what is on disk, byte for byte.
    """
    values = [VERSION, table, prev_hash, *_FIELDS[table](row)]
    return hashlib.sha256(_ENCODE([_text(v) for v in values]).encode("utf-8")).hexdigest()


def _text(value: Any) -> Any:
    return _timestamp(value) if type(value) is dt.datetime else value


def stored_columns(table: Table) -> list[Any]:
    """The chained columns to read for hashing: JSON ones as their stored text."""
    return [
        cast(table.c[name], Text).label(name) if isinstance(table.c[name].type, JSON)
        else table.c[name]
        for name in CHAINED[table.name]
    ]  # fmt: off


def lock(conn: Connection, table: Table) -> None:
    """Hold the table's append lock to commit (PostgreSQL; SQLite has one writer at a time)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))


def _last(conn: Connection, table: Table) -> tuple[int, str]:
    row = conn.execute(
        select(table.c.id, table.c.row_hash).order_by(table.c.id.desc()).limit(1)
    ).first()
    return (0, GENESIS) if row is None else (row.id, row.row_hash)


def append(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Chain and insert ``rows`` (dicts of the table's columns, no id) in one pass; their ids.

    Ids are given here, in order after the last row, so each hash can cover its id; one bulk
    insert follows (a national run appends hundreds of thousands of task events).
    """
    if not rows:
        return []
    name = table.name
    fields = CHAINED[name]
    json_columns = [c for c in fields if isinstance(table.c[c].type, JSON)]
    memo = JsonMemo()  # the text hashed is the text insert_rows stores: one encoding each
    stamps: dict[int, tuple[dt.datetime, dt.datetime, str]] = {}  # a batch shares its "now"
    lock(conn, table)
    last_id, prev = _last(conn, table)
    chained: list[dict[str, Any]] = []
    for offset, row in enumerate(rows, start=1):
        record = {column: row.get(column) for column in fields}
        record["id"] = last_id + offset
        hashed = dict(record)
        at = record["at"]
        if isinstance(at, dt.datetime):
            stamp = stamps.get(id(at))
            if stamp is None:
                utc = at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)
                stamp = stamps[id(at)] = (at, utc, _timestamp(utc))
            record["at"], hashed["at"] = stamp[1], stamp[2]
        for column in json_columns:
            hashed[column] = memo.text(record[column])
        record["prev_hash"] = prev
        record["row_hash"] = prev = row_hash(name, hashed, prev)
        chained.append(record)
    insert_rows(conn, table, chained, memo)
    if conn.dialect.name == "postgresql":  # explicit ids leave the serial sequence behind
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), :last)"),
            {"last": chained[-1]["id"]},
        )
    return [r["id"] for r in chained]


@dataclass(frozen=True)
class Break:
    """The first link that does not hold: where, and what differs."""

    table: str
    id: int
    problem: str


@dataclass(frozen=True)
class ChainState:
    table: str
    rows: int
    last_hash: str
    broken: Break | None


def verify_table(conn: Connection, table: Table, batch: int = 10_000) -> ChainState:
    """Walk the table by id, recomputing each hash; stop at the first broken link."""
    name = table.name
    columns = [*stored_columns(table), table.c.prev_hash, table.c.row_hash]
    statement = select(*columns).order_by(table.c.id)
    with conn.execution_options(yield_per=batch).execute(statement) as rows:
        return _walk(name, rows)


def _walk(name: str, rows: Iterable[Any]) -> ChainState:
    prev, prev_id, count = GENESIS, None, 0
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            where = "đầu chuỗi" if prev_id is None else f"dòng id={prev_id}"
            return ChainState(
                name, count, prev,
                Break(name, row.id, f"mã băm trước (prev_hash) không khớp mã băm của {where}: "
                      "có dòng bị xóa, chèn hoặc đổi chỗ trước dòng này"),
            )  # fmt: off
        expected = row_hash(name, row._mapping, prev)
        if row.row_hash != expected:
            return ChainState(
                name, count, prev,
                Break(name, row.id, f"nội dung dòng đã bị sửa: mã băm lưu {row.row_hash} ≠ "
                      f"mã băm tính lại {expected}"),
            )  # fmt: off
        prev, prev_id = row.row_hash, row.id
    return ChainState(name, count, prev, None)


def verify(conn: Connection) -> list[ChainState]:
    """Both chains: the audit log, then the task histories."""
    return [
        verify_table(conn, model.__table__)  # type: ignore[attr-defined]
        for model in (AuditEntry, TaskEvent)
    ]
