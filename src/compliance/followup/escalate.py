"""The daily escalation check: an overdue task goes to the body above, with a new due date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update

from compliance import chain
from compliance.followup import lifecycle, texts
from compliance.followup.lifecycle import Action, Event
from compliance.followup.programme_tasks import issuer_body
from compliance.followup.responsible import Body, Hierarchy
from compliance.followup.runs import (
    DryRun,
    RunChange,
    RunOutcome,
    acquire_run_lock,
    finish_run,
    start_run,
)
from compliance.models.followup import ACTIVE_STATUSES, FollowUpTask, TaskEvent

DEFAULT_EXTENSION_DAYS = 15


def escalate_overdue(
    db_engine: Engine,
    as_of: dt.date,
    *,
    extension_days: int = DEFAULT_EXTENSION_DAYS,
    dry_run: bool = False,
    flow_run_id: str | None = None,
) -> RunOutcome:
    """Every active task due before ``as_of`` moves up one level; re-running the same day is a
    no-op, because each escalated task is due again ``extension_days`` later."""
    tasks_t = FollowUpTask.__table__  # type: ignore[attr-defined]
    try:
        with db_engine.begin() as conn:
            acquire_run_lock(conn, f"escalation:{flow_run_id or '-'}")
            now = dt.datetime.now(dt.UTC)
            run_id = start_run(
                conn, now, as_of, kind="escalation", scope={}, rules={}, flow_run_id=flow_run_id
            )
            outcome = RunOutcome(run_id, as_of, dry_run)
            hierarchy = Hierarchy.load(conn, as_of)
            overdue = conn.execute(
                select(tasks_t).where(
                    tasks_t.c.status.in_([str(s) for s in ACTIVE_STATUSES]),
                    tasks_t.c.due_on < as_of,
                )
            ).all()
            events = []
            new_due = as_of + dt.timedelta(days=extension_days)
            for task in overdue:
                above = issuer_body(task) or hierarchy.escalate(
                    Body(task.responsible_kind, task.responsible_code)
                )
                status = lifecycle.apply(task.status, Event.OVERDUE)
                values = {
                    "status": status,
                    "responsible_kind": str(above.kind),
                    "responsible_code": above.code,
                    "assignee": above.code,
                    "escalation_level": task.escalation_level + 1,
                    "due_on": new_due,
                    "updated_at": now,
                }
                conn.execute(update(tasks_t).where(tasks_t.c.id == task.id).values(**values))
                below = Body(task.responsible_kind, task.responsible_code)
                note = texts.escalation_note(
                    (as_of - task.due_on).days, below.label(hierarchy), above.label(hierarchy)
                )
                events.append(
                    {
                        "task_id": task.id, "at": now, "run_id": run_id, "actor": f"run:{run_id}",
                        "action": str(Action.ESCALATED),
                        "before": {"status": task.status, "responsible_code": task.responsible_code,
                                   "due_on": str(task.due_on)},
                        "after": {"status": str(status), "responsible_code": above.code,
                                  "due_on": str(new_due)},
                        "note": note,
                    }
                )  # fmt: off
                outcome.changes.append(
                    RunChange(
                        str(Action.ESCALATED),
                        (task.rule, task.unit, task.period_key),
                        task.title,
                        above,
                        above.label(hierarchy),
                        new_due,
                        note,
                    )  # fmt: off
                )
            chain.append(conn, TaskEvent.__table__, events)  # type: ignore[attr-defined]
            finish_run(conn, run_id, {"escalated": len(events)})
            if dry_run:
                raise DryRun(outcome)
            return outcome
    except DryRun as dry:
        return dry.outcome
