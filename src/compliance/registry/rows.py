"""Row schemas built from the contract, validated in bulk with pydantic — and a column fast path.

One ``TypeAdapter(list[RowSchema])`` per table validates a whole chunk in one call (about
2–4 µs a row) and reports every bad cell with its index and column; building a model object per
row would be three times slower.

Most cells of a delivery are already canonical, and a column of them repeats few distinct
values (dates, choices, small counts). :func:`validate_columns` therefore runs each column's own
parser (the very function the schema's before-validator calls) once per *distinct* value and
maps the column through that table; a row any of whose cells that refuses goes through the
pydantic schema instead, so a bad row is reported exactly as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from compliance.registry import cells
from compliance.registry.contract import IDENTIFIER, TABLES_BY_NAME, Column, Kind, Table
from compliance.registry.safety import limits

# pydantic's own error types, for the few checks left to pydantic itself.
_PYDANTIC_CODES = {
    "missing": "value.required",
    "string_type": "value.required",
}


@dataclass(frozen=True)
class CellError:
    index: int  # position in the chunk
    column: str
    code: str
    params: dict[str, Any]


def column_parser(column: Column) -> cells.Parser | None:
    """The before-validator of a column (``None`` for text, which pydantic checks itself)."""
    if column.kind is Kind.TEXT:
        return None
    if column.kind is Kind.CHOICE:
        assert column.choices is not None
        key = (column.name, tuple(column.choices))
        if (parser := _choice_parsers.get(key)) is None:
            parser = _choice_parsers[key] = cells.choice_parser(column)
        return parser
    return _PARSERS[column.kind]


_PARSERS: dict[Kind, cells.Parser] = {
    Kind.COUNT: cells.parse_count,
    Kind.YEAR: cells.parse_year,
    Kind.AMOUNT: cells.parse_amount,
    Kind.DATE: cells.parse_date,
    Kind.BOOL: cells.parse_bool,
    Kind.PERIOD: cells.parse_period,
    Kind.PROGRAMME_PERIOD: cells.parse_programme_period,
}
_choice_parsers: dict[tuple[str, tuple[str, ...]], cells.Parser] = {}


def _column_type(column: Column) -> Any:
    nullable = not column.required

    def annotated(base: Any, parser: cells.Parser) -> Any:
        if nullable:  # no wrapper: one Python call per cell, not two
            return Annotated[base | None, BeforeValidator(parser)]

        def checked(value: Any) -> Any:
            parsed = parser(value)
            if parsed is None and not nullable:
                raise cells._fail("value.required", value)
            return parsed

        return Annotated[base | None if nullable else base, BeforeValidator(checked)]

    match column.kind:
        case Kind.TEXT:
            check = BeforeValidator(cells.text_parser(column))
            return Annotated[str | None, check] if nullable else Annotated[str, check]
        case Kind.COUNT:
            return annotated(int, _PARSERS[Kind.COUNT])
        case Kind.YEAR:
            return annotated(int, _PARSERS[Kind.YEAR])
        case Kind.AMOUNT:
            return annotated(float, _PARSERS[Kind.AMOUNT])
        case Kind.DATE:
            return annotated(dt.date, _PARSERS[Kind.DATE])
        case Kind.BOOL:
            return annotated(bool, _PARSERS[Kind.BOOL])
        case Kind.PERIOD:
            return annotated(str, _PARSERS[Kind.PERIOD])
        case Kind.PROGRAMME_PERIOD:
            return annotated(str, _PARSERS[Kind.PROGRAMME_PERIOD])
        case Kind.CHOICE:
            assert column.choices is not None
            return annotated(Literal[tuple(column.choices)], column_parser(column))
    raise AssertionError(column.kind)


def row_adapter(table: Table) -> TypeAdapter[list[dict[str, Any]]]:
    return _row_adapter(table.name)


@cache
def _row_adapter(name: str) -> TypeAdapter[list[dict[str, Any]]]:
    table = TABLES_BY_NAME[name]
    fields = {column.name: _column_type(column) for column in table.columns}
    schema = TypedDict(f"{table.name.title().replace('_', '')}Row", fields, total=False)  # type: ignore[operator]
    schema.__pydantic_config__ = ConfigDict(coerce_numbers_to_str=True)  # type: ignore[attr-defined]
    return TypeAdapter(list[schema])  # type: ignore[valid-type]


def validate_rows(
    table: Table, rows: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any] | None], list[CellError]]:
    """Parse a chunk of raw rows; a row with any bad cell comes back as ``None``."""
    adapter = row_adapter(table)
    try:
        return list(adapter.validate_python(rows)), []
    except ValidationError as exc:
        errors = [_cell_error(e) for e in exc.errors(include_url=False)]
    bad = {e.index for e in errors}
    good_positions = [i for i in range(len(rows)) if i not in bad]
    parsed = adapter.validate_python([rows[i] for i in good_positions])
    result: list[dict[str, Any] | None] = [None] * len(rows)
    for position, row in zip(good_positions, parsed, strict=True):
        result[position] = row
    return result, errors


def _cell_error(error: Any) -> CellError:
    index, column = error["loc"][0], str(error["loc"][1])
    code = error["type"]
    params = dict(error.get("ctx") or {})
    params.setdefault("value", error.get("input"))
    return CellError(index, column, _PYDANTIC_CODES.get(code, code), params)


def validate_columns(
    table: Table, columns: dict[str, list[Any]], typed: bool
) -> tuple[dict[str, list[Any]], list[bool], list[CellError]]:
    """Parse a chunk given as columns (every column the source has, cleaned cells).

    Returns the parsed columns (a row that failed holds ``None`` in every column), whether each
    row is good, and the errors in the order :func:`validate_rows` reports them. ``typed`` says
    cells may be other than ``str``/``None`` (XLSX): then no per-value cache (``1 == True``).
    """
    size = len(next(iter(columns.values()))) if columns else 0
    bad_cells = _bad_cells(columns) if typed else []
    if bad_cells:
        columns = _without_bad_cells(columns)
    parsed: dict[str, list[Any]] = {}
    slow: set[int] = {e.index for e in bad_cells}
    limit = limits().cell_chars
    for name, values in columns.items():
        parsed[name] = _parse_column(table.column(name), values, typed, slow, limit)
    ok = [True] * size
    if not slow:
        return parsed, ok, []
    positions = sorted(slow)
    names = list(columns)
    raw_rows = [{n: columns[n][i] for n in names} for i in positions]
    results, errors = validate_rows(table, raw_rows)
    for position, row in zip(positions, results, strict=True):
        if row is None:
            ok[position] = False
            for name in names:
                parsed[name][position] = None
        else:
            for name in names:
                parsed[name][position] = row[name]
    found = [CellError(positions[e.index], e.column, e.code, e.params) for e in errors]
    if bad_cells:
        found = _with_bad_cells(found, bad_cells, parsed, ok)
    return parsed, ok, found


def _bad_cells(columns: dict[str, list[Any]]) -> list[CellError]:
    """Formulas without a value and Excel errors, as the errors of their cells."""
    return [
        CellError(i, name, v.code, v.params())
        for name, values in columns.items()
        for i, v in enumerate(values)
        if type(v) is cells.BadCell
    ]


def _without_bad_cells(columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        name: [None if type(v) is cells.BadCell else v for v in values]
        for name, values in columns.items()
    }


def _with_bad_cells(
    errors: list[CellError],
    bad_cells: list[CellError],
    parsed: dict[str, list[Any]],
    ok: list[bool],
) -> list[CellError]:
    """The bad cells' rows are refused; their cells report themselves, not as empty cells."""
    marked = {(e.index, e.column) for e in bad_cells}
    for position in {e.index for e in bad_cells}:
        ok[position] = False
        for values in parsed.values():
            values[position] = None
    kept = [e for e in errors if (e.index, e.column) not in marked]
    return sorted(kept + bad_cells, key=lambda e: e.index)


def _parse_column(
    column: Column, values: list[Any], typed: bool, slow: set[int], limit: int
) -> list[Any]:
    """The column parsed; positions the fast path cannot take are added to ``slow``."""
    parser = column_parser(column)
    if parser is None:  # text: checked here in bulk, by the schema's validator when suspect
        if typed:
            slow.update(i for i, v in enumerate(values) if v is not None and type(v) is not str)
        slow.update(_suspect_text(values, limit, typed))
        if column.identifier:  # once per distinct value: kinds repeat
            odd = {v for v in set(values) if v is not None and not _identifier(v)}
            if odd:
                slow.update(i for i, v in enumerate(values) if v in odd)
        result = list(values)
    elif typed:
        result = []
        for i, value in enumerate(values):
            try:
                result.append(parser(value))
            except PydanticCustomError:
                result.append(None)
                slow.add(i)
    else:
        table: dict[Any, Any] = {}
        refused = False
        for value in set(values):
            try:
                table[value] = parser(value)
            except PydanticCustomError:
                refused = True
        if refused:
            slow.update(i for i, v in enumerate(values) if v not in table)
            result = [table.get(v) for v in values]
        else:
            result = list(map(table.__getitem__, values))
    if column.required and None in result:
        slow.update(i for i, v in enumerate(result) if v is None)
    return result


def _identifier(value: Any) -> bool:
    return type(value) is str and IDENTIFIER.fullmatch(value) is not None


def _suspect_text(values: list[Any], limit: int, typed: bool) -> list[int]:
    """Positions of texts too long or with control characters: one regex over the column's
    distinct values (joined, as no control character is made by joining), per-value work only
    when that finds something."""
    if typed:
        distinct = {v for v in set(values) if type(v) is str}
    else:  # CSV cells are text or None
        distinct = set(values)
        distinct.discard(None)
    if not distinct:
        return []
    if max(map(len, distinct)) <= limit and not cells.CONTROL.search("".join(distinct)):
        return []
    bad = {v for v in distinct if len(v) > limit or cells.CONTROL.search(v)}
    return [i for i, v in enumerate(values) if v in bad]
