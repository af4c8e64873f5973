"""Meaning of the rest of a rule: its templates' variables, its follow-up, its cases' tables and
columns and days, and every text rendered (``compliance.rules.trial``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from compliance.formatting import did_you_mean
from compliance.registry.contract import TABLES_BY_NAME
from compliance.rules import model
from compliance.rules.check_conditions import days_problem, leaves_with_paths
from compliance.rules.loaded import Problem
from compliance.rules.loader import line_of
from compliance.rules.templates import RULE_FIELDS, TEMPLATE_NAMES, UNIT_FIELDS, attribute_uses
from compliance.rules.trial import render_failures
from compliance.vocabulary import conditions
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind

MIN_CASE_DAY, MAX_CASE_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def check_templates(path: Path, data: Any, rule: model.Rule) -> list[Problem]:
    allowed_attributes = {
        "facts": set(rule.known_facts()),
        "params": set(rule.parameters),
        "unit": set(UNIT_FIELDS),
        "rule": set(RULE_FIELDS),
        "period": {"start", "end", "label", "year"},
    }
    templates: list[tuple[tuple[str, ...], str, bool]] = [
        (("explanation",), rule.explanation, False),
        (("follow_up", "title"), rule.follow_up.title, False),
        (("follow_up", "body"), rule.follow_up.body, False),
    ]
    if rule.due:
        templates.append((("due",), rule.due, True))
    problems = []
    for where, source, is_expression in templates:
        line = line_of(data, where)
        try:
            names, pairs = attribute_uses("{{ " + source + " }}" if is_expression else source)
        except TemplateSyntaxError as exc:
            problems.append(
                Problem(
                    path, line + (exc.lineno or 1) - 1, f"lỗi cú pháp mẫu văn bản: {exc.message}"
                )
            )
            continue
        for name in sorted(names - set(TEMPLATE_NAMES)):
            problems.append(
                Problem(
                    path,
                    line,
                    f"biến '{name}' trong {'.'.join(where)} không có"
                    f"{did_you_mean(name, TEMPLATE_NAMES)}",
                )
            )
        for base, attribute in sorted(pairs):
            known = allowed_attributes.get(base)
            if known is not None and attribute not in known:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"'{base}.{attribute}' trong {'.'.join(where)} không có"
                        f"{did_you_mean(attribute, known)}",
                    )
                )
        if (
            rule.period is PeriodKind.NONE
            and "period" in names
            and SUBJECTS[rule.applies_to.subject].row_period is None
        ):
            problems.append(
                Problem(
                    path,
                    line,
                    f"{'.'.join(where)} dùng 'period' nhưng quy tắc không có kỳ (period: none)",
                )
            )
    return problems


def check_rule(path: Path, data: Any, rule: model.Rule) -> list[Problem]:
    problems = []
    if rule.applies_to.union_kinds and rule.applies_to.subject != "union":
        problems.append(
            Problem(
                path,
                line_of(data, ("applies_to", "union_kinds")),
                "union_kinds chỉ dùng được với subject: union",
            )
        )
    if rule.applies_to.active == "whole_period" and rule.period is PeriodKind.NONE:
        problems.append(
            Problem(
                path,
                line_of(data, ("applies_to", "active")),
                "active: whole_period cần một quy tắc có kỳ (period: year, quarter hoặc month)",
            )
        )
    due_days = rule.follow_up.due_in_days
    due_line = line_of(data, ("follow_up", "due_in_days"))
    if isinstance(due_days, str) and due_days.removeprefix("$") not in rule.parameters:
        problems.append(
            Problem(path, due_line, f"tham số '{due_days}' chưa được khai báo trong parameters")
        )
    elif isinstance(due_days, str):
        default = rule.parameters[due_days.removeprefix("$")].default
        if not isinstance(default, int) or isinstance(default, bool):
            problems.append(Problem(path, due_line, f"'{due_days}' phải là một số ngày"))
        elif too_far := days_problem(default, f"follow_up.due_in_days ({due_days})"):
            problems.append(Problem(path, due_line, too_far))
    elif too_far := days_problem(due_days, "follow_up.due_in_days"):
        problems.append(Problem(path, due_line, too_far))
    day_counts = _day_count_parameters(rule)
    for i, case in enumerate(rule.tests):
        if not MIN_CASE_DAY <= case.as_of <= MAX_CASE_DAY:
            problems.append(
                Problem(
                    path,
                    line_of(data, ("tests", i, "as_of")),
                    f"as_of: ngày {case.as_of.isoformat()} nằm ngoài khoảng "
                    f"{MIN_CASE_DAY.year}–{MAX_CASE_DAY.year}.",
                )
            )
        for name, value in case.params.items():
            if name in day_counts and (too_far := days_problem(value, f"tham số '{name}'")):
                problems.append(Problem(path, line_of(data, ("tests", i, "params", name)), too_far))
        for table, rows in case.registry.items():
            spec = TABLES_BY_NAME.get(table)
            if spec is None:
                problems.append(
                    Problem(
                        path,
                        line_of(data, ("tests", i, "registry", table)),
                        f"không có bảng '{table}' trong sổ đăng ký"
                        f"{did_you_mean(table, TABLES_BY_NAME)}",
                    )
                )
                continue
            for j, row in enumerate(rows):
                for column in row:
                    if column not in spec.column_names:
                        problems.append(
                            Problem(
                                path,
                                line_of(data, ("tests", i, "registry", table, j, column)),
                                f"bảng {table} không có cột '{column}'"
                                f"{did_you_mean(column, spec.column_names)}",
                            )
                        )
        for name in case.params:
            if name not in rule.parameters:
                problems.append(
                    Problem(
                        path,
                        line_of(data, ("tests", i, "params", name)),
                        f"tham số '{name}' chưa được khai báo trong parameters",
                    )
                )
    return problems


def _day_count_parameters(rule: model.Rule) -> set[str]:
    """Parameters used as a number of days: in a date shift or as the task's due_in_days."""
    names = set()
    if isinstance(rule.follow_up.due_in_days, str):
        names.add(rule.follow_up.due_in_days.removeprefix("$"))
    for key in ("violation", "at_risk"):
        for _, leaf in leaves_with_paths(getattr(rule, key), (key,)):
            for value in leaf.values():
                if isinstance(value, dict):
                    shift = next(iter(value.values()), None)
                    if isinstance(shift, str):
                        names.add(shift.removeprefix("$"))
    return names


def check_texts(
    path: Path, data: Any, rule: model.Rule, violation: conditions.Node,
    at_risk: conditions.Node | None,
) -> list[Problem]:  # fmt: skip
    return [
        Problem(path, line_of(data, where), message)
        for where, message in render_failures(rule, violation, at_risk)
    ]
