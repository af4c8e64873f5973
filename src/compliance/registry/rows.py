"""Row schemas built from the contract, validated in bulk with pydantic.

One ``TypeAdapter(list[RowSchema])`` per table validates a whole chunk in one call (about
2–4 µs a row) and reports every bad cell with its index and column; building a model object per
row would be three times slower.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from compliance.registry import cells
from compliance.registry.contract import TABLES_BY_NAME, Column, Kind, Table

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
            return str | None if nullable else str
        case Kind.COUNT:
            return annotated(int, cells.parse_count)
        case Kind.YEAR:
            return annotated(int, cells.parse_year)
        case Kind.AMOUNT:
            return annotated(float, cells.parse_amount)
        case Kind.DATE:
            return annotated(dt.date, cells.parse_date)
        case Kind.BOOL:
            return annotated(bool, cells.parse_bool)
        case Kind.PERIOD:
            return annotated(str, cells.parse_period)
        case Kind.CHOICE:
            assert column.choices is not None
            return annotated(Literal[tuple(column.choices)], cells.choice_parser(column))
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
