"""Follow-up of programme items: who a task goes to, where it escalates, and judging it again.

A programme item's task goes to the lead body that owes it — the code of the body registry
(``rules/programmes/bodies.yaml``) when the written name resolves, else the name as written, so
an unknown body is still addressable (notification targets, ``--assignee``). Overdue, it goes to
the body that issued the programme (the document's issuer in ``rules/sources/documents.yaml``),
and stays there. Open tasks of older periods are judged again, as for every periodic rule.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from compliance.engine.evaluate import Selection
from compliance.engine.findings import Finding
from compliance.engine.programme_rules import ProgrammeRule, bodies_for
from compliance.engine.programmes import evaluate_programmes, facts_now
from compliance.followup.context import SyncContext
from compliance.followup.responsible import PROGRAMME_ISSUER, PROGRAMME_LEAD, Body
from compliance.followup.runs import Key, period_key
from compliance.models.followup import ACTIVE_STATUSES
from compliance.programmes.bodies import registry


def is_programme(loaded: object) -> bool:
    return isinstance(loaded, ProgrammeRule)


def lead_body(finding: Finding) -> Body:
    assert isinstance(finding.loaded, ProgrammeRule)
    body = bodies_for(finding.loaded).resolve(finding.unit)
    return Body(PROGRAMME_LEAD, body.code if body else finding.unit)


def issuer_body(task: Any) -> Body | None:
    """Where an overdue programme task goes: the issuing body; None for any other task."""
    if task.responsible_kind not in (PROGRAMME_LEAD, PROGRAMME_ISSUER):
        return None
    issuer = (task.facts or {}).get("issuer")
    if not issuer:
        return Body(task.responsible_kind, task.responsible_code)
    body = registry().resolve(issuer)
    return Body(PROGRAMME_ISSUER, body.code if body else issuer)


def older_periods(ctx: SyncContext, existing: dict[Key, Any]) -> dict[Key, Finding]:
    """Findings for the periods of active programme tasks the run's own findings may not cover."""
    periods: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (rule_id, unit, period), task in existing.items():
        if period and task.status in ACTIVE_STATUSES and is_programme(ctx.rules.get(rule_id)):
            periods[(rule_id, unit)].add(period)
    if not periods:
        return {}
    rules = [ctx.rules[r] for r in sorted({r for r, _ in periods})]
    units = sorted({u for _, u in periods})
    scope = Selection.of([r.id for r in rules], units, ctx.request.scope.province)
    found = evaluate_programmes(ctx.conn, rules, ctx.as_of, scope, periods=periods)
    return {(f.rule, f.unit, period_key(f)): f for f in found}


def current_facts(ctx: SyncContext, tasks: list[Any]) -> dict[Key, dict[str, Any]]:
    """Each programme task's facts as of the run (its report now), to say what changed."""
    result: dict[Key, dict[str, Any]] = {}
    for task in tasks:
        loaded = ctx.rules.get(task.rule)
        if isinstance(loaded, ProgrammeRule):
            key = (task.rule, task.unit, task.period_key)
            result[key] = facts_now(ctx.conn, loaded, task.unit, task.period_key, ctx.as_of)
    return result
