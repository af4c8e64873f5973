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

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from compliance.formatting import did_you_mean
from compliance.rules import model
from compliance.rules.check_conditions import check_condition
from compliance.rules.check_facts import check_facts
from compliance.rules.check_rule import check_rule, check_templates, check_texts
from compliance.rules.loaded import LoadedRule, Problem, RulesInvalid, default_rules_dir
from compliance.rules.loader import LineDict, YamlSyntaxError, line_of, load_yaml, rule_files
from compliance.rules.schema_errors import file_problems
from compliance.rules.target_format import check_target


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
    problems.extend(Problem(p, 1, "không có tệp hoặc thư mục này") for p in missing)
    for path in files:
        try:
            data = load_yaml(path)
        except YamlSyntaxError as exc:
            problems.append(Problem(path, exc.line, exc.message))
            continue
        if not isinstance(data, LineDict):
            problems.append(Problem(path, 1, "mỗi tệp quy tắc chứa một bảng khóa (id:, title:, …)"))
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
            problems.extend(file_problems(path, data, exc, model.Rule))
            continue
        violation, found = check_condition(path, data, rule, "violation")
        at_risk, found_risk = check_condition(path, data, rule, "at_risk")
        found += found_risk + check_templates(path, data, rule) + check_rule(path, data, rule)
        found += check_facts(path, data, rule)  # the rule's own facts (facts:)
        if rule.id in seen:
            found.append(
                Problem(
                    path,
                    line_of(data, ("id",)),
                    f"mã quy tắc '{rule.id}' đã có trong {seen[rule.id]}",
                )
            )
        seen.setdefault(rule.id, path)
        if not found and violation is not None:
            found = check_texts(path, data, rule, violation, at_risk)
        problems.extend(found)
        if not found and violation is not None:
            loaded.append(LoadedRule(rule, path, violation, at_risk))
    problems.extend(
        Problem(
            path, line, f"không có quy tắc '{rule_id}' (waiver_rule){did_you_mean(rule_id, seen)}"
        )
        for path, line, rule_id in waivers
        if rule_id and seen and rule_id not in seen
    )
    if problems:
        raise RulesInvalid(sorted(problems, key=lambda p: (str(p.file), p.line)))
    return loaded
