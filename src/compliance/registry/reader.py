"""Find the tables of a delivery folder and read their rows as raw cells.

A folder holds one file per table (``enterprises.csv``, ``Doanh nghiệp.xlsx``) or workbooks whose
sheets are named like tables. Headers are matched through the contract's aliases; cells come out
stripped and NFC-normalised, with empty cells as ``None``. Nothing is parsed here: that is the
validator's job, so every error is reported the same way whatever the file type.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from compliance.registry import xlsx
from compliance.registry.contract import TABLES, Table, fold, header_index, table_for_name
from compliance.registry.csv_arrow import ArrowColumns, chunk_bounds, read_columns
from compliance.registry.csv_text import TooManyRows, csv_errors, csv_reader, delimiter
from compliance.registry.issues import Issue, Severity, SourceError
from compliance.registry.safety import check_file, limits

SUFFIXES = (".csv", ".xlsx")
_COUNT = "__cell_count__"  # a row whose cells do not line up with the header


@dataclass
class Source:
    """One table's data in a delivery: a CSV file or one sheet of a workbook."""

    table: Table
    path: Path
    sheet: str | None = None
    headers: list[str] = field(default_factory=list)
    columns: list[str | None] = field(default_factory=list)  # contract column per position

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name

    @property
    def present(self) -> list[str]:
        return [c for c in self.columns if c is not None]


def clean(value: Any) -> Any:
    """Stripped NFC text or ``None``; XLSX values keep their type (an integral float is an int)."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is dt.datetime and value.time() == dt.time():
        return value.date()
    return value


def discover(folder: Path) -> tuple[list[Source], list[Issue]]:
    """The delivery's sources in dependency order, and what was wrong or ignored."""
    issues: list[Issue] = []
    if not folder.is_dir():
        issues.append(Issue.make("folder.not_found", file=str(folder), path=folder))
        return [], issues
    found: dict[str, Source] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES):
        if path.name.startswith(("~$", ".")):  # Excel lock files, hidden files
            continue
        if (refusal := check_file(path, folder)) is not None:
            issues.append(refusal)
            continue
        try:
            candidates = _sources_in(path, issues)
        except SourceError as exc:
            issues.append(exc.issue)
            continue
        for source in candidates:
            if (other := found.get(source.table.name)) is not None:
                issues.append(
                    Issue.make(
                        "file.duplicate_table",
                        file=source.label,
                        table=source.table.name,
                        other=other.label,
                    )
                )
                continue
            found[source.table.name] = source
    for source in found.values():
        try:
            read_header(source, issues)
        except SourceError as exc:
            issues.append(exc.issue)
    if not found and not any(i.severity is Severity.ERROR for i in issues):
        issues.append(Issue.make("folder.no_tables", file=str(folder), path=folder))
    ordered = [found[t.name] for t in TABLES if t.name in found]
    return ordered, issues


def _sources_in(path: Path, issues: list[Issue]) -> list[Source]:
    table = table_for_name(path.stem)
    if path.suffix.lower() == ".csv":
        if table is None:
            issues.append(
                Issue.make("file.unknown_table", file=path.name, severity=Severity.WARNING)
            )
            return []
        return [Source(table, path)]
    sheets = _sheet_names(path)
    named = [(s, table_for_name(s)) for s in sheets]
    sources = [Source(t, path, s) for s, t in named if t is not None]
    if not sources and table is not None and len(sheets) >= 1:
        return [Source(table, path, sheets[0])]  # enterprises.xlsx with a sheet called "Sheet1"
    for sheet, sheet_table in named:
        if sheet_table is None:
            issues.append(
                Issue.make(
                    "file.unknown_table", file=f"{path.name}[{sheet}]", severity=Severity.WARNING
                )
            )
    return sources


def _sheet_names(path: Path) -> list[str]:
    try:
        xlsx.check_workbook(path)  # before openpyxl parses a byte of it
        return xlsx.sheet_names(path)
    except xlsx.WorkbookError as exc:
        raise SourceError(exc.issue(path.name)) from exc


def read_header(source: Source, issues: list[Issue]) -> None:
    """Map the header row to contract columns; report missing required columns."""
    rows = _numbered_rows(source)
    try:
        number, header = next(rows, (1, None))
    finally:
        rows.close()
    if number != 1 or header is None or not any(clean(h) is not None for h in header):
        raise SourceError(Issue.make("file.no_header", file=source.label, table=source.table.name))
    index = header_index(source.table)
    seen: dict[str, str] = {}
    source.headers = ["" if h is None else str(h) for h in header]
    source.columns = []
    for text in source.headers:
        column = index.get(fold(text)) if text else None
        if column is None:
            if text:
                issues.append(
                    Issue.make(
                        "header.unknown_column",
                        file=source.label,
                        row=1,
                        column=text,
                        header=text,
                        severity=Severity.WARNING,
                    )
                )
        elif column in seen:
            issues.append(
                Issue.make(
                    "header.duplicate_column",
                    file=source.label,
                    row=1,
                    column=text,
                    header=text,
                    other=seen[column],
                    table=source.table.name,
                )
            )
            column = None
        else:
            seen[column] = text
        source.columns.append(column)
    for column in source.table.columns:
        if column.name in seen or column.extension:
            continue
        code = "header.missing_column" if _must_be_present(source.table, column.name) else None
        issues.append(
            Issue.make(
                code or "header.absent_column",
                file=source.label,
                row=1,
                column=column.name,
                label=column.label_vi,
                table=source.table.name,
                severity=Severity.ERROR if code else Severity.WARNING,
            )
        )


def _must_be_present(table: Table, column: str) -> bool:
    spec = table.column(column)
    return spec.required or column in table.key


def read_rows(source: Source) -> Iterator[tuple[int, dict[str, Any], list[Any]]]:
    """Yield (spreadsheet row number, {column: raw value}, cells) for each non-empty data row."""
    positions = [(i, c) for i, c in enumerate(source.columns) if c is not None]
    names = [c for _, c in positions]
    pick = itemgetter(*(i for i, _ in positions)) if len(positions) > 1 else None
    width = len(source.headers)
    is_csv = source.sheet is None
    rows = _numbered_rows(source)
    next(rows, None)  # header
    most = limits().rows
    for count, (number, cells) in enumerate(rows, start=1):
        if count > most:
            raise SourceError(
                Issue.make(
                    "file.too_many_rows", file=source.label, table=source.table.name, limit=most
                )
            )
        if len(cells) > width and any(clean(c) is not None for c in cells[width:]):
            yield number, {_COUNT: len(cells)}, list(cells)
            continue
        # CSV text is already NFC (normalised a batch of lines at a time): strip only.
        values = [c.strip() or None for c in cells] if is_csv else [clean(c) for c in cells]
        if values.count(None) == len(values):
            continue  # blank line (a row of zeros or FALSE is not blank)
        if len(values) < width:
            if is_csv:  # a CSV row cut short: a line break or separator outside quotes
                yield number, {_COUNT: len(cells)}, list(cells)
                continue
            values += [None] * (width - len(values))
        if pick is not None:
            yield number, dict(zip(names, pick(values), strict=True)), values
        else:
            yield number, {c: values[i] for i, c in positions}, values


@dataclass
class Chunk:
    """Up to ``size`` non-blank data rows of a source, by column, for validation in bulk.

    ``columns`` maps each contract column the source has to its cleaned cells (stripped, NFC,
    empty as ``None``); ``ragged`` holds the rows with cells beyond the header, or (CSV) fewer
    cells than it, which are not in ``columns``: (position among the chunk's rows, row number,
    cell count, cells). ``typed`` says cells may be other than text.
    """

    numbers: Sequence[int]
    columns: dict[str, list[Any]]
    rows: list[list[Any]]  # the cells of each row as read, for :meth:`values`
    ragged: list[tuple[int, int, int, list[Any]]]
    typed: bool
    cells: Callable[[int], list[Any]] | None = None  # the columnar reader's :meth:`values`

    def __len__(self) -> int:
        return len(self.numbers) + len(self.ragged)

    def values(self, position: int) -> list[Any]:
        """The cleaned cells of one row, every column, as the rejects file keeps them."""
        if self.cells is not None:
            return self.cells(position)
        cells = self.rows[position]
        return cells if self.typed else [c.strip() or None for c in cells]


def read_chunks(source: Source, size: int) -> Iterator[Chunk]:
    """The rows of :func:`read_rows` (same rows, same numbers) in chunks of ``size``."""
    if source.sheet is not None:
        yield from _sheet_chunks(source, size)
        return
    positions = [(i, c) for i, c in enumerate(source.columns) if c is not None]
    width = len(source.headers)
    if (columns := _arrow_columns(source, width)) is not None:
        yield from _arrow_chunks(columns, positions, size)
        return
    with _csv_errors(source), source.path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv_reader(handle)
        next(rows, None)  # header
        yield from _csv_chunks(rows, width, positions, size, limits().rows)


def _arrow_columns(source: Source, width: int) -> ArrowColumns | None:
    try:
        with source.path.open(newline="", encoding="utf-8-sig") as handle:
            first = handle.readline(1 << 20)
    except UnicodeDecodeError:
        return None
    return read_columns(
        source.path,
        delimiter(first),
        width,
        most_rows=limits().rows,
        field_chars=limits().field_chars,
    )


def _arrow_chunks(
    columns: ArrowColumns, positions: list[tuple[int, str]], size: int
) -> Iterator[Chunk]:
    for start, stop in chunk_bounds(columns.rows, size):
        yield Chunk(
            range(start + 2, stop + 2),
            {name: columns.column(i, start, stop) for i, name in positions},
            [],
            [],
            typed=False,
            cells=lambda position, start=start: columns.row(start + position),  # type: ignore[misc]
        )


def _csv_chunks(
    rows: Iterator[list[str]],
    width: int,
    positions: list[tuple[int, str]],
    size: int,
    most: int,
) -> Iterator[Chunk]:
    numbers: list[int] = []
    kept: list[list[Any]] = []
    ragged: list[tuple[int, int, int, list[Any]]] = []
    number = 2
    while batch := list(islice(rows, size - len(numbers) - len(ragged))):
        start, number = number, number + len(batch)
        if number - 2 > most:
            raise TooManyRows(most)
        if set(map(len, batch)) == {width} and all(map(str.strip, map(itemgetter(0), batch))):
            kept += batch  # the common case: no blank, short or long row in the batch
            numbers += range(start, number)
        else:
            for at, cells in enumerate(batch, start=start):
                _sort_row(at, cells, width, numbers, kept, ragged)
        if len(numbers) + len(ragged) >= size:
            yield _csv_chunk(numbers, kept, ragged, positions)
            numbers, kept, ragged = [], [], []
    if numbers or ragged:
        yield _csv_chunk(numbers, kept, ragged, positions)


def _sort_row(
    number: int,
    cells: list[str],
    width: int,
    numbers: list[int],
    kept: list[list[Any]],
    ragged: list[tuple[int, int, int, list[Any]]],
) -> None:
    """One CSV row into the chunk as :func:`read_rows` would see it (or nowhere if blank)."""
    count = len(cells)
    if count > width and any(c.strip() for c in cells[width:]):
        ragged.append((len(numbers) + len(ragged), number, count, cells))
    elif not any(c.strip() for c in cells):
        return  # blank line
    elif count < width:  # cut short: a line break or separator outside quotes
        ragged.append((len(numbers) + len(ragged), number, count, cells))
    else:
        kept.append(cells[:width] if count > width else cells)
        numbers.append(number)


def _csv_chunk(
    numbers: list[int],
    kept: list[list[Any]],
    ragged: list[tuple[int, int, int, list[Any]]],
    positions: list[tuple[int, str]],
) -> Chunk:
    columns: dict[str, list[Any]] = {name: [] for _, name in positions}
    if kept:
        by_position = list(zip(*kept, strict=True))
        for i, name in positions:
            cells = list(map(str.strip, by_position[i]))
            columns[name] = [c or None for c in cells] if "" in cells else cells
    return Chunk(numbers, columns, kept, ragged, typed=False)


def _sheet_chunks(source: Source, size: int) -> Iterator[Chunk]:
    positions = [(i, c) for i, c in enumerate(source.columns) if c is not None]
    items: list[tuple[int, dict[str, Any], list[Any]]] = []

    def chunk() -> Chunk:
        plain = [(n, v) for n, row, v in items if _COUNT not in row]
        rows = [v for _, v in plain]
        return Chunk(
            [n for n, _ in plain],
            {c: [v[i] for v in rows] for i, c in positions},
            rows,
            [(i, n, row[_COUNT], v) for i, (n, row, v) in enumerate(items) if _COUNT in row],
            typed=True,
        )

    for item in read_rows(source):
        items.append(item)
        if len(items) >= size:
            yield chunk()
            items = []
    if items:
        yield chunk()


def _numbered_rows(source: Source) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) from the header on: CSV records counted from 1, sheet rows as
    numbered in the sheet."""
    if source.sheet is None:
        yield from enumerate(_csv_rows(source), start=1)
    else:
        yield from _sheet_rows(source)


def _csv_rows(source: Source) -> Iterator[list[Any]]:
    with _csv_errors(source), source.path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv_reader(handle)


def _csv_errors(source: Source) -> Any:
    return csv_errors(source.path, source.label, source.table.name)


def _sheet_rows(source: Source) -> Iterator[tuple[int, list[Any]]]:
    assert source.sheet is not None
    try:
        yield from xlsx.sheet_rows(source.path, source.sheet)
    except xlsx.WorkbookError as exc:
        raise SourceError(exc.issue(source.label, source.table.name)) from exc
