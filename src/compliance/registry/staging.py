"""Read and validate one table of a delivery: the rows that may be written, and the bad ones.

Cells are validated a chunk at a time, column by column (:func:`rows.validate_columns`); each
problem becomes an :class:`Issue` naming file, row and column, and the row goes to the rejects.
An implausible but well-formed row (a part above its whole, dates out of order) is a warning and
is kept, unless the import is strict.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Protocol, overload

from compliance.registry.contract import ORDERED_PAIRS, PART_OF, REQUIRED_ORDER, Table
from compliance.registry.issues import ImportReport, Issue, Severity, SourceError, TableCount
from compliance.registry.reader import Chunk, Source, read_chunks
from compliance.registry.rows import validate_columns

CHUNK_ROWS = 10_000


class ProgressSink(Protocol):
    """Where long work reports how far it is; the CLI draws rich bars from it."""

    def stage(self, description: str, total: int | None) -> Callable[[int], None]: ...


class RowView(Sequence[tuple[Any, ...]]):
    """Rows read across a table's columns: a tuple is made when a row is asked for, never kept.

    Python holds a national registry until its write; a tuple per row cost ~60 bytes more than
    the columns themselves (about 300 MB of 5 million rows).
    """

    def __init__(self, data: list[list[Any]]) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data[0]) if self.data else 0

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return list(zip(*(c[index] for c in self.data), strict=True))
        return tuple(c[index] for c in self.data)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.data, strict=True)


@dataclass
class Staged:
    """One table's validated rows, by column in ``columns`` order, with their row numbers."""

    source: Source
    columns: list[str]
    data: list[list[Any]] = field(default_factory=list)  # one list per column
    # Machine integers, not a list of int objects: ~8 bytes a row instead of ~36, for the
    # millions of rows of a national registry held until the write.
    numbers: array[int] = field(default_factory=lambda: array("q"))
    dropped: set[int] = field(default_factory=set)  # positions rejected after validation
    invalid_keys: set[Any] = field(default_factory=set)  # keys of rows that failed validation

    def __post_init__(self) -> None:
        if not self.data:
            self.data = [[] for _ in self.columns]

    @property
    def table(self) -> Table:
        return self.source.table

    @property
    def rows(self) -> RowView:
        return RowView(self.data)

    def position(self, column: str) -> int:
        return self.columns.index(column)

    def column(self, name: str) -> list[Any]:
        return self.data[self.position(name)]

    def keys(self) -> list[tuple[Any, ...]]:
        return list(zip(*(self.column(c) for c in self.table.key), strict=True))

    def live(self, columns: Sequence[str] | None = None) -> Sequence[tuple[Any, ...]]:
        """The rows not dropped, all columns or only ``columns``."""
        view = RowView(self.data if columns is None else [self.column(c) for c in columns])
        if not self.dropped:
            return view
        return [r for i, r in enumerate(view) if i not in self.dropped]

    def clear(self) -> None:
        """Forget the rows (written): memory back before the next table's write."""
        self.data = [[] for _ in self.columns]


class Rejects:
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


def estimate_rows(source: Source) -> int | None:
    if source.sheet is not None:
        return None
    with source.path.open("rb") as handle:
        return max(
            sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
        )


def stage(
    source: Source,
    report: ImportReport,
    rejects: Rejects,
    sink: ProgressSink,
    *,
    strict: bool = False,
) -> Staged:
    """Read and validate ``source``; ``strict`` turns implausible rows into errors."""
    table = source.table
    columns = list(dict.fromkeys([*table.key, *source.present]))
    staged = Staged(source, columns)
    count = report.tables.setdefault(table.name, TableCount())
    advance = sink.stage(f"Đọc {source.label}", estimate_rows(source))
    try:
        for chunk in read_chunks(source, CHUNK_ROWS):
            _validate_chunk(staged, chunk, report, rejects, strict)
            advance(len(chunk))
    except SourceError as exc:
        report.issues.append(exc.issue)
    count.read = len(staged.rows) + rejects.count(table.name)
    return staged


def _raw(source: Source, cells: list[Any]) -> dict[str, Any]:
    return {
        h or f"#{i + 1}": v for i, (h, v) in enumerate(zip(source.headers, cells, strict=False))
    }


def _validate_chunk(
    staged: Staged, chunk: Chunk, report: ImportReport, rejects: Rejects, strict: bool
) -> None:
    source, table = staged.source, staged.table
    header_of = {c: h for c, h in zip(source.columns, source.headers, strict=True) if c}
    label = source.label

    def reject(code: str, number: int, cells: list[Any], column: str | None, **params: Any) -> None:
        issue = Issue.make(code, file=label, row=number, column=column, table=table.name, **params)
        report.issues.append(issue)
        rejects.add(issue, _raw(source, cells))

    ragged = {position: (number, count, cells) for position, number, count, cells in chunk.ragged}
    # Reported in the order of a set of positions, as they always were.
    for position in {position for position, *_ in chunk.ragged}:
        number, count, cells = ragged[position]
        code = "row.too_many_cells" if count > len(source.headers) else "row.too_few_cells"
        reject(code, number, cells, None, count=count, headers=len(source.headers))
    parsed, ok, errors = validate_columns(table, chunk.columns, chunk.typed)
    keys = chunk.columns[table.key[0]]
    for error in errors:
        staged.invalid_keys.add(keys[error.index])
        column = header_of.get(error.column, error.column)
        reject(
            error.code,
            chunk.numbers[error.index],
            chunk.values(error.index),
            column,
            **error.params,
        )
    key_column = table.key[0]
    for position in _flagged(table, parsed, ok):
        row = {name: values[position] for name, values in parsed.items()}
        refused = False
        for code, column, params, plausibility in _row_problems(table, row):
            if plausibility and not strict:
                report.issues.append(
                    Issue.make(
                        code,
                        file=label,
                        row=chunk.numbers[position],
                        column=header_of.get(column, column),
                        table=table.name,
                        severity=Severity.WARNING,
                        row_key=_key_text(table, row),
                        **params,
                    )
                )
                continue
            reject(
                code,
                chunk.numbers[position],
                chunk.values(position),
                header_of.get(column, column),
                **params,
            )
            staged.invalid_keys.add(row.get(key_column))
            refused = True
        if refused:
            ok[position] = False
    if all(ok):
        for target, name in zip(staged.data, staged.columns, strict=True):
            target += parsed[name]
        staged.numbers.extend(chunk.numbers)
    else:
        for target, name in zip(staged.data, staged.columns, strict=True):
            target += compress(parsed[name], ok)
        staged.numbers.extend(compress(chunk.numbers, ok))


_CHECKED_TABLES = frozenset(PART_OF) | frozenset(ORDERED_PAIRS) | frozenset(REQUIRED_ORDER)


def _key_text(table: Table, row: dict[str, Any]) -> str:
    """The row's key as the import log keeps it: one value, or values joined by ``|``."""
    return "|".join("" if row.get(c) is None else str(row.get(c)) for c in table.key)


def _flagged(table: Table, parsed: dict[str, list[Any]], ok: list[bool]) -> list[int]:
    """Positions of good rows :func:`_row_problems` may object to (a superset), in order."""
    if table.name not in _CHECKED_TABLES:
        return []
    found: set[int] = set()
    pairs = [
        *PART_OF.get(table.name, ()),
        *ORDERED_PAIRS.get(table.name, ()),
        *REQUIRED_ORDER.get(table.name, ()),
    ]
    for first, second in pairs:  # part > whole, or earlier > later
        if first in parsed and second in parsed:
            found.update(
                i
                for i, (a, b) in enumerate(zip(parsed[first], parsed[second], strict=True))
                if a is not None and b is not None and a > b
            )
    if table.name == "unions" and "enterprise_tax_code" in parsed and "kind" in parsed:
        found.update(
            i
            for i, (tax, kind) in enumerate(
                zip(parsed["enterprise_tax_code"], parsed["kind"], strict=True)
            )
            if tax and kind not in (None, "grassroots_union")
        )
    return sorted(i for i in found if ok[i])


Problem = tuple[str, str, dict[str, Any], bool]  # code, column, message params, plausibility only


def _row_problems(table: Table, row: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for part, whole in PART_OF.get(table.name, ()):
        if (p := row.get(part)) is not None and (w := row.get(whole)) is not None and p > w:
            params = {"part": part, "part_value": p, "whole": whole, "whole_value": w}
            problems.append(("row.part_exceeds_whole", part, params, True))
    for pairs, plausibility in (
        (ORDERED_PAIRS.get(table.name, ()), True),
        (REQUIRED_ORDER.get(table.name, ()), False),
    ):
        for earlier, later in pairs:
            a, b = row.get(earlier), row.get(later)
            if a is not None and b is not None and b < a:
                params = {"earlier": earlier, "earlier_value": a, "later": later, "later_value": b}
                problems.append(("row.dates_out_of_order", later, params, plausibility))
    if (
        table.name == "unions"
        and row.get("enterprise_tax_code")
        and row.get("kind")
        not in (
            None,
            "grassroots_union",
        )
    ):
        problems.append(("row.not_grassroots", "enterprise_tax_code", {"kind": row["kind"]}, True))
    return problems
