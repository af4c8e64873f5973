"""Changes people make to tasks: confirm, assign, start, waive (with reason, approver and
expiry), dismiss, reopen — each appended to the task's history and to the audit log in the
same transaction, so a change never exists without its record.

``resolved`` is not among them: a task is resolved by the run that finds the unit compliant,
from the registry, so the history always says which fact changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from compliance import chain, db
from compliance.followup import lifecycle
from compliance.followup.errors import TaskError, TaskNotFound, TransitionNotAllowed
from compliance.followup.lifecycle import MANUAL_STATUSES, Action, Event
from compliance.models.accounts import AuditEntry
from compliance.models.followup import FollowUpTask, TaskEvent, TaskStatus
from compliance.settings import today

__all__ = [
    "MANUAL_STATUSES",
    "TaskError",
    "TaskNotFound",
    "TransitionNotAllowed",
    "change_task",
    "get_task",
    "update_task",
]


def _t() -> Any:
    return FollowUpTask.__table__  # type: ignore[attr-defined]


def get_task(db_engine: Engine, task_id: int) -> tuple[Any, list[Any]]:
    with db_engine.connect() as conn:
        task = conn.execute(select(_t()).where(_t().c.id == task_id)).first()
        if task is None:
            raise TaskNotFound(task_id)
        events_t = TaskEvent.__table__  # type: ignore[attr-defined]
        events = conn.execute(
            select(events_t).where(events_t.c.task_id == task_id).order_by(events_t.c.id)
        ).all()
    return task, events


def update_task(
    db_engine: Engine,
    task_id: int,
    *,
    actor: str,
    status: str | None = None,
    assignee: str | None = None,
    due_on: dt.date | None = None,
    reason: str | None = None,
    waived_until: dt.date | None = None,
    approver: str | None = None,
    confirm: bool = False,
) -> Any:
    """Apply one person's change and append it to the task's history, in one transaction.

    ``confirm`` is the inspection committee's decision that the finding stands: an open task
    moves to "in progress" and the history says who confirmed it. Which status may follow
    which is the lifecycle table's to say (compliance.followup.lifecycle), as for a run.
    """
    with db.writing(db_engine) as conn:
        return change_task(
            conn,
            task_id,
            actor=actor,
            status=status,
            assignee=assignee,
            due_on=due_on,
            reason=reason,
            waived_until=waived_until,
            approver=approver,
            confirm=confirm,
        )


def change_task(
    conn: Connection,
    task_id: int,
    *,
    actor: str,
    status: str | None = None,
    assignee: str | None = None,
    due_on: dt.date | None = None,
    reason: str | None = None,
    waived_until: dt.date | None = None,
    approver: str | None = None,
    confirm: bool = False,
) -> Any:
    """:func:`update_task` inside the caller's transaction (a bulk change makes many in one).

    Every refusal (:class:`TaskError`) is raised before anything is written, so a caller may
    catch it and go on to the next task in the same transaction.
    """
    event = lifecycle.manual_event(status) if status is not None else None
    _check_reasons(event, reason, waived_until, approver)
    task = conn.execute(select(_t()).where(_t().c.id == task_id).with_for_update()).first()
    if task is None:
        raise TaskNotFound(task_id)
    if event is Event.WAIVE and waived_until is not None and waived_until <= today():
        raise TaskError("task.waiver_expiry_in_past", until=_vn(waived_until), today=_vn(today()))
    if confirm:
        if event is not None:
            raise TaskError("task.confirm_with_status")
        event = Event.CONFIRM
    if event is not None:
        moved = lifecycle.apply(task.status, event)
        if event is Event.CONFIRM and moved == task.status:
            status = None  # confirmed where it stands: only the history changes
        else:
            status = str(moved)
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = status
        values["reason"] = reason if not confirm else task.reason
        values["waived_until"] = waived_until if status == TaskStatus.WAIVED else None
    if assignee is not None:
        values["assignee"] = assignee
    if due_on is not None:
        values["due_on"] = due_on
    if not values and not confirm:
        raise TaskError("task.no_change")
    before = {k: _plain(getattr(task, k)) for k in values}
    values["updated_at"] = dt.datetime.now(dt.UTC)
    conn.execute(update(_t()).where(_t().c.id == task_id).values(**values))
    after = {k: _plain(v) for k, v in values.items() if k != "updated_at"}
    if approver:
        after["approver"] = approver
    action = lifecycle.ACTIONS[event] if event is not None else Action.UPDATED
    record = {"actor": actor, "action": str(action), "before": before, "after": after}
    record |= {"at": values["updated_at"], "note": reason}
    # Task history first, then the audit log: every writer takes the two chains' locks in
    # this order (compliance.chain), so two of them never wait on each other.
    chain.append(conn, TaskEvent.__table__, [{"task_id": task_id, **record}])  # type: ignore[attr-defined]
    chain.append(
        conn,
        AuditEntry.__table__,  # type: ignore[attr-defined]
        [{"task_id": task_id, "rule": task.rule, "unit": task.unit, **record}],
    )
    return conn.execute(select(_t()).where(_t().c.id == task_id)).first()


def _check_reasons(
    event: Event | None, reason: str | None, until: dt.date | None, approver: str | None
) -> None:
    """A waiver and a dismissal are decisions someone answers for: they say why (and a waiver
    who approved it, and until when)."""
    if event is Event.WAIVE:
        if not reason:
            raise TaskError("task.reason_required", change="Miễn trừ")
        if not approver:
            raise TaskError("task.waiver_needs_approver")
        if until is None:
            raise TaskError("task.waiver_needs_expiry")
    if event is Event.DISMISS and not reason:
        raise TaskError("task.reason_required", change="Bác bỏ")


def _vn(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
