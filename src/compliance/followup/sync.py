"""Record a run and bring the follow-up tasks in step with its findings, atomically.

Under the run lock, in one transaction: the run row, its findings, and every task change —
open a task for a new finding, reopen one whose violation came back (or whose waiver lapsed),
resolve one whose unit is now compliant (saying which fact changed), note a violation that became
at-risk or back. Tasks the run did not judge (another rule, unit, province or period) are left
alone. Running again with no registry change changes no task.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from compliance import chain
from compliance.bulk import JsonMemo, insert_rows
from compliance.engine import evaluate as engine
from compliance.engine.findings import Finding
from compliance.followup import guard
from compliance.followup.responsible import Body, Hierarchy, subject_of
from compliance.memory import gc_paused
from compliance.models.followup import (
    ACTIVE_STATUSES,
    ComplianceRun,
    FollowUpTask,
    RecordedFinding,
    RunLock,
    TaskEvent,
    TaskStatus,
)
from compliance.rules.render import render_or_fallback
from compliance.rules.templates import date_vn
from compliance.rules.validate import LoadedRule
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind, judged_period, parse_period

Key = tuple[str, str, str]  # rule, unit, period ("" for none)
_CHUNK = 900


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back, carrying what it would have done."""

    def __init__(self, outcome: RunOutcome) -> None:
        super().__init__("dry run")
        self.outcome = outcome


@dataclass
class RunRequest:
    as_of: dt.date
    scope: engine.Scope = field(default_factory=engine.Scope)
    dry_run: bool = False
    flow_run_id: str | None = None
    actor: str = "compliance-run"
    historical: bool = False  # an earlier day on purpose: findings recorded, no task changed


@dataclass
class TaskChange:
    action: str  # opened | reopened | resolved | updated
    key: Key
    title: str
    body: Body
    body_label: str
    due_on: dt.date | None
    reason: str | None = None


@dataclass
class RunOutcome:
    run_id: int | None
    as_of: dt.date
    dry_run: bool
    findings: dict[str, int] = field(default_factory=dict)  # by status
    by_rule: dict[str, int] = field(default_factory=dict)
    changes: list[TaskChange] = field(default_factory=list)
    open_tasks: int = 0

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "violations": self.findings.get("violation", 0),
            "at_risk": self.findings.get("at_risk", 0),
            "opened": self.count("opened"),
            "reopened": self.count("reopened"),
            "resolved": self.count("resolved"),
            "updated": self.count("updated"),
            "open_tasks": self.open_tasks,
        }


def _t(model: Any) -> Any:
    return model.__table__


def period_key(finding: Finding) -> str:
    return finding.period or ""


def acquire_run_lock(conn: Connection, holder: str) -> None:
    """Wait for the lock (busy timeout on SQLite, row lock on PostgreSQL) and hold it to commit."""
    conn.execute(
        update(_t(RunLock))
        .where(_t(RunLock).c.id == 1)
        .values(holder=holder, acquired_at=dt.datetime.now(dt.UTC))
    )


def _task_query(rules: Sequence[str], scope: engine.Scope) -> Any:
    t = _t(FollowUpTask)
    columns = (t.c.id, t.c.rule, t.c.unit, t.c.period_key, t.c.status, t.c.finding_status,
               t.c.waived_until)  # fmt: off
    statement = select(*columns).where(t.c.rule.in_(bindparam("rules", expanding=True)))
    if scope.units:
        statement = statement.where(t.c.unit.in_(sorted(scope.units)))
    if scope.province:
        statement = statement.where(t.c.province_code == scope.province)
    return statement.params(rules=list(rules))


def record_and_sync(
    db_engine: Engine,
    rules: Sequence[LoadedRule],
    findings: Sequence[Finding],
    request: RunRequest,
) -> RunOutcome:
    """Write the run, its findings and the task changes in one transaction (or none at all)."""
    try:
        with gc_paused(), db_engine.begin() as conn:
            acquire_run_lock(conn, f"{request.actor}:{request.flow_run_id or '-'}")
            outcome = _sync(conn, rules, findings, request)
            if request.dry_run:
                raise DryRun(outcome)
            return outcome
    except DryRun as dry:
        return dry.outcome


def _sync(
    conn: Connection,
    rules: Sequence[LoadedRule],
    findings: Sequence[Finding],
    request: RunRequest,
) -> RunOutcome:
    now = dt.datetime.now(dt.UTC)
    by_id = {r.id: r for r in rules}
    judged_rules = [r for r in rules if not request.scope.rules or r.id in request.scope.rules]
    # Checked again under the run lock: a whole run that committed meanwhile counts too.
    guard.check_request(conn, by_id, as_of=request.as_of, historical=request.historical)
    run_id = conn.execute(
        _t(ComplianceRun)
        .insert()
        .values(
            started_at=now,
            finished_at=now,
            as_of=request.as_of,
            kind="compliance",
            scope={
                "rules": sorted(request.scope.rules),
                "units": sorted(request.scope.units),
                "province": request.scope.province,
                **({"historical": True} if request.historical else {}),
            },
            rules={r.id: r.version for r in judged_rules},
            flow_run_id=request.flow_run_id,
            counts={},
        )
    ).inserted_primary_key[0]
    outcome = RunOutcome(run_id, request.as_of, request.dry_run)
    hierarchy = Hierarchy.load(conn, request.as_of)
    for subject in ("complaint", "chair_election"):
        hierarchy.load_owners(conn, subject, (f.unit for f in findings if subject_of(f) == subject))

    memo = JsonMemo()  # a finding's facts are stored with it and with its new task: encode once
    _record_findings(conn, run_id, findings, outcome, memo)
    if request.historical:  # what an earlier day looked like; today's tasks stay as they are
        conn.execute(
            update(_t(ComplianceRun))
            .where(_t(ComplianceRun).c.id == run_id)
            .values(finished_at=dt.datetime.now(dt.UTC), counts=outcome.summary)
        )
        return outcome
    # Only the columns that decide what to do: the full rows (facts, texts) are read for the
    # few tasks that change, so a rerun with no change never decodes 190,000 JSON documents.
    existing = {
        (row.rule, row.unit, row.period_key): row
        for row in conn.execute(_task_query([r.id for r in judged_rules], request.scope))
    }
    found = {(f.rule, f.unit, period_key(f)): f for f in findings}
    # Open tasks of older periods are judged again, so a late entry still closes them.
    found.update(_older_periods(conn, by_id, existing, found, request))

    inserts: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    actions: list[tuple[str, Any, Finding]] = []
    for key, finding in found.items():
        task = existing.get(key)
        if task is None:
            inserts.append(_new_task(finding, hierarchy, request.as_of, run_id, now))
            continue
        lapsed = task.status == TaskStatus.WAIVED and (
            task.waived_until is None or task.waived_until < request.as_of
        )
        if task.status == TaskStatus.RESOLVED or lapsed:
            actions.append(("miễn trừ đã hết hạn" if lapsed else "vi phạm tái diễn", task, finding))
        elif task.status in ACTIVE_STATUSES and task.finding_status != finding.status:
            actions.append(("updated", task, finding))
    # Every task loaded was judged: its rule ran in this scope, and the periods of older
    # active tasks were judged again above.
    resolved_keys = [
        key for key, task in existing.items() if task.status in ACTIVE_STATUSES and key not in found
    ]
    full = _full_tasks(
        conn, [task.id for _, task, _ in actions] + [existing[k].id for k in resolved_keys]
    )
    for action, brief, finding in actions:
        task = full[brief.id]
        if action != "updated":
            _reopen(conn, task, finding, run_id, now, events, outcome, hierarchy, action)
            continue
        conn.execute(
            update(_t(FollowUpTask))
            .where(_t(FollowUpTask).c.id == task.id)
            .values(finding_status=finding.status, facts=_json(finding.facts), updated_at=now)
        )
        events.append(_event(task.id, run_id, now, "updated",
                             {"finding_status": task.finding_status},
                             {"finding_status": finding.status}))  # fmt: off
        rule = by_id[finding.rule].rule
        outcome.changes.append(_change("updated", task, rule.title, hierarchy))
    resolved = [full[existing[k].id] for k in resolved_keys]
    _resolve(conn, by_id, resolved, request, run_id, now, events, outcome, hierarchy)

    if inserts:
        _insert_tasks(conn, inserts, run_id, now, events, outcome, hierarchy, memo)
    chain.append(conn, _t(TaskEvent), events)
    outcome.open_tasks = _count_active(conn)
    conn.execute(
        update(_t(ComplianceRun))
        .where(_t(ComplianceRun).c.id == run_id)
        .values(finished_at=dt.datetime.now(dt.UTC), counts=outcome.summary)
    )
    return outcome


def _full_tasks(conn: Connection, ids: list[int]) -> dict[int, Any]:
    """Whole task rows by id, in bounded IN lists."""
    t = _t(FollowUpTask)
    result: dict[int, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        result.update((row.id, row) for row in conn.execute(select(t).where(t.c.id.in_(chunk))))
    return result


def _json(value: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(value, default=str))


def _record_findings(
    conn: Connection,
    run_id: int,
    findings: Sequence[Finding],
    outcome: RunOutcome,
    memo: JsonMemo | None = None,
) -> None:
    rows = []
    for f in findings:
        outcome.findings[f.status] = outcome.findings.get(f.status, 0) + 1
        outcome.by_rule[f.rule] = outcome.by_rule.get(f.rule, 0) + 1
        assert f.loaded is not None
        rows.append(
            {
                "run_id": run_id,
                "rule": f.rule,
                "rule_version": f.rule_version,
                "unit": f.unit,
                "period_key": period_key(f),
                "status": f.status,
                "due": f.due,
                "unit_name": f.unit_name,
                "province_code": f.province_code,
                "severity": str(f.loaded.rule.severity),
                "facts": f.facts,  # serialised by insert_rows, dates as text
                "params": f.params,
                "explanation": f.explanation,
            }
        )
    insert_rows(conn, _t(RecordedFinding), rows, memo)


def _render_task(finding: Finding) -> tuple[str, str]:
    assert finding.loaded is not None
    context = finding.template_values
    follow_up = finding.loaded.rule.follow_up
    return (
        render_or_fallback(follow_up.title, context, finding.rule, "follow_up.title"),
        render_or_fallback(follow_up.body, context, finding.rule, "follow_up.body"),
    )


def _due_on(finding: Finding, as_of: dt.date) -> dt.date:
    assert finding.loaded is not None
    days = finding.loaded.rule.follow_up.due_in_days
    if isinstance(days, str):
        days = int(finding.params[days.removeprefix("$")])
    return as_of + dt.timedelta(days=days)


def _body_for(finding: Finding, hierarchy: Hierarchy) -> Body:
    assert finding.loaded is not None
    return hierarchy.responsible(
        finding.loaded.rule.follow_up.responsible,
        subject_of(finding),
        finding.unit,
        finding.province_code,
    )


def _new_task(
    finding: Finding, hierarchy: Hierarchy, as_of: dt.date, run_id: int, now: dt.datetime
) -> dict[str, Any]:
    assert finding.loaded is not None
    title, body_text = _render_task(finding)
    body = _body_for(finding, hierarchy)
    return {
        "rule": finding.rule,
        "unit": finding.unit,
        "period_key": period_key(finding),
        "status": TaskStatus.OPEN,
        "finding_status": finding.status,
        "severity": str(finding.loaded.rule.severity),
        "title": title,
        "body": body_text,
        "unit_name": finding.unit_name,
        "province_code": finding.province_code,
        "responsible_kind": str(body.kind),
        "responsible_code": body.code,
        "assignee": body.code,
        "due_on": _due_on(finding, as_of),
        "escalation_level": 0,
        "facts": finding.facts,  # serialised by insert_rows, dates as text
        "opened_run_id": run_id,
        "created_at": now,
        "updated_at": now,
    }


def _insert_tasks(
    conn: Connection,
    inserts: list[dict[str, Any]],
    run_id: int,
    now: dt.datetime,
    events: list[dict[str, Any]],
    outcome: RunOutcome,
    hierarchy: Hierarchy,
    memo: JsonMemo | None = None,
) -> None:
    t = _t(FollowUpTask)
    insert_rows(conn, t, inserts, memo)
    ids = {
        (rule, unit, period): task_id
        for task_id, rule, unit, period in conn.execute(
            select(t.c.id, t.c.rule, t.c.unit, t.c.period_key).where(t.c.opened_run_id == run_id)
        )
    }
    for row in inserts:
        key = (row["rule"], row["unit"], row["period_key"])
        events.append(_event(ids[key], run_id, now, "opened", {}, _visible(row)))
        body = Body(row["responsible_kind"], row["responsible_code"])
        outcome.changes.append(
            TaskChange("opened", key, row["title"], body, body.label(hierarchy), row["due_on"])
        )


def _visible(row: Any) -> dict[str, Any]:
    """The fields a task's history shows before and after a change."""
    fields = ("status", "finding_status", "responsible_code", "assignee", "due_on", "reason")
    data = row if isinstance(row, dict) else row._mapping
    return {f: (str(data[f]) if data.get(f) is not None else None) for f in fields if f in data}


def _event(
    task_id: int,
    run_id: int,
    now: dt.datetime,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "at": now,
        "run_id": run_id,
        "actor": f"run:{run_id}",
        "action": action,
        "before": before,
        "after": after,
        "note": note,
    }


def _change(
    action: str, task: Any, title: str, hierarchy: Hierarchy, reason: str | None = None
) -> TaskChange:
    body = Body(task.responsible_kind, task.responsible_code)
    key = (task.rule, task.unit, task.period_key)
    return TaskChange(
        action, key, task.title or title, body, body.label(hierarchy), task.due_on, reason
    )


def _reopen(
    conn: Connection,
    task: Any,
    finding: Finding,
    run_id: int,
    now: dt.datetime,
    events: list[dict[str, Any]],
    outcome: RunOutcome,
    hierarchy: Hierarchy,
    note: str,
) -> None:
    body = _body_for(finding, hierarchy)
    due = _due_on(finding, outcome.as_of)
    values = {
        "status": TaskStatus.OPEN,
        "finding_status": finding.status,
        "responsible_kind": str(body.kind),
        "responsible_code": body.code,
        "due_on": due,
        "escalation_level": 0,
        "waived_until": None,
        "closed_run_id": None,
        "reason": note,
        "facts": _json(finding.facts),
        "updated_at": now,
    }
    conn.execute(update(_t(FollowUpTask)).where(_t(FollowUpTask).c.id == task.id).values(**values))
    events.append(_event(task.id, run_id, now, "reopened", _visible(task), _visible(values), note))
    outcome.changes.append(
        TaskChange(
            "reopened",
            (task.rule, task.unit, task.period_key),
            task.title,
            body,
            body.label(hierarchy),
            due,
            note,
        )  # fmt: off
    )


def _older_periods(
    conn: Connection,
    by_id: dict[str, LoadedRule],
    existing: dict[Key, Any],
    found: dict[Key, Finding],
    request: RunRequest,
) -> dict[Key, Finding]:
    """Findings for the older periods that still have active tasks, for those units only."""
    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    judged = {
        loaded.id: judged_period(loaded.rule.period, request.as_of).label
        for loaded in by_id.values()
        if loaded.rule.period is not PeriodKind.NONE
    }
    for (rule_id, unit, period), task in existing.items():
        if task.status not in ACTIVE_STATUSES or not period or rule_id not in judged:
            continue
        if period != judged[rule_id]:
            wanted[(rule_id, period)].add(unit)
    result: dict[Key, Finding] = {}
    for (rule_id, label), units in wanted.items():
        loaded = by_id[rule_id]
        period = parse_period(loaded.rule.period, label)
        ordered = sorted(units)
        for start in range(0, len(ordered), _CHUNK):  # bounded IN lists (PostgreSQL: 65,535)
            chunk = ordered[start : start + _CHUNK]
            scope = engine.Scope.of(units=chunk, province=request.scope.province)
            for f in engine.evaluate(conn, [loaded], request.as_of, scope, period=period):
                result[(f.rule, f.unit, period_key(f))] = f
    return result


def _resolve(
    conn: Connection,
    by_id: dict[str, LoadedRule],
    tasks: list[Any],
    request: RunRequest,
    run_id: int,
    now: dt.datetime,
    events: list[dict[str, Any]],
    outcome: RunOutcome,
    hierarchy: Hierarchy,
) -> None:
    if not tasks:
        return
    current = _current_facts(conn, by_id, tasks, request)
    header = f"Lần chạy #{run_id} ngày {date_vn(request.as_of)}"
    for task in tasks:
        loaded = by_id[task.rule]
        facts = current.get((task.rule, task.unit, task.period_key))
        reason = f"{header}: {_what_changed(loaded, task.facts or {}, facts)}"
        values = {"status": TaskStatus.RESOLVED, "closed_run_id": run_id, "reason": reason,
                  "updated_at": now}  # fmt: off
        conn.execute(
            update(_t(FollowUpTask)).where(_t(FollowUpTask).c.id == task.id).values(**values)
        )
        after = {**_visible(values), "facts": _json(facts or {})}
        before = {**_visible(task), "facts": task.facts or {}}
        events.append(_event(task.id, run_id, now, "resolved", before, after, reason))
        outcome.changes.append(_change("resolved", task, loaded.rule.title, hierarchy, reason))


def _current_facts(
    conn: Connection, by_id: dict[str, LoadedRule], tasks: list[Any], request: RunRequest
) -> dict[Key, dict[str, Any]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for task in tasks:
        groups[(task.rule, task.period_key)].append(task.unit)
    result: dict[Key, dict[str, Any]] = {}
    for (rule_id, label), units in groups.items():
        loaded = by_id[rule_id]
        period = (
            parse_period(loaded.rule.period, label)
            if loaded.rule.period != "none" and label
            else None
        )
        for plan in engine.plans([loaded], request.as_of, engine.Scope(), period=period):
            for start in range(0, len(units), _CHUNK):
                scope = engine.Scope.of(units=units[start : start + _CHUNK])
                for row in engine.unit_facts(conn, plan, scope):
                    m = row._mapping
                    key = (rule_id, m["_unit"], m["_period"] or "")
                    result[key] = {name: m[name] for name in plan.fact_names}
    return result


def _what_changed(loaded: LoadedRule, before: dict[str, Any], after: dict[str, Any] | None) -> str:
    if after is None:
        return (
            "đơn vị không còn thuộc diện áp dụng (ngừng hoạt động, giải thể hoặc không còn số liệu)"
        )
    facts = SUBJECTS[loaded.rule.applies_to.subject].facts
    changes = []
    for name, new in after.items():
        old = before.get(name)
        if _comparable(old) != _comparable(new):
            label = facts[name].label_vi if name in facts else name
            changes.append(f"{label}: {_shown(old)} → {_shown(new)}")
    return "; ".join(changes) or "không còn vi phạm"


def _comparable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _shown(value: Any) -> str:
    if value is None:
        return "chưa có"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.date):
        return date_vn(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return date_vn(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _count_active(conn: Connection) -> int:
    t = _t(FollowUpTask)
    statement = select(func.count()).where(t.c.status.in_([str(s) for s in ACTIVE_STATUSES]))
    return int(conn.execute(statement).scalar_one())


__all__ = [
    "DryRun",
    "RunOutcome",
    "RunRequest",
    "TaskChange",
    "acquire_run_lock",
    "record_and_sync",
]
