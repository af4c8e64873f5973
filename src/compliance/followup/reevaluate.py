"""Judging again what the run's own findings do not cover: older periods, and facts now.

A run judges the current period; an open task of an older period would never close if nobody
looked at it again, so its (rule, unit, period) is evaluated again — a late entry closes it.
And a task being resolved says which facts changed, so the facts it was opened on are compared
with the unit's facts as of this run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from compliance.engine import evaluate as engine
from compliance.engine.findings import Finding
from compliance.followup import programme_tasks
from compliance.followup.context import SyncContext
from compliance.followup.runs import Key, period_key
from compliance.models.followup import ACTIVE_STATUSES
from compliance.vocabulary.periods import PeriodKind, judged_period, parse_period

CHUNK = 900  # bounded IN lists (PostgreSQL: 65,535 parameters)


def older_periods(ctx: SyncContext, existing: dict[Key, Any]) -> dict[Key, Finding]:
    """Findings for the older periods that still have active tasks, for those units only."""
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    judged = {
        loaded.id: judged_period(loaded.rule.period, ctx.as_of).label
        for loaded in ctx.rules.values()
        if loaded.rule.period is not PeriodKind.NONE
    }
    for (rule_id, unit, period), task in existing.items():
        if task.status not in ACTIVE_STATUSES or not period or rule_id not in judged:
            continue
        if period != judged[rule_id]:
            wanted[(rule_id, period)].add(unit)
    result: dict[Key, Finding] = {}
    for (rule_id, label), units in wanted.items():
        loaded = ctx.rules[rule_id]
        period = parse_period(loaded.rule.period, label)
        ordered = sorted(units)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            scope = engine.Selection.of(units=chunk, province=ctx.request.scope.province)
            for f in engine.evaluate(ctx.conn, [loaded], ctx.as_of, scope, period=period):
                result[(f.rule, f.unit, period_key(f))] = f
    result.update(programme_tasks.older_periods(ctx, existing))
    return result


def current_facts(ctx: SyncContext, tasks: list[Any]) -> dict[Key, dict[str, Any]]:
    """The facts of each task's unit and period as of the run; a unit no longer judged is absent."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for task in tasks:
        if not programme_tasks.is_programme(ctx.rules.get(task.rule)):
            groups[(task.rule, task.period_key)].append(task.unit)
    result: dict[Key, dict[str, Any]] = programme_tasks.current_facts(ctx, tasks)
    for (rule_id, label), units in groups.items():
        loaded = ctx.rules[rule_id]
        period = (
            parse_period(loaded.rule.period, label)
            if loaded.rule.period != "none" and label
            else None
        )
        for plan in engine.plans([loaded], ctx.as_of, engine.Selection(), period=period):
            for start in range(0, len(units), CHUNK):
                scope = engine.Selection.of(units=units[start : start + CHUNK])
                for row in engine.unit_facts(ctx.conn, plan, scope):
                    m = row._mapping
                    key = (rule_id, m["_unit"], m["_period"] or "")
                    result[key] = {name: m[name] for name in plan.fact_names}
    return result
