"""Load and check rule files in three stages, reporting every problem as ``FILE:LINE: message``.

1. YAML syntax (the loader keeps each key's line);
2. the schema (pydantic): unknown keys with "did you mean", missing keys, wrong types;
3. meaning: conditions name facts the subject has, parameters exist, values fit the facts'
   types, templates use only known variables, rule cases name real tables and columns;
4. limits (a rule file is input from people): conditions at most :data:`MAX_CONDITION_DEPTH`
   deep and :data:`MAX_CONDITION_LEAVES` wide (measured: durable-rules refuses a ruleset with
   all/any alternating 15 deep, "error code 113"; SQLite's parser overflows near 30 levels and
   refuses an OR of 1,000 terms), day counts within 100 years, and every text rendered for
   each case and for synthetic units (``compliance.rules.trial``).

Nothing is evaluated until every file passes: a bad rule is refused at load time, never
half-way through a run.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, ValidationError

from compliance.exceptions import ComplianceError
from compliance.registry.contract import TABLES_BY_NAME
from compliance.rules import model
from compliance.rules.loader import LineDict, YamlSyntaxError, line_of, load_yaml, rule_files
from compliance.rules.target_format import check_target
from compliance.rules.templates import (
    MAX_DAYS,
    RULE_FIELDS,
    TEMPLATE_NAMES,
    UNIT_FIELDS,
    attribute_uses,
)
from compliance.rules.trial import render_failures
from compliance.vocabulary import conditions
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind
from compliance.vocabulary.subjects import FactType


def default_rules_dir() -> Path:
    """``COMPLIANCE_RULES_DIR``, else ./rules, else the catalogue beside the package's checkout."""
    from compliance.settings import get_settings

    configured = get_settings().rules_dir
    if configured:
        return Path(configured)
    here = Path("rules")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "rules"


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LoadedRule:
    rule: model.Rule
    path: Path
    violation: conditions.Node
    at_risk: conditions.Node | None

    @property
    def id(self) -> str:
        return self.rule.id

    @cached_property
    def version(self) -> str:
        """The rule's content hash, computed once: every finding carries it."""
        return self.rule.version()


class RulesInvalid(ComplianceError):
    code = "rules.invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _known_keys() -> set[str]:
    keys: set[str] = set()
    pending: list[type[BaseModel]] = [model.Rule]
    seen: set[type[BaseModel]] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        keys.update(cls.model_fields)
        for field in cls.model_fields.values():
            for arg in _model_args(field.annotation):
                pending.append(arg)
    return keys


def _model_args(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _model_args(arg)


def suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _location(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc) or "(top)"


def _schema_problems(path: Path, data: Any, error: ValidationError) -> list[Problem]:
    problems = []
    known = _known_keys()
    for item in error.errors(include_url=False):
        loc = item["loc"]
        line = line_of(data, loc)
        kind = item["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            message = f"unknown key '{key}' in {_location(loc[:-1])}{suggest(key, known)}"
        elif kind == "missing":
            parent = line_of(data, loc[:-1])
            problems.append(Problem(path, parent, f"missing key '{_location(loc)}'"))
            continue
        else:
            message = f"{_location(loc)}: {item['msg']} (got {item.get('input')!r})"
        problems.append(Problem(path, line, message))
    return problems


MAX_CONDITION_DEPTH = 12  # all/any/not levels above a comparison; the catalogue's deepest is 3
MAX_CONDITION_LEAVES = 200  # comparisons, each item of an 'in' counting one
MIN_CASE_DAY, MAX_CASE_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


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


def _days_problem(value: Any, what: str) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_DAYS:
        return f"{what}: {value} ngày vượt quá giới hạn {MAX_DAYS} ngày (100 năm)."
    return None


def _check_condition(
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
    for leaf_path, leaf in _leaves_with_paths(raw, (key,)):
        name = leaf.get("fact")
        fact = subject.facts.get(name) if isinstance(name, str) else None
        line = line_of(data, (*leaf_path, "fact"))
        if fact is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown fact '{name}' for subject {subject.name}"
                    f"{suggest(str(name), subject.facts)} "
                    f"(known: {', '.join(sorted(subject.facts))})",
                )
            )
            continue
        if fact.needs_period and rule.period is PeriodKind.NONE:
            problems.append(
                Problem(
                    path, line, f"fact '{name}' is about a period, but the rule has period: none"
                )
            )
        for op, value in leaf.items():
            if op in ("fact", "is_null"):
                continue
            values = value if op == "in" and isinstance(value, list) else [value]
            for v in values:
                problems.extend(_check_value(path, data, rule, (*leaf_path, op), fact.type, v))
    return node, problems


def _leaves_with_paths(
    raw: Any, path: tuple[str | int, ...]
) -> Iterable[tuple[tuple[str | int, ...], dict[str, Any]]]:
    if not isinstance(raw, dict):
        return
    for key in ("all", "any"):
        if isinstance(raw.get(key), list):
            for i, item in enumerate(raw[key]):
                yield from _leaves_with_paths(item, (*path, key, i))
            return
    if "not" in raw:
        yield from _leaves_with_paths(raw["not"], (*path, "not"))
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
            return [Problem(path, line, f"a date shift compared with a {fact_type} fact")]
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if value in conditions.SPECIAL_VALUES:
            if value != "$as_of" and rule.period is PeriodKind.NONE:
                return [Problem(path, line, f"{value} needs a rule with a period")]
            return []
        if name not in rule.parameters:
            choices = [f"${p}" for p in rule.parameters] + list(conditions.SPECIAL_VALUES)
            return [Problem(path, line, f"undefined parameter '{value}'{suggest(value, choices)}")]
        value = rule.parameters[name].default
        if shift:
            if not isinstance(value, int):
                return [Problem(path, line, f"'{name}' must be a day count")]
            too_far = _days_problem(value, f"tham số '{name}'")
            return [Problem(path, line, too_far)] if too_far else []
    if shift:
        if not isinstance(value, int):
            return [Problem(path, line, "a day count must be a number")]
        too_far = _days_problem(value, "số ngày dời")
        return [Problem(path, line, too_far)] if too_far else []
    if isinstance(value, str) and fact_type is FactType.DATE:
        try:
            dt.date.fromisoformat(value)
            return []
        except ValueError:
            return [Problem(path, line, f"'{value}' is not a date (YYYY-MM-DD)")]
    expected = _PYTHON_TYPES[fact_type]
    if (
        isinstance(value, bool)
        and fact_type is not FactType.BOOL
        or not isinstance(value, expected)
    ):
        return [Problem(path, line, f"{value!r} cannot be compared with a {fact_type} fact")]
    return []


def _check_templates(path: Path, data: Any, rule: model.Rule) -> list[Problem]:
    subject = SUBJECTS[rule.applies_to.subject]
    allowed_attributes = {
        "facts": set(subject.facts),
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
                Problem(path, line + (exc.lineno or 1) - 1, f"template syntax: {exc.message}")
            )
            continue
        for name in sorted(names - set(TEMPLATE_NAMES)):
            problems.append(
                Problem(
                    path,
                    line,
                    f"undefined variable '{name}' in {'.'.join(where)}"
                    f"{suggest(name, TEMPLATE_NAMES)}",
                )
            )
        for base, attribute in sorted(pairs):
            known = allowed_attributes.get(base)
            if known is not None and attribute not in known:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"undefined '{base}.{attribute}' in {'.'.join(where)}"
                        f"{suggest(attribute, known)}",
                    )
                )
        if (
            rule.period is PeriodKind.NONE
            and "period" in names
            and rule.applies_to.subject != "fee_payment"
        ):
            problems.append(
                Problem(path, line, f"'period' used in {'.'.join(where)}, but the rule has none")
            )
    return problems


def _check_rule(path: Path, data: Any, rule: model.Rule) -> list[Problem]:
    problems = []
    if rule.applies_to.union_kinds and rule.applies_to.subject != "union":
        problems.append(
            Problem(
                path,
                line_of(data, ("applies_to", "union_kinds")),
                "union_kinds only applies to subject: union",
            )
        )
    if rule.applies_to.active == "whole_period" and rule.period is PeriodKind.NONE:
        problems.append(
            Problem(
                path,
                line_of(data, ("applies_to", "active")),
                "active: whole_period needs a rule with a period",
            )
        )
    due_days = rule.follow_up.due_in_days
    due_line = line_of(data, ("follow_up", "due_in_days"))
    if isinstance(due_days, str) and due_days.removeprefix("$") not in rule.parameters:
        problems.append(Problem(path, due_line, f"undefined parameter '{due_days}'"))
    elif isinstance(due_days, str):
        default = rule.parameters[due_days.removeprefix("$")].default
        if not isinstance(default, int) or isinstance(default, bool):
            problems.append(Problem(path, due_line, f"'{due_days}' must be a day count"))
        elif too_far := _days_problem(default, f"follow_up.due_in_days ({due_days})"):
            problems.append(Problem(path, due_line, too_far))
    elif too_far := _days_problem(due_days, "follow_up.due_in_days"):
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
            if name in day_counts and (too_far := _days_problem(value, f"tham số '{name}'")):
                problems.append(Problem(path, line_of(data, ("tests", i, "params", name)), too_far))
        for table, rows in case.registry.items():
            spec = TABLES_BY_NAME.get(table)
            if spec is None:
                problems.append(
                    Problem(
                        path,
                        line_of(data, ("tests", i, "registry", table)),
                        f"unknown table '{table}'{suggest(table, TABLES_BY_NAME)}",
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
                                f"unknown column '{column}' of {table}"
                                f"{suggest(column, spec.column_names)}",
                            )
                        )
        for name in case.params:
            if name not in rule.parameters:
                problems.append(
                    Problem(
                        path,
                        line_of(data, ("tests", i, "params", name)),
                        f"undefined parameter '{name}'",
                    )
                )
    return problems


def _day_count_parameters(rule: model.Rule) -> set[str]:
    """Parameters used as a number of days: in a date shift or as the task's due_in_days."""
    names = set()
    if isinstance(rule.follow_up.due_in_days, str):
        names.add(rule.follow_up.due_in_days.removeprefix("$"))
    for key in ("violation", "at_risk"):
        for _, leaf in _leaves_with_paths(getattr(rule, key), (key,)):
            for value in leaf.values():
                if isinstance(value, dict):
                    shift = next(iter(value.values()), None)
                    if isinstance(shift, str):
                        names.add(shift.removeprefix("$"))
    return names


def _check_texts(
    path: Path, data: Any, rule: model.Rule, violation: conditions.Node,
    at_risk: conditions.Node | None,
) -> list[Problem]:  # fmt: skip
    return [
        Problem(path, line_of(data, where), message)
        for where, message in render_failures(rule, violation, at_risk)
    ]


def load_rules(paths: Sequence[Path] = ()) -> list[LoadedRule]:
    """Every rule under ``paths``; raises :class:`RulesInvalid` with all problems of all files.

    Aggregate targets (``kind: target``, under ``rules/targets/``) are checked too, so one
    ``compliance rules validate`` covers the catalogue, but not returned: they are not rules.
    """
    paths = paths or [default_rules_dir()]
    problems: list[Problem] = []
    loaded: list[LoadedRule] = []
    seen: dict[str, Path] = {}
    waivers: list[tuple[Path, int, str | None]] = []  # targets' per-unit rules, checked last
    files = rule_files(paths)
    missing = [p for p in paths if not p.exists()]
    problems.extend(Problem(p, 1, "no such file or folder") for p in missing)
    for path in files:
        try:
            data = load_yaml(path)
        except YamlSyntaxError as exc:
            problems.append(Problem(path, exc.line, exc.message))
            continue
        if not isinstance(data, LineDict):
            problems.append(Problem(path, 1, "a rule file holds one mapping (id:, title:, …)"))
            continue
        if data.get("kind") == "target":  # an aggregate target (rules/targets/): not a rule
            target, target_problems = check_target(data)
            problems.extend(Problem(path, line, message) for line, message in target_problems)
            if target is not None:
                waivers.append((path, line_of(data, ("waiver_rule",)), target.waiver_rule))
            continue
        try:
            rule = model.Rule.model_validate(data)
        except ValidationError as exc:
            problems.extend(_schema_problems(path, data, exc))
            continue
        violation, found = _check_condition(path, data, rule, "violation")
        at_risk, found_risk = _check_condition(path, data, rule, "at_risk")
        found += found_risk + _check_templates(path, data, rule) + _check_rule(path, data, rule)
        if rule.id in seen:
            found.append(
                Problem(
                    path, line_of(data, ("id",)), f"rule id '{rule.id}' is also in {seen[rule.id]}"
                )
            )
        seen.setdefault(rule.id, path)
        if not found and violation is not None:
            found = _check_texts(path, data, rule, violation, at_risk)
        problems.extend(found)
        if not found and violation is not None:
            loaded.append(LoadedRule(rule, path, violation, at_risk))
    problems.extend(
        Problem(path, line, f"unknown waiver_rule '{rule_id}'{suggest(rule_id, seen)}")
        for path, line, rule_id in waivers
        if rule_id and seen and rule_id not in seen
    )
    if problems:
        raise RulesInvalid(sorted(problems, key=lambda p: (str(p.file), p.line)))
    return loaded
