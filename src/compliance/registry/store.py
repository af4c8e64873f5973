"""Bulk reads and writes of registry rows, one fast path per database.

Never ORM objects here: ``session.add_all`` is ~15× slower than these paths on a million rows
(../shared/notes.md). SQLite gets raw ``executemany`` with ``ON CONFLICT DO UPDATE``;
PostgreSQL gets ``COPY`` into a temporary table and one ``INSERT … SELECT … ON CONFLICT``.
Both run inside the caller's transaction, so an import is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.sql import Select

from compliance.models import UnionSuperior
from compliance.models.registry import SQLModel

Progress = Callable[[int], None]
_SQLITE_CHUNK = 20_000
# Dates go to SQLite as ISO text, as SQLAlchemy's Date stores them; registered here because
# Python 3.12 deprecates sqlite3's built-in date adapter. A C-level lookup, no per-row Python.
sqlite3.register_adapter(dt.date, dt.date.isoformat)
_IN_CHUNK = 900  # SQLite's historical bound on bound parameters is 999


def _table(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def count_rows(conn: Connection, table: str) -> int:
    return int(conn.execute(select(func.count()).select_from(_table(table))).scalar_one())


def existing_keys(conn: Connection, table: str, column: str, values: Iterable[str]) -> set[str]:
    """Which of ``values`` are stored keys of ``table`` (looked up in chunks, not a full scan)."""
    col = _table(table).c[column]
    wanted = sorted(set(values))
    found: set[str] = set()
    statement: Select[Any] = select(col).where(col.in_(bindparam("keys", expanding=True)))
    for start in range(0, len(wanted), _IN_CHUNK):
        found.update(conn.execute(statement, {"keys": wanted[start : start + _IN_CHUNK]}).scalars())
    return found


def upsert(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Progress | None = None,
    *,
    fresh: bool = False,
) -> None:
    """Insert ``rows``; where the key exists, replace the given columns (and only those).

    ``fresh``: the table holds no row yet (and ``rows`` repeat no key), so there is nothing to
    replace and SQLite may skip the conflict check (a plain INSERT is ~20 % faster).
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _pg_upsert(conn, table, columns, key, rows, progress)
    else:
        _sqlite_upsert(conn, table, columns, key, rows, progress, fresh)


def _conflict_clause(columns: Sequence[str], key: Sequence[str], excluded: str) -> str:
    updates = [c for c in columns if c not in key]
    target = ", ".join(key)
    if not updates:
        return f"ON CONFLICT ({target}) DO NOTHING"
    assignments = ", ".join(f"{c} = {excluded}.{c}" for c in updates)
    return f"ON CONFLICT ({target}) DO UPDATE SET {assignments}"


def _sqlite_upsert(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Progress | None,
    fresh: bool,
) -> None:
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    if not fresh:
        sql += " " + _conflict_clause(columns, key, "excluded")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    remaining = iter(rows)  # rows may be a view whose tuples are made as they are read
    try:
        while chunk := list(islice(remaining, _SQLITE_CHUNK)):
            cursor.executemany(sql, chunk)
            if progress:
                progress(len(chunk))
    finally:
        cursor.close()


def _pg_upsert(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    rows: Sequence[Sequence[Any]],
    progress: Progress | None,
) -> None:
    staging = f"_staging_{table}"
    column_list = ", ".join(columns)
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
        f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    conn.exec_driver_sql(f"TRUNCATE {staging}")
    raw = conn.connection.driver_connection  # psycopg.Connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
            for done, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress and done % 50_000 == 0:
                    progress(50_000)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
        + _conflict_clause(columns, key, "EXCLUDED")
    )
    if progress:
        progress(len(rows) % 50_000)


@contextmanager
def indexes_after(conn: Connection, table: str, fresh: bool) -> Iterator[None]:
    """Build an empty SQLite table's secondary indexes once, after its bulk load.

    Inserting a country's rows into an index in the rows' order touches its pages at random
    (measured: a quarter of the write of 800,000 events); one CREATE INDEX sorts instead. The
    DROP and CREATE are part of the import's transaction, so a failure or a crash rolls them
    back with the rows. Tables that already hold rows keep their indexes (an upsert reads them).
    """
    if not fresh or conn.dialect.name != "sqlite":
        yield
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY rowid",
        (table,),
    ).all()
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.exec_driver_sql(sql)


def refresh_statistics(conn: Connection, tables: Iterable[str]) -> None:
    """Fresh planner statistics (``ANALYZE``) for the tables an import filled or grew by a
    tenth, inside its transaction, so they describe its rows.

    Without them the next command planned on guesses. SQLite took two provinces' enterprises
    for more rows than the country's grassroots unions and grouped the latter for each
    scorecard statement (0.3–0.45 s each, 14 s of a national run; 0.1 s at most with them); it
    reads at most 1,000 rows of each index here (``analysis_limit``): 0.7 s nationally.
    PostgreSQL planned on guesses until autovacuum got round to the tables: a ``compliance run``
    right after a province import took 94 s instead of 54 s, its scorecard 31 s instead of 4 s."""
    chosen = [t for t in dict.fromkeys(tables) if t in SQLModel.metadata.tables]
    if not chosen:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE " + ", ".join(chosen))
        return
    conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
    for table in chosen:
        conn.exec_driver_sql(f'ANALYZE "{table}"')


def insert(conn: Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(_table(table).insert(), list(rows))


# The hierarchy --------------------------------------------------------------------------------


def open_superiors(
    conn: Connection, codes: Iterable[str]
) -> dict[str, tuple[int, str | None, Any]]:
    """Open-ended hierarchy rows of ``codes``: code → (row id, superior, valid_from)."""
    hs = UnionSuperior.__table__  # type: ignore[attr-defined]
    wanted = sorted(set(codes))
    result: dict[str, tuple[int, str | None, Any]] = {}
    statement = select(hs.c.union_code, hs.c.id, hs.c.superior_code, hs.c.valid_from).where(
        hs.c.valid_until.is_(None), hs.c.union_code.in_(bindparam("codes", expanding=True))
    )
    for start in range(0, len(wanted), _IN_CHUNK):
        for code, row_id, superior, valid_from in conn.execute(
            statement, {"codes": wanted[start : start + _IN_CHUNK]}
        ):
            result[code] = (row_id, superior, valid_from)
    return result


def replace_history(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the whole stored history of every union named in ``rows``."""
    hs = UnionSuperior.__table__  # type: ignore[attr-defined]
    codes = sorted({r["union_code"] for r in rows})
    for start in range(0, len(codes), _IN_CHUNK):
        conn.execute(hs.delete().where(hs.c.union_code.in_(codes[start : start + _IN_CHUNK])))
    insert(conn, "union_superiors", rows)
    # The flat column follows the open-ended row, so the two views never disagree.
    follow = text(
        "UPDATE unions SET superior_code = (SELECT h.superior_code FROM union_superiors h "
        "WHERE h.union_code = unions.code AND h.valid_until IS NULL) "
        "WHERE code IN (SELECT union_code FROM union_superiors WHERE valid_until IS NULL "
        "AND union_code IN :codes)"
    ).bindparams(bindparam("codes", expanding=True))
    for start in range(0, len(codes), _IN_CHUNK):  # PostgreSQL allows 65,535 parameters
        conn.execute(follow, {"codes": codes[start : start + _IN_CHUNK]})


def close_and_open(
    conn: Connection,
    closes: Sequence[tuple[int, Any]],
    corrections: Sequence[tuple[int, str | None]],
    opens: Sequence[dict[str, Any]],
) -> None:
    """Apply hierarchy changes: end rows at a date, correct rows in place, start new rows."""
    hs = UnionSuperior.__table__  # type: ignore[attr-defined]
    if closes:
        conn.execute(
            hs.update()
            .where(hs.c.id == bindparam("row_id"))
            .values(valid_until=bindparam("until")),
            [{"row_id": i, "until": d} for i, d in closes],
        )
    if corrections:
        conn.execute(
            hs.update()
            .where(hs.c.id == bindparam("row_id"))
            .values(superior_code=bindparam("superior")),
            [{"row_id": i, "superior": s} for i, s in corrections],
        )
    insert(conn, "union_superiors", opens)


# Checks before writing --------------------------------------------------------------------------


def stored_superiors(conn: Connection, codes: Iterable[str]) -> dict[str, str | None]:
    """``unions.superior_code`` of those of ``codes`` that are stored."""
    unions = _table("unions")
    wanted = sorted(set(codes))
    found: dict[str, str | None] = {}
    statement = select(unions.c.code, unions.c.superior_code).where(
        unions.c.code.in_(bindparam("codes", expanding=True))
    )
    for start in range(0, len(wanted), _IN_CHUNK):
        found.update(conn.execute(statement, {"codes": wanted[start : start + _IN_CHUNK]}).all())
    return found


def stored_columns(
    conn: Connection, table: str, key: str, columns: Sequence[str], keys: Iterable[Any]
) -> dict[Any, tuple[Any, ...]]:
    """Stored ``columns`` of the rows of ``table`` whose ``key`` is one of ``keys``.

    Looked up in chunks; when the keys are a large part of the table, one scan is cheaper.
    """
    t = _table(table)
    wanted = set(keys)
    statement: Select[Any] = select(t.c[key], *(t.c[c] for c in columns))
    if len(wanted) > count_rows(conn, table) // 4:
        return {row[0]: tuple(row[1:]) for row in conn.execute(statement) if row[0] in wanted}
    ordered = sorted(wanted)
    found: dict[Any, tuple[Any, ...]] = {}
    chunked = statement.where(t.c[key].in_(bindparam("keys", expanding=True)))
    for start in range(0, len(ordered), _IN_CHUNK):
        for row in conn.execute(chunked, {"keys": ordered[start : start + _IN_CHUNK]}):
            found[row[0]] = tuple(row[1:])
    return found
