"""Record a run and bring the follow-up tasks in step with its findings, atomically.

Under the run lock, in one transaction: the run row, its findings, and every task change —
open a task for a new finding, reopen one whose violation came back (or whose waiver lapsed),
resolve one whose unit is now compliant (saying which fact changed), note a violation that became
at-risk or back. Tasks the run did not judge (another rule, unit, province or period) are left
alone. Running again with no registry change changes no task.

The steps live in their own modules (runs, findings_store, lifecycle, reevaluate, task_store,
texts); this one only puts them in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine

from compliance.engine.findings import Finding
from compliance.followup import guard, lifecycle, reevaluate, task_store
from compliance.followup.context import SyncContext
from compliance.followup.findings_store import record_findings as _record_findings
from compliance.followup.lifecycle import Event
from compliance.followup.responsible import Hierarchy, subject_of
from compliance.followup.runs import (
    DryRun,
    Key,
    RunChange,
    RunOrder,
    RunOutcome,
    acquire_run_lock,
    compliance_scope,
    count_active,
    finish_run,
    period_key,
    start_run,
)
from compliance.memory import gc_paused
from compliance.models.followup import is_whole_run
from compliance.rules.validate import LoadedRule
from compliance.vocabulary.facts import union_owned


def record_and_sync(
    db_engine: Engine,
    rules: Sequence[LoadedRule],
    findings: Sequence[Finding],
    request: RunOrder,
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
    request: RunOrder,
) -> RunOutcome:
    now = dt.datetime.now(dt.UTC)
    by_id = {r.id: r for r in rules}
    judged_rules = [r for r in rules if not request.scope.rules or r.id in request.scope.rules]
    # Checked again under the run lock: a whole run that committed meanwhile counts too.
    guard.check_request(conn, by_id, as_of=request.as_of, historical=request.historical)
    run_id = start_run(
        conn,
        now,
        request.as_of,
        kind="compliance",
        scope=compliance_scope(request),
        rules={r.id: r.version for r in judged_rules},
        flow_run_id=request.flow_run_id,
    )
    outcome = RunOutcome(run_id, request.as_of, request.dry_run)
    hierarchy = Hierarchy.load(conn, request.as_of)
    for owned in union_owned():
        subject = owned.name
        hierarchy.load_owners(conn, subject, (f.unit for f in findings if subject_of(f) == subject))
    ctx = SyncContext(conn, run_id, now, request, by_id, hierarchy, outcome)

    # A finding's facts are stored with it and with its new task: ctx.memo encodes them once.
    # (Called through this module's name: tests/flows/run_once.py pauses the run right after.)
    _record_findings(
        conn, run_id, findings, outcome, ctx.memo, whole=is_whole_run(compliance_scope(request))
    )
    if not request.historical:  # a historical run records what an earlier day looked like
        _bring_tasks_in_step(ctx, [r.id for r in judged_rules], findings)
        ctx.append_events()
        outcome.open_tasks = count_active(conn)
    finish_run(conn, run_id, {**outcome.summary, "by_province": outcome.by_province})
    return outcome


def _bring_tasks_in_step(
    ctx: SyncContext, rule_ids: list[str], findings: Sequence[Finding]
) -> None:
    existing = task_store.judged_tasks(ctx, rule_ids)
    found: dict[Key, Finding] = {(f.rule, f.unit, period_key(f)): f for f in findings}
    # Open tasks of older periods are judged again, so a late entry still closes them.
    found.update(reevaluate.older_periods(ctx, existing))

    new: list[Finding] = []
    moves: list[tuple[Event, Any, Finding]] = []
    for key, finding in found.items():
        task = existing.get(key)
        if task is None:
            new.append(finding)
            continue
        event = lifecycle.on_finding(
            task.status, task.waived_until, task.finding_status, finding.status, ctx.as_of
        )
        if event is not None:
            moves.append((event, task, finding))
    # Every task loaded was judged: its rule ran in this scope, and the periods of older
    # active tasks were judged again above.
    resolved = [
        task
        for key, task in existing.items()
        if key not in found and lifecycle.on_absence(task.status) is Event.COMPLIANT
    ]
    full = task_store.full_tasks(
        ctx, [task.id for _, task, _ in moves] + [task.id for task in resolved]
    )
    for event, brief, finding in moves:
        if event is Event.FINDING_CHANGED:
            task_store.note_finding(ctx, full[brief.id], finding)
        else:
            task_store.reopen(ctx, full[brief.id], finding, event)
    task_store.resolve(ctx, [full[task.id] for task in resolved])
    task_store.open_tasks(ctx, new)


__all__ = [
    "DryRun",
    "RunOutcome",
    "RunOrder",
    "RunChange",
    "acquire_run_lock",
    "record_and_sync",
]
