"""A finding: which rule (and version) found what about which unit, from which facts.

Everything needed to explain it travels with it — the facts used, the thresholds, the source
section and quote — so a reviewer never has to re-run anything to see why a unit was flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from compliance.engine.due import due_date
from compliance.rules.render import render_or_fallback
from compliance.vocabulary.periods import Period

if TYPE_CHECKING:
    from compliance.rules.loaded import LoadedRule

STATUSES = ("violation", "at_risk", "open")


@dataclass(frozen=True)
class Finding:
    rule: str
    unit: str
    period: str | None
    status: str
    rule_version: str
    unit_name: str | None
    province_code: str | None
    as_of: dt.date
    facts: dict[str, Any] = field(compare=False)
    params: dict[str, Any] = field(compare=False)
    period_bounds: Period | None = field(default=None, compare=False)
    loaded: LoadedRule | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.rule, self.unit, self.period)

    def context(self) -> dict[str, Any]:
        """What the rule's templates are rendered with (``days`` is a global of the environment)."""
        rule = self.loaded.rule if self.loaded else None
        return template_context(
            self.rule, self.unit, self.unit_name, self.province_code, self.facts, self.params,
            self.as_of, self.period_bounds or self.period, rule.title if rule else self.rule,
            self.rule_version, rule.source if rule else None, self.status,
        )  # fmt: skip

    @cached_property
    def due(self) -> dt.date | None:
        return due_date(self)

    @property
    def template_values(self) -> dict[str, Any]:
        """What the explanation and the task's title and body are rendered with. Built on each
        use, not kept: a national run holds ~230,000 findings until it ends, and their kept
        contexts and sentences were 400 MB of its peak (issue 15); building one costs ~2 µs."""
        return {**self.context(), "due": self.due}

    @property
    def explanation(self) -> str:
        """One plain Vietnamese sentence: the unit, the facts, the threshold, the source."""
        if self.loaded is None:
            return ""
        loaded = self.loaded
        return sentence(
            loaded.rule.explanation, self.template_values, self.rule, loaded.basis, loaded.citation
        )

    def as_dict(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "unit": self.unit,
            "period": self.period,
            "status": self.status,
            "due": self.due.isoformat() if self.due else None,
            "rule_version": self.rule_version,
            "unit_name": self.unit_name,
            "province_code": self.province_code,
            "as_of": self.as_of.isoformat(),
        }
        if explain:
            rule = self.loaded.rule if self.loaded else None
            data["explanation"] = self.explanation
            data["facts"] = {k: _jsonable(v) for k, v in self.facts.items()}
            data["params"] = self.params
            if rule:
                data["source"] = rule.source.model_dump()
                data["severity"] = str(rule.severity)
        return data


def template_context(
    rule: str, unit: str, unit_name: str | None, province_code: str | None,
    facts: dict[str, Any], params: dict[str, Any], as_of: dt.date, period: Any, title: str,
    version: str, source: Any, status: str,
) -> dict[str, Any]:  # fmt: skip
    """A finding's templates' names, for a finding of a run and for one read back from the
    database (compliance.review.explain): one shape, so both render the same sentence."""
    return {
        "unit": {
            "code": unit,
            "name": unit_name or unit,
            "province_code": province_code,
            "kind": facts.get("kind"),
        },
        "facts": facts,
        "params": params,
        "as_of": as_of,
        "period": period,
        "rule": {"id": rule, "title": title, "version": version, "source": source},
        "status": status,
    }


def sentence(template: str, values: dict[str, Any], rule: str, basis: str, citation: str) -> str:
    """The explanation: the rule's sentence, then its source in brackets."""
    said = render_or_fallback(template, values, rule, "explanation")
    return f"{said} ({basis}: {citation}.)"


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
