"""Rule conditions: parsed once from YAML, compiled to SQL, to durable-rules, or run in Python.

The three must agree on every registry, so the semantics are fixed here and nowhere else:

* a comparison with an unknown (null) fact is false — ``ne`` included; ask ``is_null`` to
  catch unknowns;
* ``not`` is two-valued (it negates a comparison that was false because of a null, too).

SQL gets ``COALESCE(comparison, FALSE)`` so three-valued logic never leaks; durable-rules has no
``$not``, so negation is pushed to the leaves first (``not a < b`` → ``a is null or a >= b``)
and a null fact is simply left out of the asserted fact (a missing property matches nothing).

Values may be literals, ``$parameter`` references, ``$as_of``/``$period_start``/
``$period_end``, or ``{days_after_as_of: N}`` / ``{days_before_as_of: N}`` (N a number or a
``$parameter``). They are constants for one evaluation, resolved before compiling.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal, not_, or_

from compliance.exceptions import ComplianceError
from compliance.formatting import did_you_mean
from compliance.vocabulary.subjects import SQL_TYPES, Context, Fact

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
NEGATED = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "gt": "lte", "lte": "gt"}
SPECIAL_VALUES = ("$as_of", "$period_start", "$period_end")
DATE_SHIFTS = ("days_after_as_of", "days_before_as_of")
COMBINATORS = ("all", "any", "not")


class ConditionError(ComplianceError, ValueError):
    """A condition that cannot be understood; ``path`` locates it inside the condition."""

    code = "rules.condition"

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


# The tree -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str
    value: Any  # a literal, "$name", or {"days_after_as_of": n}


@dataclass(frozen=True)
class IsNull:
    fact: str
    expected: bool = True


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Compare | IsNull | All | AnyOf | Not


def parse(raw: Any, path: tuple[str | int, ...] = ()) -> Node:
    """YAML data → tree; raises :class:`ConditionError` at the first malformed node."""
    if not isinstance(raw, Mapping):
        kind = type(raw).__name__
        raise ConditionError(path, f"một điều kiện là một bảng khóa (fact: …), không phải {kind}")
    keys = set(raw)
    combinator = keys & set(COMBINATORS)
    if combinator:
        if len(keys) != 1:
            raise ConditionError(
                path, f"'{next(iter(combinator))}' phải đứng riêng, đang có {sorted(keys)}"
            )
        key = next(iter(combinator))
        value = raw[key]
        if key == "not":
            return Not(parse(value, (*path, key)))
        if not isinstance(value, list) or not value:
            raise ConditionError((*path, key), f"'{key}' cần một danh sách điều kiện không rỗng")
        items = tuple(parse(item, (*path, key, i)) for i, item in enumerate(value))
        return All(items) if key == "all" else AnyOf(items)
    if "fact" not in keys:
        raise ConditionError(
            path,
            f"một điều kiện cần 'fact' và một phép so sánh, hoặc {', '.join(COMBINATORS)}",
        )
    name = raw["fact"]
    if not isinstance(name, str):
        raise ConditionError((*path, "fact"), "'fact' là tên một dữ kiện")
    ops = keys - {"fact"}
    if len(ops) != 1:
        valid = ", ".join([*OPERATORS, "in", "is_null"])
        raise ConditionError(path, f"dữ kiện '{name}' cần đúng một phép so sánh: {valid}")
    op = next(iter(ops))
    value = raw[op]
    if op == "is_null":
        if not isinstance(value, bool):
            raise ConditionError((*path, op), "'is_null' nhận true hoặc false")
        return IsNull(name, value)
    if op == "in":
        if not isinstance(value, list) or not value:
            raise ConditionError((*path, op), "'in' cần một danh sách không rỗng")
        return AnyOf(tuple(Compare(name, "eq", v) for v in value))
    if op not in OPERATORS:
        known = [*OPERATORS, "in", "is_null"]
        raise ConditionError((*path, op), f"không có phép so sánh '{op}'{did_you_mean(op, known)}")
    _check_value(value, (*path, op))
    return Compare(name, op, value)


def _check_value(value: Any, path: tuple[str | int, ...]) -> None:
    if isinstance(value, Mapping):
        if len(value) != 1 or next(iter(value)) not in DATE_SHIFTS:
            raise ConditionError(path, f"giá trị tính toán là một trong {', '.join(DATE_SHIFTS)}")
        shift = next(iter(value.values()))
        if not isinstance(shift, int | str) or isinstance(shift, bool):
            raise ConditionError(path, "số ngày là một số hoặc một $tham_số")
    elif isinstance(value, list):
        raise ConditionError(path, "danh sách chỉ dùng với 'in'")


def walk(node: Node) -> list[Compare | IsNull]:
    """The leaves, in order."""
    if isinstance(node, Compare | IsNull):
        return [node]
    if isinstance(node, Not):
        return walk(node.item)
    return [leaf for item in node.items for leaf in walk(item)]


# Resolving values -------------------------------------------------------------------------------


def resolve(value: Any, params: Mapping[str, Any], context: Context) -> Any:
    """A value as a constant of this evaluation."""
    if isinstance(value, Mapping):
        ((shift, days),) = value.items()
        n = int(resolve(days, params, context))
        delta = dt.timedelta(days=n if shift == "days_after_as_of" else -n)
        return context.as_of + delta
    if isinstance(value, str) and value.startswith("$"):
        if value == "$as_of":
            return context.as_of
        if value == "$period_start":
            return context.require_period().start
        if value == "$period_end":
            return context.require_period().end
        return params[value[1:]]
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def bind(node: Node, params: Mapping[str, Any], context: Context) -> Node:
    """The same tree with every value resolved to a constant."""
    if isinstance(node, Compare):
        return Compare(node.fact, node.op, resolve(node.value, params, context))
    if isinstance(node, IsNull):
        return node
    if isinstance(node, Not):
        return Not(bind(node.item, params, context))
    items = tuple(bind(i, params, context) for i in node.items)
    return All(items) if isinstance(node, All) else AnyOf(items)


# Python ------------------------------------------------------------------------------------------


def holds(node: Node, facts: Mapping[str, Any]) -> bool:
    """Evaluate a bound tree on one unit's facts (the reference semantics)."""
    if isinstance(node, Compare):
        value = facts.get(node.fact)
        return value is not None and OPERATORS[node.op](value, node.value)
    if isinstance(node, IsNull):
        return (facts.get(node.fact) is None) is node.expected
    if isinstance(node, Not):
        return not holds(node.item, facts)
    if isinstance(node, All):
        return all(holds(i, facts) for i in node.items)
    return any(holds(i, facts) for i in node.items)


# SQL ---------------------------------------------------------------------------------------------


def to_sql(
    node: Node, expressions: Mapping[str, ColumnElement[Any]], facts: Mapping[str, Fact]
) -> ColumnElement[bool]:
    """A bound tree as a two-valued SQL boolean over the facts' expressions."""
    if isinstance(node, Compare):
        expr = expressions[node.fact]
        value = literal(node.value, SQL_TYPES[facts[node.fact].type])
        return func.coalesce(OPERATORS[node.op](expr, value), false())
    if isinstance(node, IsNull):
        expr = expressions[node.fact]
        return expr.is_(None) if node.expected else expr.is_not(None)
    if isinstance(node, Not):
        return not_(to_sql(node.item, expressions, facts))
    parts = [to_sql(i, expressions, facts) for i in node.items]
    return and_(*parts) if isinstance(node, All) else or_(*parts)


def either(first: Node, second: Node) -> Node:
    """``first OR second`` with the conjuncts both share taken out: (A ∧ B) ∨ (A ∧ C) is
    A ∧ (B ∨ C). SQL engines do not factor this themselves, so a rule whose violation and at-risk
    conditions both start "has a union" would run that fact's subquery twice for every unit."""
    if not (isinstance(first, All) and isinstance(second, All)):
        return AnyOf((first, second))
    shared = tuple(item for item in first.items if item in second.items)
    if not shared:
        return AnyOf((first, second))
    rest = [tuple(item for item in node.items if item not in shared) for node in (first, second)]
    if not all(rest):  # one side is the shared part alone, which the other side implies
        return All(shared)
    return All((*shared, AnyOf(tuple(r[0] if len(r) == 1 else All(r) for r in rest))))


# durable-rules -----------------------------------------------------------------------------------


def negation_normal_form(node: Node, negate: bool = False) -> Node:
    """Push every ``not`` down to the leaves (durable-rules has no ``$not``)."""
    if isinstance(node, Not):
        return negation_normal_form(node.item, not negate)
    if isinstance(node, IsNull):
        return IsNull(node.fact, node.expected != negate)
    if isinstance(node, Compare):
        if not negate:
            return node
        # false when null, so its negation is true when null
        return AnyOf((IsNull(node.fact), Compare(node.fact, NEGATED[node.op], node.value)))
    items = tuple(negation_normal_form(i, negate) for i in node.items)
    conjunction = isinstance(node, All) != negate
    return All(items) if conjunction else AnyOf(items)


def durable_value(value: Any) -> Any:
    """Dates travel as day numbers: durable-rules compares numbers and strings only."""
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


_DURABLE_OPS = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


def to_durable(node: Node) -> dict[str, Any]:
    """A bound tree as a durable-rules expression on one fact (``m``)."""
    return _durable(negation_normal_form(node))


def _durable(node: Node) -> dict[str, Any]:
    if isinstance(node, Compare):
        value = durable_value(node.value)
        if node.op == "eq":
            return {node.fact: value}
        return {_DURABLE_OPS[node.op]: {node.fact: value}}
    if isinstance(node, IsNull):
        if not node.expected:
            return {"$ex": {node.fact: 1}}
        # A "$nex" that is not joined by "$and" to another test hangs durable-rules 2.0.28 (the
        # worker spins, alone or inside "$or"; measured): join it to the test every asserted
        # fact passes (engine.durable asserts each with "_fact": 1).
        return {"$and": [{"$ex": {"_fact": 1}}, {"$nex": {node.fact: 1}}]}
    assert not isinstance(node, Not)
    parts = [_durable(i) for i in node.items]
    if len(parts) == 1:
        return parts[0]
    return {"$and" if isinstance(node, All) else "$or": parts}


def durable_fact(facts: Mapping[str, Any]) -> dict[str, Any]:
    """One unit's facts as a durable-rules fact: nulls left out, dates as day numbers."""
    return {k: durable_value(v) for k, v in facts.items() if v is not None}
