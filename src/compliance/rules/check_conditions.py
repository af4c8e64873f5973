"""Meaning and limits of a rule's conditions: facts the subject has, values that fit the facts'
types, parameters that exist, and depth and width within what SQLite and durable-rules take
(``validate`` stage 3 and 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from compliance.formatting import did_you_mean
from compliance.rules import model
from compliance.rules.loaded import Problem
from compliance.rules.loader import line_of
from compliance.rules.templates import MAX_DAYS
from compliance.vocabulary import conditions
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind
from compliance.vocabulary.subjects import FactType

MAX_CONDITION_DEPTH = 12  # all/any/not levels above a comparison; the catalogue's deepest is 3
MAX_CONDITION_LEAVES = 200  # comparisons, each item of an 'in' counting one


def _shape_problem(path: Path, data: Any, raw: Any, key: str) -> Problem | None:
    """Depth and width of a condition, measured without recursion (it may be hostile)."""
    leaves = 0
    pending: list[tuple[Any, tuple[str | int, ...], int]] = [(raw, (key,), 0)]
    while pending:
        node, where, depth = pending.pop()
        if not isinstance(node, dict):
            continue
        if depth > MAX_CONDITION_DEPTH:
            return Problem(
                path,
                line_of(data, where),
                f"{key}: điều kiện lồng nhau quá sâu (quá {MAX_CONDITION_DEPTH} mức all/any/not);"
                " hãy viết phẳng hơn.",
            )
        if isinstance(node.get("in"), list):
            leaves += len(node["in"])
        elif "fact" in node:
            leaves += 1
        for combinator in ("all", "any"):
            if isinstance(node.get(combinator), list):
                pending.extend(
                    (item, (*where, combinator, i), depth + 1)
                    for i, item in enumerate(node[combinator])
                )
        if "not" in node:
            pending.append((node["not"], (*where, "not"), depth + 1))
    if leaves > MAX_CONDITION_LEAVES:
        return Problem(
            path,
            line_of(data, (key,)),
            f"{key}: điều kiện có {leaves} phép so sánh, quá {MAX_CONDITION_LEAVES}; "
            "hãy tách thành nhiều quy tắc.",
        )
    return None


def days_problem(value: Any, what: str) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_DAYS:
        return f"{what}: {value} ngày vượt quá giới hạn {MAX_DAYS} ngày (100 năm)."
    return None


def check_condition(
    path: Path, data: Any, rule: model.Rule, key: str
) -> tuple[conditions.Node | None, list[Problem]]:
    raw = getattr(rule, key)
    if raw is None:
        return None, []
    shape = _shape_problem(path, data, raw, key)
    if shape is not None:
        return None, [shape]
    try:
        node = conditions.parse(raw)
    except conditions.ConditionError as exc:
        return None, [Problem(path, line_of(data, (key, *exc.path)), f"{key}: {exc.message}")]
    problems: list[Problem] = []
    subject = SUBJECTS[rule.applies_to.subject]
    known = rule.known_facts()  # the subject's and the rule's own (facts:)
    for leaf_path, leaf in leaves_with_paths(raw, (key,)):
        name = leaf.get("fact")
        fact = known.get(name) if isinstance(name, str) else None
        line = line_of(data, (*leaf_path, "fact"))
        if fact is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"đối tượng {subject.name} không có dữ kiện '{name}'"
                    f"{did_you_mean(str(name), known)} "
                    f"(các dữ kiện có: {', '.join(sorted(known))})",
                )
            )
            continue
        if fact.needs_period and rule.period is PeriodKind.NONE:
            problems.append(
                Problem(path, line, f"dữ kiện '{name}' tính theo kỳ, nhưng quy tắc có period: none")
            )
        for op, value in leaf.items():
            if op in ("fact", "is_null"):
                continue
            values = value if op == "in" and isinstance(value, list) else [value]
            for v in values:
                problems.extend(_check_value(path, data, rule, (*leaf_path, op), fact.type, v))
    return node, problems


def leaves_with_paths(
    raw: Any, path: tuple[str | int, ...]
) -> Iterable[tuple[tuple[str | int, ...], dict[str, Any]]]:
    if not isinstance(raw, dict):
        return
    for key in ("all", "any"):
        if isinstance(raw.get(key), list):
            for i, item in enumerate(raw[key]):
                yield from leaves_with_paths(item, (*path, key, i))
            return
    if "not" in raw:
        yield from leaves_with_paths(raw["not"], (*path, "not"))
        return
    yield path, raw


_PYTHON_TYPES: dict[FactType, tuple[type, ...]] = {
    FactType.INT: (int, float),
    FactType.FLOAT: (int, float),
    FactType.BOOL: (bool,),
    FactType.DATE: (dt.date,),
    FactType.TEXT: (str,),
}


def _check_value(
    path: Path,
    data: Any,
    rule: model.Rule,
    where: tuple[str | int, ...],
    fact_type: FactType,
    value: Any,
) -> list[Problem]:
    line = line_of(data, where)
    shift = isinstance(value, dict)
    if shift:
        value = next(iter(value.values()), None)
        if fact_type is not FactType.DATE:
            return [Problem(path, line, f"một khoảng ngày được so với dữ kiện kiểu {fact_type}")]
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if value in conditions.SPECIAL_VALUES:
            if value != "$as_of" and rule.period is PeriodKind.NONE:
                return [Problem(path, line, f"{value} cần một quy tắc có kỳ (period)")]
            return []
        if name not in rule.parameters:
            choices = [f"${p}" for p in rule.parameters] + list(conditions.SPECIAL_VALUES)
            return [
                Problem(
                    path,
                    line,
                    f"tham số '{value}' chưa được khai báo{did_you_mean(value, choices)}",
                )
            ]
        value = rule.parameters[name].default
        if shift:
            if not isinstance(value, int):
                return [Problem(path, line, f"'{name}' phải là một số ngày")]
            too_far = days_problem(value, f"tham số '{name}'")
            return [Problem(path, line, too_far)] if too_far else []
    if shift:
        if not isinstance(value, int):
            return [Problem(path, line, "số ngày phải là một số")]
        too_far = days_problem(value, "số ngày dời")
        return [Problem(path, line, too_far)] if too_far else []
    if isinstance(value, str) and fact_type is FactType.DATE:
        try:
            dt.date.fromisoformat(value)
            return []
        except ValueError:
            return [Problem(path, line, f"'{value}' không phải là ngày (YYYY-MM-DD)")]
    expected = _PYTHON_TYPES[fact_type]
    if (
        isinstance(value, bool)
        and fact_type is not FactType.BOOL
        or not isinstance(value, expected)
    ):
        return [Problem(path, line, f"{value!r} không so được với dữ kiện kiểu {fact_type}")]
    return []
