"""Changes people make to tasks: confirm, assign, start, waive (with reason, approver and
expiry), dismiss, reopen — each appended to the task's history and to the audit log in the
same transaction, so a change never exists without its record.

``resolved`` is not among them: a task is resolved by the run that finds the unit compliant,
from the registry, so the history always says which fact changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select, update

from compliance import chain, db
from compliance.exceptions import ComplianceError
from compliance.models.accounts import AuditEntry
from compliance.models.followup import ACTIVE_STATUSES, FollowUpTask, TaskEvent, TaskStatus
from compliance.settings import today

MANUAL_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.WAIVED, TaskStatus.DISMISSED)


class TaskError(ComplianceError):
    code = "task.invalid_change"


def _t() -> Any:
    return FollowUpTask.__table__  # type: ignore[attr-defined]


def get_task(db_engine: Engine, task_id: int) -> tuple[Any, list[Any]]:
    with db_engine.connect() as conn:
        task = conn.execute(select(_t()).where(_t().c.id == task_id)).first()
        if task is None:
            raise TaskError(f"Không có việc số {task_id}.")
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
    moves to "in progress" and the history says who confirmed it.
    """
    if status is not None and status not in MANUAL_STATUSES:
        if status == TaskStatus.RESOLVED:
            raise TaskError(
                "Trạng thái 'resolved' do lần chạy xác định khi đơn vị đã tuân thủ; "
                "hãy cập nhật sổ đăng ký rồi chạy lại."
            )
        raise TaskError(
            f"Trạng thái '{status}' không hợp lệ; chỉ nhận: {', '.join(MANUAL_STATUSES)}."
        )
    if status == TaskStatus.WAIVED and (not reason or waived_until is None or not approver):
        raise TaskError(
            "Miễn trừ cần lý do (--reason), người phê duyệt (--approver) và ngày hết hạn (--until)."
        )
    if status == TaskStatus.DISMISSED and not reason:
        raise TaskError("Bác bỏ cần lý do (--reason).")
    with db.writing(db_engine) as conn:
        task = conn.execute(select(_t()).where(_t().c.id == task_id).with_for_update()).first()
        if task is None:
            raise TaskError(f"Không có việc số {task_id}.")
        if status == TaskStatus.WAIVED and waived_until is not None and waived_until <= today():
            raise TaskError("Ngày hết hạn miễn trừ phải sau hôm nay.")
        if confirm:
            if status is not None:
                raise TaskError("Xác nhận không đi cùng thay đổi trạng thái khác.")
            if task.status not in ACTIVE_STATUSES:
                raise TaskError(f"Chỉ xác nhận được việc đang mở (hiện: {task.status}).")
            if task.status == TaskStatus.OPEN:
                status = TaskStatus.IN_PROGRESS
        if status == TaskStatus.IN_PROGRESS and task.status not in (
            TaskStatus.OPEN,
            TaskStatus.ESCALATED,
        ):
            raise TaskError(f"Chỉ việc đang mở mới chuyển sang xử lý (hiện: {task.status}).")
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
            raise TaskError("Không có thay đổi nào.")
        before = {k: _plain(getattr(task, k)) for k in values}
        values["updated_at"] = dt.datetime.now(dt.UTC)
        conn.execute(update(_t()).where(_t().c.id == task_id).values(**values))
        after = {k: _plain(v) for k, v in values.items() if k != "updated_at"}
        if approver:
            after["approver"] = approver
        if confirm:
            action = "confirmed"
        elif status in (TaskStatus.WAIVED, TaskStatus.DISMISSED):
            action = str(status)
        else:
            action = "updated"
        record = {"actor": actor, "action": action, "before": before, "after": after}
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


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
