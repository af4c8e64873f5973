"""Load a delivery folder into the registry: all of it, or (when asked) all of its good rows.

The order is fixed so that nothing is half-written: read and validate every file → check keys
and references against the delivery and the database → write everything in one transaction
(with the import's log row and, when rows were skipped, the rejects file) → commit. A failure
anywhere before the commit leaves the database as it was; loading the same folder twice gives
the same database.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from compliance import db
from compliance.exceptions import ImportRefused
from compliance.memory import gc_paused
from compliance.models import ImportBatch, ImportWarning
from compliance.registry import checks, store
from compliance.registry.contract import TABLES_BY_NAME, Kind, Table
from compliance.registry.issues import ImportReport, write_rejects
from compliance.registry.reader import discover
from compliance.registry.staging import ProgressSink, Rejects, RowView, Staged, stage
from compliance.settings import TIMEZONE


class _Silent:
    def stage(self, description: str, total: int | None) -> Callable[[int], None]:
        return lambda _n: None


def import_folder(
    engine: Engine,
    folder: Path,
    *,
    skip_bad_rows: bool = False,
    rejects_path: Path | None = None,
    effective_date: dt.date | None = None,
    progress: ProgressSink | None = None,
    strict: bool = False,
    correction: bool = False,
) -> ImportReport:
    """Validate and load ``folder``; raise :class:`ImportRefused` when it cannot be loaded whole.

    ``effective_date`` is the day from which a changed superior applies when the delivery does
    not say (``superior_since``); it defaults to today in Vietnam. Implausible rows are written
    and warned about (and kept in the import log), or refused like errors when ``strict``.
    ``correction``: the delivery may move stored events to another unit (see
    :func:`compliance.registry.checks.check_moves`).
    """
    # Millions of row tuples stay alive until the write: the cyclic collector would scan them
    # over and over (more than half the staging time of a national registry). They hold no
    # cycles, so it pauses for the import.
    with gc_paused():
        return _import(
            engine,
            folder,
            skip_bad_rows,
            rejects_path,
            effective_date,
            progress,
            strict,
            correction,
        )


def _import(
    engine: Engine,
    folder: Path,
    skip_bad_rows: bool,
    rejects_path: Path | None,
    effective_date: dt.date | None,
    progress: ProgressSink | None,
    strict: bool,
    correction: bool = False,
) -> ImportReport:
    started = time.perf_counter()
    sink = progress or _Silent()
    effective = effective_date or dt.datetime.now(TIMEZONE).date()
    report = ImportReport(source=str(folder))
    sources, issues = discover(folder)
    report.issues.extend(issues)
    if report.errors:
        raise ImportRefused(report)  # a file-level problem: no row of it can be trusted

    rejects = Rejects()
    staged = [stage(source, report, rejects, sink, strict=strict) for source in sources]
    if _unreadable(report):
        raise ImportRefused(report)
    for table in staged:
        checks.check_duplicates(table, report, rejects, skip_bad_rows)
        if table.table.name == "union_hierarchy":
            checks.check_overlaps(table, report, rejects)

    db.upgrade(engine)
    with engine.begin() as conn:
        checks.check_cycles(conn, staged, report, rejects, skip_bad_rows)
        checks.check_references(conn, staged, report, rejects, skip_bad_rows)
        checks.check_moves(conn, staged, report, rejects, correction)
        if report.errors and not skip_bad_rows:
            raise ImportRefused(report)
        _write(conn, staged, report, sink, effective)
        for name, table_count in report.tables.items():
            table_count.rejected = rejects.count(name)
        if rejects.rows:
            report.rejects_file = rejects_path or Path(
                f"import-rejects-{dt.datetime.now(TIMEZONE):%Y%m%dT%H%M%S}.csv"
            )
            write_rejects(report.rejects_file, rejects.merged())
        report.batch_id = _log_batch(conn, report, effective)
        _log_warnings(conn, report)
    report.seconds = time.perf_counter() - started
    return report


def _unreadable(report: ImportReport) -> bool:
    """A file-level error (no row of the file can be trusted, even when skipping bad rows)."""
    return any(i.row is None or i.row == 1 or i.code.startswith("file.") for i in report.errors)


# Writing ---------------------------------------------------------------------------------------


def _write(
    conn: Connection,
    staged: list[Staged],
    report: ImportReport,
    sink: ProgressSink,
    effective: dt.date,
) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # unions point at unions
    grown: list[str] = []  # tables whose statistics the write made stale
    for table_staged in staged:
        name = table_staged.table.name
        rows = table_staged.live()
        count = report.tables[name]
        if name == "union_hierarchy":
            _write_history(conn, table_staged, rows)
            count.inserted = len(rows)
            table_staged.clear()
            grown.append("union_superiors")
            continue
        before = store.count_rows(conn, name)
        if not before or len(rows) > before // 10:
            grown.extend([name, "union_superiors"] if name == "unions" else [name])
        previous = (
            store.open_superiors(conn, (r[0] for r in rows))
            if name == "unions" and before and "superior_code" in table_staged.columns
            else {}
        )
        advance = sink.stage(f"Ghi {name}", len(rows))
        columns = [c for c in table_staged.columns if not TABLES_BY_NAME[name].column(c).extension]
        values = rows if len(columns) == len(table_staged.columns) else table_staged.live(columns)
        if conn.dialect.name == "sqlite":
            values = _dates_as_text(values, table_staged.table, columns)
        with store.indexes_after(conn, name, fresh=not before):
            key = table_staged.table.key
            store.upsert(conn, name, columns, key, values, advance, fresh=not before)
        # Into an empty table every row is new (keys are unique by now): no count of a
        # country's rows after the write.
        count.inserted = store.count_rows(conn, name) - before if before else len(rows)
        count.updated = len(rows) - count.inserted
        if name == "unions" and "superior_code" in table_staged.columns:
            _sync_hierarchy(
                conn, table_staged, rows, previous, effective, by_history=_history_codes(staged)
            )
        # Written: its rows go now, not with the country's other tables at the end (peak RSS).
        del rows, values
        table_staged.clear()
    store.refresh_statistics(conn, grown)


def _dates_as_text(
    values: Sequence[tuple[Any, ...]], table: Table, columns: list[str]
) -> Sequence[tuple[Any, ...]]:
    """Dates as the ISO text SQLite stores, made once per distinct day: sqlite3's adapter
    makes it with a Python call per cell (about a sixth of the write)."""
    if not isinstance(values, RowView):
        return values  # rows were dropped: the adapter does it
    data = []
    for name, column in zip(columns, values.data, strict=True):
        if table.column(name).kind is Kind.DATE:
            text = {day: day.isoformat() for day in set(column) if day is not None}
            column = list(map(text.get, column))
        data.append(column)
    return RowView(data)


def _history_codes(staged: list[Staged]) -> set[str]:
    for s in staged:
        if s.table.name == "union_hierarchy":
            at = s.position("union_code")
            return {r[at] for r in s.live()}
    return set()


def _write_history(conn: Connection, staged: Staged, rows: list[tuple[Any, ...]]) -> None:
    store.replace_history(conn, [dict(zip(staged.columns, r, strict=True)) for r in rows])


def _sync_hierarchy(
    conn: Connection,
    staged: Staged,
    rows: list[tuple[Any, ...]],
    previous: dict[str, tuple[int, str | None, Any]],
    effective: dt.date,
    by_history: set[str],
) -> None:
    """Keep the effective-dated hierarchy in step with the superiors a delivery states.

    A union seen for the first time reports to its superior since always (or since
    ``superior_since``). A changed superior closes the old span on the change date and opens a
    new one; a change dated on or before the open span's start corrects that span instead.
    """
    code_at, superior_at = staged.position("code"), staged.position("superior_code")
    since_at = (
        staged.columns.index("superior_since") if "superior_since" in staged.columns else None
    )
    closes: list[tuple[int, Any]] = []
    corrections: list[tuple[int, str | None]] = []
    opens: list[dict[str, Any]] = []
    for row in rows:
        code, superior = row[code_at], row[superior_at]
        if code in by_history:
            continue  # the delivery's explicit history wins
        since = row[since_at] if since_at is not None else None
        current = previous.get(code)
        if current is None:
            if superior is not None:
                opens.append(
                    {
                        "union_code": code,
                        "superior_code": superior,
                        "valid_from": since,
                        "valid_until": None,
                    }
                )
            continue
        row_id, old_superior, valid_from = current
        if old_superior == superior:
            continue
        change = since or effective
        if valid_from is not None and change <= valid_from:
            corrections.append((row_id, superior))
            continue
        closes.append((row_id, change))
        if superior is not None:
            opens.append(
                {
                    "union_code": code,
                    "superior_code": superior,
                    "valid_from": change,
                    "valid_until": None,
                }
            )
    store.close_and_open(conn, closes, corrections, opens)


def _log_batch(conn: Connection, report: ImportReport, effective: dt.date) -> int:
    table = ImportBatch.__table__  # type: ignore[attr-defined]
    now = dt.datetime.now(dt.UTC)
    result = conn.execute(
        table.insert().values(
            source=report.source,
            started_at=now,
            finished_at=now,
            effective_date=effective,
            rows_written=report.rows_written,
            rows_rejected=report.rows_rejected,
            tables={name: vars(c) for name, c in report.tables.items()},
        )
    )
    return int(result.inserted_primary_key[0])


def _log_warnings(conn: Connection, report: ImportReport) -> None:
    """Keep the accepted-but-implausible rows with the batch, for data-quality findings."""
    rows = [
        {
            "batch_id": report.batch_id,
            "table_name": issue.table,
            "row_key": issue.key,
            "file": issue.file,
            "row": issue.row,
            "column": issue.column,
            "code": issue.code,
            "message": issue.message,
        }
        for issue in report.warnings
        if issue.key is not None and issue.table is not None
    ]
    if rows:
        conn.execute(ImportWarning.__table__.insert(), rows)  # type: ignore[attr-defined]
