"""Rule-defined facts (registry-format.md, "Rule-defined facts"): an aggregate over one registry
table, compiled into a :class:`~compliance.vocabulary.subjects.Fact` like a built-in one.

A rule file's ``facts:`` entry names a table, a ``match`` tying its rows to the subject's row,
filters (``where``, ``during``) and one aggregate. It becomes one correlated SQL expression, so
the bulk engine pushes it down and the durable-rules and Python paths read the value it selects,
exactly as they read a built-in fact: the three cannot disagree on what it means.

Tables and columns come from the import contract (``registry.contract.TABLES``) and are stored
under the same names (``SQLModel`` metadata), so a table added to the contract is usable here
without a line of code. ``$parameter`` values are read from the evaluation's
:class:`~compliance.vocabulary.subjects.Context`, so a case or a preview that overrides a
parameter changes the fact too.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, exists, func, literal, select
from sqlalchemy.sql import FromClause

from compliance.models.registry import SQLModel
from compliance.registry.contract import TABLES, Kind, Table
from compliance.vocabulary.subjects import (
    Context,
    Fact,
    FactType,
    Refs,
    in_period,
    registry_table,
)


class Aggregate(StrEnum):
    COUNT = "count"
    EXISTS = "exists"
    SUM = "sum"
    MIN = "min"
    MAX = "max"


NEEDS_OF = (Aggregate.SUM, Aggregate.MIN, Aggregate.MAX)


class During(StrEnum):
    PERIOD = "period"  # the row's date lies in the judged period, both ends included
    AS_OF = "as_of"  # the row's date is on or before the day judged
    EVER = "ever"  # every row


COMPARISONS = ("gte", "gt", "lte", "lt", "ne")
COMPARE = {"eq": operator.eq, "ne": operator.ne, "gte": operator.ge, "gt": operator.gt,
           "lte": operator.le, "lt": operator.lt}  # fmt: skip
DAYS = ("$as_of", "$period_start", "$period_end")  # the day judged and the period's bounds

KIND_TYPES: dict[Kind, FactType] = {
    Kind.TEXT: FactType.TEXT,
    Kind.COUNT: FactType.INT,
    Kind.YEAR: FactType.INT,
    Kind.AMOUNT: FactType.FLOAT,
    Kind.DATE: FactType.DATE,
    Kind.BOOL: FactType.BOOL,
    Kind.CHOICE: FactType.TEXT,
    Kind.PERIOD: FactType.TEXT,
}
NUMERIC = (FactType.INT, FactType.FLOAT)


def _stored(table: Table) -> tuple[str, ...]:
    """The contract's columns that the database stores under the same name."""
    stored = SQLModel.metadata.tables.get(table.name)
    if stored is None:
        return ()
    return tuple(c for c in table.column_names if c in stored.c)


@cache
def tables() -> dict[str, Table]:
    """The registry tables a fact may read: the contract's, stored under their own name."""
    return {t.name: t for t in TABLES if _stored(t)}


def columns(table: str) -> dict[str, FactType]:
    """A table's readable columns and the fact type of each; empty for an unknown table."""
    spec = tables().get(table)
    if spec is None:
        return {}
    return {name: KIND_TYPES[spec.column(name).kind] for name in _stored(spec)}


def choices(table: str, column: str) -> tuple[str, ...]:
    """The values an enumerated column may hold (``kind: dialogue``), else nothing."""
    spec = tables().get(table)
    if spec is None or column not in spec.column_names:
        return ()
    return tuple(spec.column(column).choices or ())


@dataclass(frozen=True)
class Test:
    """One ``where`` test: ``eq`` (a scalar), ``in`` (a list) or a comparison."""

    op: str
    value: Any  # a scalar, a tuple for ``in``, or "$parameter"


@dataclass(frozen=True)
class Definition:
    aggregate: Aggregate
    table: str
    match: tuple[tuple[str, str], ...]  # (table column, subject row column)
    of: str | None = None
    where: tuple[tuple[str, Test], ...] = ()
    during: During = During.EVER
    date: str = "date"
    label_vi: str | None = None


def where_tests(raw: Any) -> list[Test]:
    """A ``where`` value as tests: ``v`` is eq, ``[v…]`` in, ``{gte: v, lt: w}`` comparisons."""
    if isinstance(raw, list):
        return [Test("in", tuple(raw))]
    if isinstance(raw, Mapping):
        return [Test(str(op), value) for op, value in raw.items()]
    return [Test("eq", raw)]


def fact_type(definition: Definition) -> FactType:
    """count is a whole number, exists yes/no, sum the column's kind of number, min/max the
    column's own type."""
    if definition.aggregate is Aggregate.COUNT:
        return FactType.INT
    if definition.aggregate is Aggregate.EXISTS:
        return FactType.BOOL
    of_type = columns(definition.table).get(definition.of or "", FactType.FLOAT)
    if definition.aggregate is Aggregate.SUM:
        return FactType.INT if of_type is FactType.INT else FactType.FLOAT
    return of_type


def default_label(name: str, definition: Definition) -> str:
    """What a case file shows without a ``label:``: the fact's own name, as the author wrote it."""
    return definition.label_vi or name


def resolve(value: Any, context: Context, type_: FactType) -> Any:
    """A ``where`` value as a constant of this evaluation, typed like its column."""
    if value == "$as_of":
        return context.as_of
    if value in ("$period_start", "$period_end"):
        period = context.require_period()
        return period.start if value == "$period_start" else period.end
    if isinstance(value, str) and value.startswith("$"):
        value = context.params[value[1:]]
    if type_ is FactType.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if type_ is FactType.FLOAT and isinstance(value, int):
        return float(value)
    return value


def _test(column: ColumnElement[Any], test: Test, context: Context, type_: FactType) -> Any:
    if test.op == "in":
        return column.in_([resolve(v, context, type_) for v in test.value])
    # an empty cell matches no test, ne included (as in conditions)
    return COMPARE[test.op](column, resolve(test.value, context, type_))


def _rows(definition: Definition, t: FromClause, r: Refs, c: Context) -> list[Any]:
    """The filters that keep the rows of ``t`` the fact is about."""
    kinds = columns(definition.table)
    clauses: list[Any] = [t.c[mine] == r.row.c[theirs] for mine, theirs in definition.match]
    clauses += [_test(t.c[col], test, c, kinds[col]) for col, test in definition.where]
    if definition.during is During.PERIOD:
        clauses.append(in_period(t.c[definition.date], c))
    elif definition.during is During.AS_OF:
        clauses.append(t.c[definition.date] <= c.as_of)
    return clauses


@dataclass(frozen=True)
class _Build:
    """The fact's SQL builder: a plain object rather than a closure, so a rule that carries its
    compiled facts still pickles (a run hands its rules to worker processes)."""

    definition: Definition
    type_: FactType

    def __call__(self, r: Refs, c: Context) -> ColumnElement[Any]:
        definition = self.definition
        aggregate = definition.aggregate
        t = registry_table(definition.table).alias()
        where = and_(*_rows(definition, t, r, c))
        if aggregate is Aggregate.EXISTS:
            return exists().where(where)
        if aggregate is Aggregate.COUNT:
            return select(func.count()).select_from(t).where(where).scalar_subquery()
        value = getattr(func, aggregate.value)(t.c[definition.of or ""])
        if aggregate is Aggregate.SUM:  # nothing matched is a sum of 0, not unknown
            zero = literal(0, Integer) if self.type_ is FactType.INT else literal(0.0)
            value = func.coalesce(value, zero)
        return select(value).select_from(t).where(where).scalar_subquery()


def compile_fact(name: str, definition: Definition) -> Fact:
    """The definition as a fact of the rule: one correlated scalar subquery (or EXISTS)."""
    type_ = fact_type(definition)
    return Fact(
        name,
        type_,
        default_label(name, definition),
        _Build(definition, type_),
        needs_period=definition.during is During.PERIOD,
    )
