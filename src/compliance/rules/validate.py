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

Stage 3 and 4 live in ``check_conditions`` and ``check_rule``; what loading gives (the loaded
rules, or :class:`RulesInvalid` with every :class:`Problem`) in ``loaded``.

Nothing is evaluated until every file passes: a bad rule is refused at load time, never
half-way through a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from compliance.rules import model
from compliance.rules.check_conditions import check_condition
from compliance.rules.check_facts import check_facts
from compliance.rules.check_rule import check_rule, check_templates, check_texts
from compliance.rules.loaded import LoadedRule, Problem, RulesInvalid, default_rules_dir, suggest
from compliance.rules.loader import LineDict, YamlSyntaxError, line_of, load_yaml, rule_files
from compliance.rules.target_format import check_target


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
        violation, found = check_condition(path, data, rule, "violation")
        at_risk, found_risk = check_condition(path, data, rule, "at_risk")
        found += found_risk + check_templates(path, data, rule) + check_rule(path, data, rule)
        found += check_facts(path, data, rule)  # the rule's own facts (facts:)
        if rule.id in seen:
            found.append(
                Problem(
                    path, line_of(data, ("id",)), f"rule id '{rule.id}' is also in {seen[rule.id]}"
                )
            )
        seen.setdefault(rule.id, path)
        if not found and violation is not None:
            found = check_texts(path, data, rule, violation, at_risk)
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
