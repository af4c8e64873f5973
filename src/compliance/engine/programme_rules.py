"""Programme items as rules: each item of ``rules/programmes/`` becomes a :class:`ProgrammeRule`.

A programme item is judged by its own semantics (:mod:`compliance.engine.programmes`), but
everything after evaluation — recorded findings, follow-up tasks, digests, reports, the
``--rule`` filter — reads a finding's rule: its id, version, title, source, severity, texts and
follow-up. Giving each item such a rule (id ``PROGRAMME_ID/ITEM_ID``, which no rule file can
take: rule ids have no ``/``) lets those parts treat programme findings like every other one
without knowing about programmes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compliance.programmes.bodies import BodyRegistry, registry
from compliance.programmes.load import LoadedItem, LoadedProgramme, load_programmes
from compliance.rules import documents
from compliance.rules.loaded import LoadedRule, default_rules_dir
from compliance.rules.model import AppliesTo, FollowUp, Responsible, Rule, Severity, Source
from compliance.rules.validate import load_rules
from compliance.vocabulary import conditions
from compliance.vocabulary.periods import PeriodKind
from compliance.vocabulary.subjects import Activity

SUBJECT = "programme_body"  # not a registry subject: the unit is a body as the programme names it
SEPARATOR = "/"
FOLLOW_UP_DAYS = 15  # a lead body's task is due this many days after the run that opens it
TITLE_CHARS = 160

STATUS_VI = {"done": "đã hoàn thành", "in_progress": "đang thực hiện", "not_done": "chưa thực hiện"}
FACT_LABELS = {
    "due": "Hạn hoàn thành",
    "done_on": "Ngày báo cáo hoàn thành",
    "report_status": "Tình hình thực hiện",
    "reported_on": "Ngày báo cáo",
    "evidence": "Minh chứng",
    "issuer": "Cơ quan ban hành chương trình",
}

_STATUS = "{{ {'done': 'đã hoàn thành', 'in_progress': 'đang thực hiện', 'not_done': "
_STATUS += "'chưa thực hiện'}[facts.report_status] }}"
EXPLANATION = (
    "{{ unit.name }} "
    "{% if status == 'at_risk' %}sắp đến hạn {{ facts.due | date_vn }} nhưng chưa báo cáo hoàn "
    "thành{% else %}chưa báo cáo hoàn thành đến ngày {{ as_of | date_vn }}{% endif %} nhiệm vụ "
    "“{{ rule.title }}”{% if period %} (kỳ {{ period }}){% endif %}"
    "{% if status != 'at_risk' %}, hạn {{ facts.due | date_vn }}{% endif %}"
    "{% if facts.report_status %}; báo cáo gần nhất ngày {{ facts.reported_on | date_vn }}: "
    + _STATUS
    + "{% endif %}."
)
TASK_TITLE = "{{ unit.name }}: {{ rule.title }}{% if period %} (kỳ {{ period }}){% endif %}"
TASK_BODY = (
    "Nhiệm vụ “{{ rule.title }}”{% if period %}, kỳ {{ period }}{% endif %}, hạn "
    "{{ facts.due | date_vn }}, do {{ unit.name }} chủ trì. Hãy hoàn thành và gửi báo cáo tiến "
    "độ (tình hình thực hiện, ngày, minh chứng) cho cơ quan ban hành chương trình."
)
# Violated while no `done` report dated on or before the day judged exists (facts.done_on).
NOT_DONE = conditions.IsNull("done_on")


@dataclass(frozen=True)
class ProgrammeRule(LoadedRule):
    """An item of a loaded programme, as the rule its findings name."""

    programme: LoadedProgramme
    item: LoadedItem
    issuer: str | None  # who issued the programme (documents.yaml): where overdue tasks go

    fact_labels = FACT_LABELS
    fact_values = {"report_status": STATUS_VI}  # how a changed fact reads (followup.texts)


def rule_id(programme_id: str, item_id: str) -> str:
    return f"{programme_id}{SEPARATOR}{item_id}"


def is_programme_rule(rule: str) -> bool:
    return SEPARATOR in rule


def _title(item: LoadedItem) -> str:
    text = " ".join(item.item.text.split())
    short = text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"
    return f"{item.item.id}. {short}"


def programme_rule(loaded: LoadedProgramme, item: LoadedItem) -> ProgrammeRule:
    """The rule an item's findings name; built without validation, as no rule file holds it."""
    programme = loaded.programme
    rule = Rule.model_construct(
        id=rule_id(programme.id, item.item.id),
        title=_title(item),
        description=item.item.text,
        source=Source(
            document=programme.document,
            section=item.item.section,
            quote=item.item.quote or item.item.text,
        ),
        applies_to=AppliesTo.model_construct(subject=SUBJECT, union_kinds=[], active=Activity.ANY),
        period=PeriodKind.NONE,  # each occurrence names its own period
        parameters={},
        violation={"is_null": "done_on"},
        at_risk=None,
        severity=Severity.MEDIUM,
        effective_from=None,
        effective_until=None,
        due="facts.due",
        explanation=EXPLANATION,
        follow_up=FollowUp.model_construct(
            responsible=Responsible.SELF,
            due_in_days=FOLLOW_UP_DAYS,
            title=TASK_TITLE,
            body=TASK_BODY,
        ),
        tests=[],
    )
    known = documents.catalogue(documents.catalogue_dir(loaded.path)).get(programme.document)
    # Its programme with this item only: a run hands every rule to its subflows as parameters,
    # and each rule carrying all its programme's items would make them grow as items squared.
    own = LoadedProgramme(programme, [item], loaded.path)
    return ProgrammeRule(
        rule, loaded.path, NOT_DONE, None, own, item, known.issuer if known else None
    )


def programme_rules(programmes: Sequence[LoadedProgramme]) -> list[ProgrammeRule]:
    return [programme_rule(p, item) for p in programmes for item in p.items]


def catalogue(paths: Sequence[Path] = ()) -> list[LoadedRule]:
    """The rules of ``paths`` (default: the rules folder) and the items of its programmes.

    Raises ``RulesInvalid`` for either, as ``compliance rules validate`` reports them.
    """
    rules = load_rules(paths)
    roots = [p for p in paths if p.is_dir()] or ([] if paths else [default_rules_dir()])
    found = [p for root in roots for p in load_programmes(root)]
    return [*rules, *programme_rules(found)]


def bodies_for(rule: ProgrammeRule) -> BodyRegistry:
    """The body registry of the rules folder the rule's programme file lives in."""
    path = rule.programme.path.resolve()
    root = next((f.parent for f in path.parents if f.name == "programmes"), path.parent)
    return registry(root)
