"""One change to many tasks at once: assign them to a body, or move them to another status.

Each task goes through :func:`compliance.followup.manage.change_task`, the code path of a
single change (the same checks, one history entry and one audit entry per task), all in one
transaction. A task that cannot take the change (outside the scope, gone, a move the lifecycle
table has no row for) is named with the reason and left as it was; the others change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from compliance import db
from compliance.accounts import Account
from compliance.followup import lifecycle
from compliance.followup.manage import TaskError, change_task
from compliance.messages import message
from compliance.models.followup import TaskStatus
from compliance.review.queries import _t
from compliance.review.scope import Scope

MAX_TASKS = 500  # one page of a table is 25..100; a script may send more, not unbounded


@dataclass
class Outcome:
    changed: list[int] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)  # id, unit, name, code, detail

    def as_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "refused": self.refused}


def from_statuses(target: TaskStatus) -> list[str]:
    """The statuses a person may move a task from to ``target`` (lifecycle.TRANSITIONS): the
    bulk form offers ``target`` only when every selected task is in one of them."""
    event = lifecycle.MANUAL_EVENTS[target]
    return [str(s) for s in TaskStatus if lifecycle.allowed(s, event)]


def bulk_change(
    db_engine: Engine,
    scope: Scope,
    account: Account,
    task_ids: list[int],
    *,
    assignee: str | None = None,
    status: str | None = None,
    reason: str | None = None,
    approver: str | None = None,
    until: dt.date | None = None,
) -> Outcome:
    tasks = _t("follow_up_tasks")
    wanted = list(dict.fromkeys(task_ids))  # each task once, in the order sent
    outcome = Outcome()
    with db.writing(db_engine) as conn:
        found = {
            row.id: row
            for row in conn.execute(
                select(tasks.c.id, tasks.c.unit, tasks.c.unit_name).where(
                    tasks.c.id.in_(wanted), scope.covers(tasks)
                )
            )
        }
        for task_id in wanted:
            row = found.get(task_id)
            if row is None:  # outside the scope or gone: the same answer, nothing revealed
                outcome.refused.append(_refusal(task_id, None, "task.not_in_scope"))
                continue
            try:
                change_task(
                    conn,
                    task_id,
                    actor=account.name,
                    assignee=assignee,
                    status=status,
                    reason=reason,
                    waived_until=until,
                    approver=approver,
                )
            except TaskError as exc:  # raised before anything of this task was written
                outcome.refused.append(_refusal(task_id, row, exc.code, str(exc)))
            else:
                outcome.changed.append(task_id)
    return outcome


def _refusal(task_id: int, row: Any, code: str, detail: str | None = None) -> dict[str, Any]:
    return {
        "id": task_id,
        "unit": row.unit if row is not None else None,
        "unit_name": row.unit_name if row is not None else None,
        "code": code,
        "detail": detail or message(code, task_id=task_id),
    }


def summary(outcome: Outcome) -> str:
    """What a reviewer reads after a bulk change: how many changed, and each refusal named."""
    text = message("task.bulk_done", changed=len(outcome.changed))
    if outcome.refused:
        named = " ".join(
            f"#{r['id']} {r['unit_name'] or r['unit'] or ''}".rstrip() + f": {r['detail']}"
            for r in outcome.refused
        )
        text += " " + message("task.bulk_refused", refused=len(outcome.refused), tasks=named)
    return text
