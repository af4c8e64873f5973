"""Rule-defined facts (registry-format.md, "Rule-defined facts") drawn at random, and what the
contract says they give, written out plainly over lists of rows: no SQL, no vocabulary.

The differential test evaluates a rule on each drawn fact by the three engines and holds every
one to :func:`findings`.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any

from hypothesis import strategies as st

from tests.engine import oracle

Row = dict[str, Any]

# subject → (its table, its code column, [(table, match, choice column and values, date
# columns, numeric columns)])
SOURCES: dict[str, tuple[str, str, list[tuple[str, dict[str, str], tuple[str, list[Any]] | None,
                                               list[str], list[str]]]]] = {
    "enterprise": ("enterprises", "tax_code", [
        ("conferences", {"enterprise_tax_code": "tax_code"},
         ("kind", ["workers_conference", "dialogue"]), ["date"], []),
        ("fee_payments", {"enterprise_tax_code": "tax_code"}, None, ["due_on"],
         ["amount_due", "amount_paid"]),
        ("agreements", {"enterprise_tax_code": "tax_code"}, None, ["signed_on", "expires_on"], []),
    ]),
    "union": ("unions", "code", [
        ("reviews", {"union_code": "code"}, None, ["date"], []),
        ("inspections", {"target_code": "code"}, ("kind", ["finance", "charter"]), ["date"], []),
        ("inspections", {"target_code": "code", "inspector_code": "code"},
         ("kind", ["finance", "charter"]), ["date"], []),
        ("complaints", {"union_code": "code"}, ("complex", [True, False]),
         ["received_on", "accepted_on", "resolved_on"], []),
    ]),
}  # fmt: skip

OPS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
       "gt": operator.gt, "gte": operator.ge}  # fmt: skip


@st.composite
def defined_rules(draw: st.DrawFn, as_of: dt.date) -> dict[str, Any]:
    """A rule over one random rule-defined fact: its table, aggregate, where, during, date."""
    subject = draw(st.sampled_from(sorted(SOURCES)))
    _, _, sources = SOURCES[subject]
    table, match, choice, dates, numbers = draw(st.sampled_from(sources))
    period = draw(st.sampled_from(["none", "year", "quarter"]))
    aggregates = ["count", "exists", "min", "max"] + (["sum"] * bool(numbers))
    aggregate = draw(st.sampled_from(aggregates))
    of = None
    if aggregate == "sum":
        of = draw(st.sampled_from(numbers))
    elif aggregate in ("min", "max"):
        of = draw(st.sampled_from(numbers + dates))
    date = draw(st.sampled_from(dates))
    during = draw(st.sampled_from(["ever", "as_of"] + (["period"] if period != "none" else [])))
    parameters: dict[str, Any] = {}
    where: dict[str, Any] = {}
    if choice and draw(st.booleans()):
        column, values = choice
        form = draw(st.sampled_from(["eq", "in", "ne"]))
        value = draw(st.sampled_from(values))
        where[column] = value if form == "eq" else [value] if form == "in" else {"ne": value}
    if draw(st.booleans()):
        column = draw(st.sampled_from(dates))
        op = draw(st.sampled_from(["gte", "gt", "lte", "lt", "ne"]))
        bound = as_of - dt.timedelta(days=draw(st.sampled_from([0, 1, 90, 365, 400])))
        if draw(st.booleans()):
            parameters["since"] = {"default": bound.isoformat(), "description": "Ngày."}
            where[column] = {op: "$since"}
        else:
            where[column] = {op: bound}
    if numbers and table == "fee_payments" and draw(st.booleans()):
        parameters["amount"] = {"default": draw(st.sampled_from([0, 999, 1000])),
                                "description": "Số tiền."}  # fmt: skip
        where[draw(st.sampled_from(numbers))] = {draw(st.sampled_from(["gte", "lt"])): "$amount"}
    definition: dict[str, Any] = {aggregate: table, "match": match, "during": during}
    if of:
        definition["of"] = of
    if where:
        definition["where"] = where
    if date != "date" or draw(st.booleans()):
        definition["date"] = date
    of_is_date = of in dates
    if aggregate in ("count", "sum"):
        thresholds = [0, 1, 2] if aggregate == "count" else [0, 999, 1000, 1500000]
        condition = {"fact": "own", draw(st.sampled_from(["lt", "gte", "eq"])):
                     draw(st.sampled_from(thresholds))}  # fmt: skip
    elif aggregate == "exists":
        condition = {"fact": "own", "eq": draw(st.booleans())}
    elif draw(st.booleans()):
        condition = {"fact": "own", "is_null": draw(st.booleans())}
    else:
        bound = as_of - dt.timedelta(days=draw(st.sampled_from([0, 30, 365])))
        threshold = bound if of_is_date else draw(st.sampled_from([0, 999, 1000]))
        condition = {"fact": "own", draw(st.sampled_from(["lt", "gte"])): threshold}
    if draw(st.booleans()):
        condition = {"not": condition}
    rule = example_rule(subject, definition, condition, period)
    rule["parameters"] = parameters
    return rule


def example_rule(
    subject: str, definition: dict[str, Any], condition: dict[str, Any], period: str = "none"
) -> dict[str, Any]:
    """A rule whose only own fact is ``own``, judged by ``condition`` over every unit."""
    return {
        "id": "test.defined",
        "title": "T",
        "description": "D",
        "source": {"document": "000_14c18d3c2f2feb98.txt", "section": "II.1", "quote": "q"},
        "applies_to": {"subject": subject, "active": "any"},
        "period": period,
        "parameters": {},
        "facts": {"own": definition},
        "violation": condition,
        "severity": "low",
        "explanation": "{{ facts.own }}",
        "follow_up": {"responsible": "self", "due_in_days": 1, "title": "t", "body": "b"},
    }


def _value(value: Any, params: dict[str, Any]) -> Any:
    if value in params:  # the day judged and the period's bounds
        return params[value]
    if isinstance(value, str) and value.startswith("$"):
        value = params[value[1:]]["default"]
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    return value


def _keeps(row: Row, column: str, raw: Any, params: dict[str, Any]) -> bool:
    """A where test on one row; an empty cell matches no test, ``ne`` included."""
    cell = row.get(column)
    if cell is None:
        return False
    if isinstance(raw, list):
        return cell in raw
    if isinstance(raw, dict):
        return all(OPS[op](cell, _value(v, params)) for op, v in raw.items())
    return bool(cell == raw)


def fact_value(
    rule: dict[str, Any], unit: Row, rows: list[Row], bounds: Any, as_of: dt.date
) -> Any:
    ((name, definition),) = rule["facts"].items()
    aggregate = next(a for a in ("count", "exists", "sum", "min", "max") if a in definition)
    date = definition.get("date", "date")
    where = definition.get("where", {})
    during = definition.get("during", "ever")
    days = {
        "$as_of": as_of,
        "$period_start": bounds and bounds[0],
        "$period_end": bounds and bounds[1],
    }
    params = {**rule["parameters"], **days}
    kept = [
        r for r in rows
        if all(r.get(mine) == unit[theirs] for mine, theirs in definition["match"].items())
        and all(_keeps(r, c, raw, params) for c, raw in where.items())
        and (during == "ever"
             or during == "as_of" and r.get(date) is not None and r[date] <= as_of
             or during == "period" and oracle.inside(r.get(date), *bounds))
    ]  # fmt: skip
    if aggregate == "count":
        return len(kept)
    if aggregate == "exists":
        return bool(kept)
    values = [r[definition["of"]] for r in kept if r.get(definition["of"]) is not None]
    if aggregate == "sum":
        return sum(values)
    return (min if aggregate == "min" else max)(values) if values else None


def holds(condition: dict[str, Any], value: Any) -> bool:
    if "not" in condition:
        return not holds(condition["not"], value)
    if "is_null" in condition:
        return (value is None) is condition["is_null"]
    ((op, threshold),) = ((k, v) for k, v in condition.items() if k != "fact")
    return value is not None and OPS[op](value, threshold)


def values(rule: dict[str, Any], registry: dict[str, list[Row]], as_of: dt.date) -> dict[str, Any]:
    """The fact's value for every unit of the subject."""
    table, code, _ = SOURCES[rule["applies_to"]["subject"]]
    ((_, definition),) = rule["facts"].items()
    source = next(a for a in ("count", "exists", "sum", "min", "max") if a in definition)
    rows = registry.get(definition[source], [])
    bounds = period_of(rule, as_of)[0]
    return {
        unit[code]: fact_value(rule, unit, rows, bounds, as_of) for unit in registry.get(table, [])
    }


def period_of(rule: dict[str, Any], as_of: dt.date) -> tuple[Any, str | None]:
    period = rule["period"]
    if period == "none":
        return None, None
    start, end, label = (oracle.last_year if period == "year" else oracle.last_quarter)(as_of)
    return (start, end), label


def findings(rule: dict[str, Any], registry: dict[str, list[Row]], as_of: dt.date) -> set[Any]:
    label = period_of(rule, as_of)[1]
    return {
        (rule["id"], unit, label, "violation")
        for unit, value in values(rule, registry, as_of).items()
        if holds(rule["violation"], value)
    }
