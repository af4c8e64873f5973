"""A run's writes to the task table: each one a lifecycle move, with its history row and the
change the digests announce.

Only the columns that decide what to do are read for every task the run judged; the full rows
(facts, texts) are read for the few tasks that change, so a rerun with no change never decodes
190,000 JSON documents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, update

from compliance.bulk import insert_rows
from compliance.engine.findings import Finding
from compliance.folding import search_key
from compliance.followup import lifecycle, programme_tasks, reevaluate, texts
from compliance.followup.context import SyncContext
from compliance.followup.lifecycle import NEW, Action, Event
from compliance.followup.responsible import Body, subject_of
from compliance.followup.runs import Key, period_key
from compliance.models.followup import FollowUpTask

_CHUNK = 20_000
_VISIBLE = ("status", "finding_status", "responsible_code", "assignee", "due_on", "reason")


def _t() -> Any:
    return FollowUpTask.__table__  # type: ignore[attr-defined]


def judged_tasks(ctx: SyncContext, rule_ids: Sequence[str]) -> dict[Key, Any]:
    """The deciding columns of every task of the judged rules inside the run's scope."""
    t, scope = _t(), ctx.request.scope
    columns = (t.c.id, t.c.rule, t.c.unit, t.c.period_key, t.c.status, t.c.finding_status,
               t.c.waived_until)  # fmt: off
    statement = select(*columns).where(t.c.rule.in_(bindparam("rules", expanding=True)))
    if scope.units:
        statement = statement.where(t.c.unit.in_(sorted(scope.units)))
    if scope.province:
        statement = statement.where(t.c.province_code == scope.province)
    rows = ctx.conn.execute(statement.params(rules=list(rule_ids))).all()  # at once: faster
    return {(row.rule, row.unit, row.period_key): row for row in rows}


def full_tasks(ctx: SyncContext, ids: list[int]) -> dict[int, Any]:
    """Whole task rows by id, in bounded IN lists."""
    t = _t()
    result: dict[int, Any] = {}
    for start in range(0, len(ids), reevaluate.CHUNK):
        chunk = ids[start : start + reevaluate.CHUNK]
        rows = ctx.conn.execute(select(t).where(t.c.id.in_(chunk)))
        result.update((row.id, row) for row in rows)
    return result


def open_tasks(ctx: SyncContext, findings: list[Finding]) -> None:
    """A new task for each finding that has none: opened, with its history row. A chunk at a
    time, its history appended with it: a national first run opens ~230,000 tasks, and their
    rows, texts and history held at once were a gigabyte of its peak (issue 15)."""
    t = _t()
    for start in range(0, len(findings), _CHUNK):
        rows = [_new_task(ctx, finding) for finding in findings[start : start + _CHUNK]]
        after = ctx.conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()
        insert_rows(ctx.conn, t, rows, ctx.memo)
        ids = {
            (rule, unit, period): task_id
            for task_id, rule, unit, period in ctx.conn.execute(
                select(t.c.id, t.c.rule, t.c.unit, t.c.period_key).where(
                    t.c.opened_run_id == ctx.run_id, t.c.id > after
                )
            )
        }
        for row in rows:
            key = (row["rule"], row["unit"], row["period_key"])
            ctx.record(ids[key], Action.OPENED, {}, visible(row))
            body = Body(row["responsible_kind"], row["responsible_code"])
            ctx.report(Action.OPENED, key, row["title"], body, row["due_on"])
        ctx.append_events()


def reopen(ctx: SyncContext, task: Any, finding: Finding, event: Event) -> None:
    """A resolved violation that is back, or a waiver that lapsed: open again, due again."""
    note = texts.REOPEN_REASONS[event]
    body = responsible_for(ctx, finding)
    due = texts.due_on(finding, ctx.as_of)
    values = {
        "status": lifecycle.apply(task.status, event),
        "finding_status": finding.status,
        "responsible_kind": str(body.kind),
        "responsible_code": body.code,
        "due_on": due,
        "escalation_level": 0,
        "waived_until": None,
        "closed_run_id": None,
        "reason": note,
        "facts": _json(finding.facts),
        "updated_at": ctx.now,
    }
    ctx.conn.execute(update(_t()).where(_t().c.id == task.id).values(**values))
    ctx.record(task.id, lifecycle.ACTIONS[event], visible(task), visible(values), note)
    ctx.report(lifecycle.ACTIONS[event], _key(task), task.title, body, due, note)


def note_finding(ctx: SyncContext, task: Any, finding: Finding) -> None:
    """A violation that became at risk, or back: the task stays where it is and says so."""
    lifecycle.apply(task.status, Event.FINDING_CHANGED)  # the status itself does not move
    ctx.conn.execute(
        update(_t())
        .where(_t().c.id == task.id)
        .values(finding_status=finding.status, facts=_json(finding.facts), updated_at=ctx.now)
    )
    ctx.record(task.id, Action.UPDATED, {"finding_status": task.finding_status},
               {"finding_status": finding.status})  # fmt: off
    _report_existing(ctx, Action.UPDATED, task, ctx.rules[finding.rule].rule.title)


def resolve(ctx: SyncContext, tasks: list[Any]) -> None:
    """Tasks whose unit the run judged and found compliant, each saying which fact changed."""
    if not tasks:
        return
    current = reevaluate.current_facts(ctx, tasks)
    for task in tasks:
        loaded = ctx.rules[task.rule]
        facts = current.get(_key(task))
        reason = texts.resolve_reason(ctx.run_id, ctx.as_of, loaded, task.facts or {}, facts)
        values = {"status": lifecycle.apply(task.status, Event.COMPLIANT),
                  "closed_run_id": ctx.run_id, "reason": reason, "updated_at": ctx.now}  # fmt: off
        ctx.conn.execute(update(_t()).where(_t().c.id == task.id).values(**values))
        after = {**visible(values), "facts": _json(facts or {})}
        before = {**visible(task), "facts": task.facts or {}}
        ctx.record(task.id, Action.RESOLVED, before, after, reason)
        _report_existing(ctx, Action.RESOLVED, task, loaded.rule.title, reason)


def responsible_for(ctx: SyncContext, finding: Finding) -> Body:
    assert finding.loaded is not None
    if programme_tasks.is_programme(finding.loaded):
        return programme_tasks.lead_body(finding)
    return ctx.hierarchy.responsible(
        finding.loaded.rule.follow_up.responsible,
        subject_of(finding),
        finding.unit,
        finding.province_code,
    )


def visible(row: Any) -> dict[str, Any]:
    """The fields a task's history shows before and after a change."""
    data = row if isinstance(row, dict) else row._mapping
    return {f: (str(data[f]) if data.get(f) is not None else None) for f in _VISIBLE if f in data}


def _new_task(ctx: SyncContext, finding: Finding) -> dict[str, Any]:
    assert finding.loaded is not None
    title, body_text = texts.task_texts(finding)
    body = responsible_for(ctx, finding)
    return {
        "rule": finding.rule,
        "unit": finding.unit,
        "period_key": period_key(finding),
        "status": lifecycle.apply(NEW, Event.FOUND),
        "finding_status": finding.status,
        "severity": str(finding.loaded.rule.severity),
        "title": title,
        "body": body_text,
        "unit_name": finding.unit_name,
        "search_key": search_key(finding.unit, finding.unit_name),
        "province_code": finding.province_code,
        "responsible_kind": str(body.kind),
        "responsible_code": body.code,
        "assignee": body.code,
        "due_on": texts.due_on(finding, ctx.as_of),
        "escalation_level": 0,
        "facts": finding.facts,  # serialised by insert_rows, dates as text
        "opened_run_id": ctx.run_id,
        "created_at": ctx.now,
        "updated_at": ctx.now,
    }


def _report_existing(
    ctx: SyncContext, action: Action, task: Any, title: str, reason: str | None = None
) -> None:
    body = Body(task.responsible_kind, task.responsible_code)
    ctx.report(action, _key(task), task.title or title, body, task.due_on, reason)


def _key(task: Any) -> Key:
    return (task.rule, task.unit, task.period_key)


def _json(value: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(value, default=str))
