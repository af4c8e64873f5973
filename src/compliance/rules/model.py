"""The rule file format: one obligation per YAML file under ``rules/``.

The pydantic models here are the schema (``compliance rules schema`` prints it as JSON Schema);
cross-field checks that need the fact catalogue (facts exist, parameters are defined, templates
use known variables) live in ``compliance.rules.validate``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from compliance.vocabulary.defined import Aggregate, Definition, During, compile_fact, where_tests
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind
from compliance.vocabulary.subjects import Activity, Fact

# The subjects are declared once, in the fact catalogue; the rule format offers exactly those.
SubjectName = Literal[tuple(SUBJECTS)]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Family(StrEnum):
    """What a finding is about: a unit's obligation, or the registry's own data.

    A data-quality finding (an implausible row, rules/data_quality/) must never be read as a
    breach by the unit: the review UI and the reports count and filter the two apart. The family
    is the rule id's first part, so a rule file declares it by its id alone.
    """

    COMPLIANCE = "compliance"
    DATA_QUALITY = "data_quality"

    @property
    def label_vi(self) -> str:
        return "lỗi dữ liệu" if self is Family.DATA_QUALITY else "tuân thủ"

    @classmethod
    def of(cls, rule_id: str) -> Family:
        return cls.DATA_QUALITY if rule_id.startswith(DATA_QUALITY_PREFIX) else cls.COMPLIANCE


DATA_QUALITY_PREFIX = f"{Family.DATA_QUALITY}."


class Responsible(StrEnum):
    """Who must act on a finding, found in the hierarchy on the day judged."""

    SELF = "self"  # the union itself (or the enterprise's grassroots union)
    DIRECT_SUPERIOR_UNION = "direct_superior_union"
    PROVINCIAL_FEDERATION = "provincial_federation"
    INSPECTION_COMMITTEE = "inspection_committee"  # of the direct-superior union


class Source(_Strict):
    document: str = Field(description="Seed document file name, e.g. 000_14c18d3c2f2feb98.txt.")
    section: str = Field(description="Section of the document, e.g. II.1.")
    quote: str = Field(description="The sentence of the document the obligation comes from.")
    also: list[str] = Field(default=[], description="Other documents and sections that say so.")
    binds: Literal["unit", "target"] = Field(
        default="unit",
        description=(
            "'unit' when the document obliges each unit; 'target' when it sets a share or an "
            'average for the whole ("ít nhất 85% doanh nghiệp…", "bình quân mỗi…"): the '
            "rule then finds the units that do not yet count toward the target, and its findings "
            "say so instead of calling them a breach of the unit's own obligation."
        ),
    )


class Parameter(_Strict):
    default: int | float | bool | str
    description: str = Field(description="What the parameter means, in Vietnamese.")
    stated_in_source: bool = Field(
        default=True,
        description="False when the documents give no number and the default is ours.",
    )


class AppliesTo(_Strict):
    subject: SubjectName
    union_kinds: list[
        Literal["grassroots_union", "guild", "direct_superior_union", "provincial_federation"]
    ] = Field(default=[], description="For unions: which kinds owe the obligation.")
    active: Activity = Field(
        default=Activity.AS_OF,
        description="as_of: active on the day judged; whole_period: active on the first and "
        "last day of the period; any: every row.",
    )


class FollowUp(_Strict):
    responsible: Responsible
    due_in_days: int | str = Field(
        description="Days from the run to the task's due date (a number or $parameter)."
    )
    title: str = Field(description="Jinja2 template, Vietnamese.")
    body: str = Field(description="Jinja2 template, Vietnamese.")


class ExpectedFinding(_Strict):
    unit: str
    period: str | None = None
    status: Literal["violation", "at_risk"] = "violation"


class DefinedFact(_Strict):
    """A fact the rule defines for itself: one aggregate over one registry table
    (registry-format.md, "Rule-defined facts"); checked by ``rules.check_facts``."""

    count: str | None = Field(default=None, description="Count the matching rows of this table.")
    exists: str | None = Field(
        default=None, description="Whether this table has a matching row (true/false)."
    )
    sum: str | None = Field(
        default=None, description="Sum `of` over the matching rows (0 if none)."
    )
    min: str | None = Field(
        default=None, description="Smallest `of` among the matching rows (null if none)."
    )
    max: str | None = Field(
        default=None, description="Largest `of` among the matching rows (null if none)."
    )
    of: str | None = Field(default=None, description="The column sum, min and max read.")
    match: dict[str, str] = Field(
        description="The table's column : the subject row's column, e.g. "
        "{enterprise_tax_code: tax_code}."
    )
    where: dict[str, Any] = Field(
        default={},
        description="column: value | [values] | {gte|gt|lte|lt|ne: value}; a value may be "
        "$parameter.",
    )
    during: During = Field(
        default=During.EVER,
        description="period: the row's date in the judged period (both ends included); as_of: "
        "on or before the day judged; ever: every row.",
    )
    date: str = Field(default="date", description="The date column `during` reads.")
    label: str | None = Field(
        default=None, description="Vietnamese label in case files (default: the fact's name)."
    )

    def aggregates(self) -> list[tuple[Aggregate, str]]:
        """The aggregate keys given, with their table (exactly one in a valid entry)."""
        return [(a, getattr(self, a.value)) for a in Aggregate if getattr(self, a.value)]

    def definition(self) -> Definition | None:
        """As the vocabulary compiles it; None without an aggregate (a validation error)."""
        given = self.aggregates()
        if not given:
            return None
        aggregate, table = given[0]
        where = tuple((column, test) for column, raw in self.where.items()
                      for test in where_tests(raw))  # fmt: skip
        return Definition(
            aggregate, table, tuple(self.match.items()), self.of, where, self.during, self.date,
            self.label,
        )  # fmt: skip


class RuleCase(_Strict):
    """A small registry, a day, and exactly the findings the rule must give."""

    name: str
    as_of: dt.date
    params: dict[str, Any] = {}
    registry: dict[str, list[dict[str, Any]]]
    expect: list[ExpectedFinding]


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
    title: str = Field(description="Vietnamese title.")
    description: str = Field(description="Vietnamese description of the obligation.")
    source: Source
    applies_to: AppliesTo
    period: PeriodKind = PeriodKind.NONE
    parameters: dict[str, Parameter] = {}
    facts: dict[str, DefinedFact] = Field(
        default={},
        description="Facts of this rule only, each an aggregate over a registry table; "
        "conditions and texts read them like the subject's facts.",
    )
    violation: dict[str, Any] = Field(description="The condition of a violation.")
    at_risk: dict[str, Any] | None = Field(
        default=None, description="The condition of an at-risk finding (when not a violation)."
    )
    severity: Severity
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    due: str | None = Field(
        default=None,
        description="Jinja2 expression giving the finding's due date, e.g. 'period.end' or "
        "'facts.accepted_on + days(params.resolution_days)'.",
    )
    explanation: str = Field(description="Jinja2 template: one plain Vietnamese sentence.")
    follow_up: FollowUp
    tests: list[RuleCase] = []

    def version(self) -> str:
        """Content hash of everything that changes findings or tasks (not the tests)."""
        data = self.model_dump(mode="json", exclude={"tests"})
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
        return digest.hexdigest()[:12]

    def known_facts(self) -> dict[str, Fact]:
        """The facts its conditions and texts may read: the subject's and its own (``facts:``)."""
        known = dict(SUBJECTS[self.applies_to.subject].facts)
        for name, raw in self.facts.items():
            definition = raw.definition()
            if definition is not None and name not in known:
                known[name] = compile_fact(name, definition)
        return known

    def parameter_values(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        values = {name: p.default for name, p in self.parameters.items()}
        values.update(overrides or {})
        return values

    def in_force(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_until is None or day <= self.effective_until
        )


def json_schema() -> dict[str, Any]:
    schema = Rule.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "compliance rule"
    return schema
