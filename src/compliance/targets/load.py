"""Load the target files (``rules/targets/``), refusing them with every problem as FILE:LINE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compliance.rules.loaded import Problem, RulesInvalid, default_rules_dir
from compliance.rules.loader import LineDict, YamlSyntaxError, line_of, load_yaml, rule_files
from compliance.rules.target_format import Target, check_target


@dataclass(frozen=True)
class LoadedTarget:
    target: Target
    path: Path

    @property
    def id(self) -> str:
        return self.target.id


def default_targets_dir() -> Path:
    return default_rules_dir() / "targets"


def load_targets(paths: Sequence[Path] = ()) -> list[LoadedTarget]:
    """Every target under ``paths`` (default ``rules/targets/``), sorted by province and id.

    Raises :class:`RulesInvalid` with all problems of all files, like the rule loader; a rule
    file found among them is a problem too (targets live in their own folder).
    """
    paths = paths or [default_targets_dir()]
    problems = [Problem(p, 1, "no such file or folder") for p in paths if not p.exists()]
    loaded: list[LoadedTarget] = []
    seen: dict[str, Path] = {}
    for path in rule_files(paths):
        try:
            data = load_yaml(path)
        except YamlSyntaxError as exc:
            problems.append(Problem(path, exc.line, exc.message))
            continue
        if not isinstance(data, LineDict) or data.get("kind") != "target":
            problems.append(Problem(path, 1, "not a target file: it needs 'kind: target'"))
            continue
        target, found = check_target(data)
        problems.extend(Problem(path, line, message) for line, message in found)
        if target is None:
            continue
        if target.id in seen:
            line = line_of(data, ("id",))
            problems.append(
                Problem(path, line, f"target id '{target.id}' is also in {seen[target.id]}")
            )
            continue
        seen[target.id] = path
        loaded.append(LoadedTarget(target, path))
    if problems:
        raise RulesInvalid(sorted(problems, key=lambda p: (str(p.file), p.line)))
    return sorted(loaded, key=lambda t: (t.target.province.code, t.target.year, t.id))
