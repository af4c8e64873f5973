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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

from compliance import db
from compliance.exceptions import ImportRefused
from compliance.models import ImportBatch
from compliance.registry import store
from compliance.registry.contract import (
    ORDERED_PAIRS,
    PART_OF,
    TABLES_BY_NAME,
    Table,
)
from compliance.registry.issues import ImportReport, Issue, TableCount, write_rejects
from compliance.registry.reader import Source, SourceError, discover, read_rows
from compliance.registry.rows import validate_rows
from compliance.settings import TIMEZONE

CHUNK_ROWS = 10_000


class ProgressSink(Protocol):
    """Where long work reports how far it is; the CLI draws rich bars from it."""

    def stage(self, description: str, total: int | None) -> Callable[[int], None]: ...


class _Silent:
    def stage(self, description: str, total: int | None) -> Callable[[int], None]:
        return lambda _n: None


@dataclass
class Staged:
    """One table's validated rows, as tuples in ``columns`` order, with their row numbers."""

    source: Source
    columns: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    dropped: set[int] = field(default_factory=set)  # positions rejected after validation
    invalid_keys: set[Any] = field(default_factory=set)  # keys of rows that failed validation

    @property
    def table(self) -> Table:
        return self.source.table

    def position(self, column: str) -> int:
        return self.columns.index(column)

    def keys(self) -> list[tuple[Any, ...]]:
        idx = [self.position(c) for c in self.table.key]
        return [tuple(row[i] for i in idx) for row in self.rows]

    def live(self) -> list[tuple[Any, ...]]:
        return [r for i, r in enumerate(self.rows) if i not in self.dropped]


class _Rejects:
    """Every bad row once, with all its problems, for the report and the rejects file."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], tuple[list[Issue], dict[str, Any]]] = {}

    def add(self, issue: Issue, data: dict[str, Any]) -> None:
        assert issue.row is not None and issue.table is not None
        entry = self.rows.setdefault((issue.table, issue.row), ([], data))
        entry[0].append(issue)

    def count(self, table: str) -> int:
        return sum(1 for t, _ in self.rows if t == table)

    def merged(self) -> list[tuple[Issue, dict[str, Any]]]:
        result = []
        for issues, data in self.rows.values():
            first = issues[0]
            result.append(
                (
                    Issue(
                        code=";".join(i.code for i in issues),
                        file=first.file,
                        row=first.row,
                        column=";".join(i.column or "" for i in issues),
                        message=" | ".join(i.message for i in issues),
                        table=first.table,
                    ),
                    data,
                )
            )
        return result


def import_folder(
    engine: Engine,
    folder: Path,
    *,
    skip_bad_rows: bool = False,
    rejects_path: Path | None = None,
    effective_date: dt.date | None = None,
    progress: ProgressSink | None = None,
) -> ImportReport:
    """Validate and load ``folder``; raise :class:`ImportRefused` when it cannot be loaded whole.

    ``effective_date`` is the day from which a changed superior applies when the delivery does
    not say (``superior_since``); it defaults to today in Vietnam.
    """
    started = time.perf_counter()
    sink = progress or _Silent()
    effective = effective_date or dt.datetime.now(TIMEZONE).date()
    report = ImportReport(source=str(folder))
    sources, issues = discover(folder)
    report.issues.extend(issues)
    if report.errors:
        raise ImportRefused(report)  # a file-level problem: no row of it can be trusted

    rejects = _Rejects()
    staged = [_stage(source, report, rejects, sink) for source in sources]
    if report.errors and any(i.row is None or i.row == 1 for i in report.errors):
        raise ImportRefused(report)
    for table in staged:
        _check_duplicates(table, report, rejects, skip_bad_rows)
        if table.table.name == "union_hierarchy":
            _check_overlaps(table, report, rejects)

    db.upgrade(engine)
    with engine.begin() as conn:
        _check_references(conn, staged, report, rejects, skip_bad_rows)
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
    report.seconds = time.perf_counter() - started
    return report


# Reading and validating -----------------------------------------------------------------------


def _estimate_rows(source: Source) -> int | None:
    if source.sheet is not None:
        return None
    with source.path.open("rb") as handle:
        return max(
            sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
        )


def _stage(source: Source, report: ImportReport, rejects: _Rejects, sink: ProgressSink) -> Staged:
    table = source.table
    columns = list(dict.fromkeys([*table.key, *source.present]))
    staged = Staged(source, columns)
    count = report.tables.setdefault(table.name, TableCount())
    advance = sink.stage(f"Đọc {source.label}", _estimate_rows(source))
    chunk: list[tuple[int, dict[str, Any], list[Any]]] = []
    try:
        for item in read_rows(source):
            chunk.append(item)
            if len(chunk) >= CHUNK_ROWS:
                _validate_chunk(staged, chunk, report, rejects)
                advance(len(chunk))
                chunk = []
        _validate_chunk(staged, chunk, report, rejects)
        advance(len(chunk))
    except SourceError as exc:
        report.issues.append(exc.issue)
    count.read = len(staged.rows) + sum(1 for t, _ in rejects.rows if t == table.name)
    return staged


def _raw(source: Source, cells: list[Any]) -> dict[str, Any]:
    return {
        h or f"#{i + 1}": v for i, (h, v) in enumerate(zip(source.headers, cells, strict=False))
    }


def _validate_chunk(
    staged: Staged,
    chunk: list[tuple[int, dict[str, Any], list[Any]]],
    report: ImportReport,
    rejects: _Rejects,
) -> None:
    if not chunk:
        return
    source, table = staged.source, staged.table
    header_of = {c: h for c, h in zip(source.columns, source.headers, strict=True) if c}
    label = source.label

    def reject(code: str, number: int, cells: list[Any], column: str | None, **params: Any) -> None:
        issue = Issue.make(code, file=label, row=number, column=column, table=table.name, **params)
        report.issues.append(issue)
        rejects.add(issue, _raw(source, cells))

    ragged = {i for i, (_, row, _) in enumerate(chunk) if "__too_many_cells__" in row}
    for i in ragged:
        number, row, cells = chunk[i]
        reject(
            "row.too_many_cells",
            number,
            cells,
            None,
            count=row["__too_many_cells__"],
            headers=len(source.headers),
        )
    candidates = [item for i, item in enumerate(chunk) if i not in ragged]
    parsed, errors = validate_rows(table, [row for _, row, _ in candidates])
    key_column = table.key[0]
    for error in errors:
        number, row, cells = candidates[error.index]
        staged.invalid_keys.add(row.get(key_column))
        reject(error.code, number, cells, header_of.get(error.column, error.column), **error.params)
    as_tuple = itemgetter(*staged.columns)
    single = len(staged.columns) == 1
    for (number, _, cells), row in zip(candidates, parsed, strict=True):
        if row is None:
            continue
        problems = _row_problems(table, row) if table.name in _CHECKED_TABLES else ()
        for code, column, params in problems:
            reject(code, number, cells, header_of.get(column, column), **params)
            staged.invalid_keys.add(row.get(key_column))
        if not problems:
            staged.rows.append((as_tuple(row),) if single else as_tuple(row))
            staged.numbers.append(number)


_CHECKED_TABLES = frozenset(PART_OF) | frozenset(ORDERED_PAIRS) | {"unions"}


def _row_problems(table: Table, row: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    problems: list[tuple[str, str, dict[str, Any]]] = []
    for part, whole in PART_OF.get(table.name, ()):
        if (p := row.get(part)) is not None and (w := row.get(whole)) is not None and p > w:
            problems.append(
                (
                    "row.part_exceeds_whole",
                    part,
                    {"part": part, "part_value": p, "whole": whole, "whole_value": w},
                )
            )
    for earlier, later in ORDERED_PAIRS.get(table.name, ()):
        if (a := row.get(earlier)) is not None and (b := row.get(later)) is not None and b < a:
            problems.append(
                (
                    "row.dates_out_of_order",
                    later,
                    {"earlier": earlier, "earlier_value": a, "later": later, "later_value": b},
                )
            )
    if (
        table.name == "unions"
        and row.get("enterprise_tax_code")
        and row.get("kind")
        not in (
            None,
            "grassroots_union",
        )
    ):
        problems.append(("row.not_grassroots", "enterprise_tax_code", {"kind": row["kind"]}))
    return problems


# Keys and references ---------------------------------------------------------------------------


def _drop(
    staged: Staged,
    position: int,
    code: str,
    column: str | None,
    report: ImportReport,
    rejects: _Rejects,
    **params: Any,
) -> None:
    if position in staged.dropped and code == "row.duplicate_key":
        return
    issue = Issue.make(
        code,
        file=staged.source.label,
        row=staged.numbers[position],
        column=column,
        table=staged.table.name,
        **params,
    )
    report.issues.append(issue)
    rejects.add(issue, dict(zip(staged.columns, staged.rows[position], strict=True)))
    staged.dropped.add(position)


def _key_text(table: Table, key: tuple[Any, ...]) -> str:
    return ", ".join(
        f"{c}={v if v is not None else ''}" for c, v in zip(table.key, key, strict=True)
    )


def _check_duplicates(
    staged: Staged, report: ImportReport, rejects: _Rejects, skip_bad_rows: bool
) -> None:
    """A key twice in one delivery is ambiguous: report every repeat; skipping drops them all."""
    first: dict[tuple[Any, ...], int] = {}
    for position, key in enumerate(staged.keys()):
        if key not in first:
            first[key] = position
            continue
        original = first[key]
        text = _key_text(staged.table, key)
        _drop(
            staged,
            position,
            "row.duplicate_key",
            None,
            report,
            rejects,
            key=text,
            other_row=staged.numbers[original],
        )
        if skip_bad_rows and original not in staged.dropped:
            _drop(
                staged,
                original,
                "row.duplicate_key",
                None,
                report,
                rejects,
                key=text,
                other_row=staged.numbers[position],
            )


def _check_overlaps(staged: Staged, report: ImportReport, rejects: _Rejects) -> None:
    code_at, start_at, end_at = (
        staged.position(c) for c in ("union_code", "valid_from", "valid_until")
    )
    by_union: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(staged.rows):
        if position not in staged.dropped:
            by_union[row[code_at]].append(position)
    lowest, highest = dt.date.min, dt.date.max
    for positions in by_union.values():
        spans = sorted(
            (staged.rows[p][start_at] or lowest, staged.rows[p][end_at] or highest, p)
            for p in positions
        )
        for (_, end, before), (start, _, after) in zip(spans, spans[1:], strict=False):
            if start < end:
                _drop(
                    staged,
                    after,
                    "row.overlapping_history",
                    "valid_from",
                    report,
                    rejects,
                    other_row=staged.numbers[before],
                )


def _check_references(
    conn: Connection,
    staged: list[Staged],
    report: ImportReport,
    rejects: _Rejects,
    skip_bad_rows: bool,
) -> None:
    """Every code a row names must exist, in this delivery or in the database.

    A row that names a rejected row of this delivery is rejected too when skipping, so what is
    written never points nowhere; tables are handled parents first, and unions (which point at
    unions) until nothing more drops.
    """
    by_name = {s.table.name: s for s in staged}
    stored_cache: dict[str, set[str]] = {}
    for table_staged in staged:
        refs = [
            c for c in table_staged.table.columns if c.references and c.name in table_staged.columns
        ]
        changed = True
        while changed:
            changed = False
            for column in refs:
                parent_name = column.references
                assert parent_name is not None
                parent = by_name.get(parent_name)
                parent_key = TABLES_BY_NAME[parent_name].key[0]
                delivered: set[str] = set()
                rejected_in_delivery: set[str] = set()
                if parent is not None:
                    rejected_in_delivery |= parent.invalid_keys
                    at = parent.position(parent_key)
                    for position, row in enumerate(parent.rows):
                        (rejected_in_delivery if position in parent.dropped else delivered).add(
                            row[at]
                        )
                at = table_staged.position(column.name)
                wanted = {
                    row[at]
                    for position, row in enumerate(table_staged.rows)
                    if position not in table_staged.dropped and row[at] is not None
                } - delivered
                cache = stored_cache.setdefault(parent_name, set())
                unknown = wanted - cache
                if unknown:
                    cache.update(store.existing_keys(conn, parent_name, parent_key, unknown))
                missing = wanted - cache
                for position, row in enumerate(table_staged.rows):
                    value = row[at]
                    if position in table_staged.dropped or value not in missing:
                        continue
                    if value in rejected_in_delivery:
                        if not skip_bad_rows:
                            continue  # the parent row's own error is already reported
                        _drop(
                            table_staged,
                            position,
                            "row.rejected_parent",
                            column.name,
                            report,
                            rejects,
                            parent=parent_name,
                            value=value,
                        )
                    else:
                        _drop(
                            table_staged,
                            position,
                            "row.dangling_reference",
                            column.name,
                            report,
                            rejects,
                            value=value,
                            parent=parent_name,
                        )
                    # a union dropped may orphan another union: go round again
                    changed = changed or parent is table_staged


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
    for table_staged in staged:
        name = table_staged.table.name
        rows = table_staged.live()
        count = report.tables[name]
        if name == "union_hierarchy":
            _write_history(conn, table_staged, rows)
            count.inserted = len(rows)
            continue
        before = store.count_rows(conn, name)
        previous = (
            store.open_superiors(conn, (r[0] for r in rows))
            if name == "unions" and before and "superior_code" in table_staged.columns
            else {}
        )
        advance = sink.stage(f"Ghi {name}", len(rows))
        columns = [c for c in table_staged.columns if not TABLES_BY_NAME[name].column(c).extension]
        positions = [table_staged.columns.index(c) for c in columns]
        values = (
            rows
            if len(positions) == len(table_staged.columns)
            else [tuple(r[i] for i in positions) for r in rows]
        )
        store.upsert(conn, name, columns, table_staged.table.key, values, advance)
        count.inserted = store.count_rows(conn, name) - before
        count.updated = len(rows) - count.inserted
        if name == "unions" and "superior_code" in table_staged.columns:
            _sync_hierarchy(
                conn, table_staged, rows, previous, effective, by_history=_history_codes(staged)
            )


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
