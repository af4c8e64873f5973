"""What loading a rule catalogue gives: the loaded rules, or every problem as FILE:LINE."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from compliance.exceptions import ComplianceError
from compliance.formatting import FINDING_STATUS_VI, TARGET_FINDING_STATUS_VI, label
from compliance.rules import documents, model
from compliance.vocabulary import conditions
from compliance.vocabulary.subjects import Fact


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

    @cached_property
    def facts(self) -> dict[str, Fact]:
        """The subject's facts and the rule's own, compiled once: what evaluation reads."""
        return self.rule.known_facts()

    def __getstate__(self) -> dict[str, Any]:
        """Without the compiled facts (the subject's builders are lambdas, which do not pickle):
        a run hands its rules to worker processes, which compile them again."""
        state = dict(self.__dict__)
        state.pop("facts", None)
        return state

    @cached_property
    def citation(self) -> str:
        """Its source as a minute cites it (rules/documents.py), computed once per rule."""
        source = self.rule.source
        return documents.cite(documents.catalogue_dir(self.path), source.document, source.section)

    @property
    def from_target(self) -> bool:
        """The rule finds units short of an aggregate target, not breaches of their own duty."""
        return self.rule.source.binds == "target"

    @cached_property
    def basis(self) -> str:
        """How a finding's explanation introduces its source."""
        if self.from_target:
            return (
                "Căn cứ chỉ tiêu chung, đơn vị chưa được tính vào chỉ tiêu — không phải vi phạm "
                "nghĩa vụ riêng của đơn vị"
            )
        return "Căn cứ"

    def status_label(self, status: str) -> str:
        """A finding's status as people read it: data to correct, short of a target, or as is."""
        return _status_label(self.id, status, self.from_target)

    @cached_property
    def also_citations(self) -> list[str]:
        """The source's other documents (``also``), cited the same way."""
        folder = documents.catalogue_dir(self.path)
        return [documents.cite_reference(folder, ref) for ref in self.rule.source.also]


class RulesInvalid(ComplianceError):
    code = "rules.invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def status_label(rules: Mapping[str, LoadedRule], rule_id: str, status: str) -> str:
    """:meth:`LoadedRule.status_label` for a finding whose rule may have left the catalogue."""
    loaded = rules.get(rule_id)
    return _status_label(rule_id, status, loaded is not None and loaded.from_target)


def _status_label(rule_id: str, status: str, from_target: bool) -> str:
    if model.Family.of(rule_id) is model.Family.DATA_QUALITY:
        return model.Family.DATA_QUALITY.label_vi
    return label(TARGET_FINDING_STATUS_VI if from_target else FINDING_STATUS_VI, status)
