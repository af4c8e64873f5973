"""An inspection committee's decision on a finding: confirm it, dismiss it, or waive it.

A thin layer over :func:`compliance.followup.manage.update_task` (which appends the history and
the audit entry): it turns what a form or the API sends into a checked change, with the
Vietnamese message a reviewer needs when something is missing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine

from compliance.accounts import Account
from compliance.followup import lifecycle
from compliance.followup.lifecycle import Event
from compliance.followup.manage import TaskError, update_task
from compliance.models.followup import TaskStatus


class Decision(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    WAIVE = "waive"

    @property
    def event(self) -> Event:
        return Event(str(self))


def possible(status: str) -> list[Decision]:
    """The decisions the lifecycle table allows from ``status``: the form offers only these."""
    return [d for d in Decision if lifecycle.allowed(status, d.event)]


def decide(
    db_engine: Engine,
    task_id: int,
    account: Account,
    decision: str,
    *,
    reason: str = "",
    approver: str = "",
    until: str | dt.date | None = None,
) -> Any:
    try:
        chosen = Decision(decision)
    except ValueError:
        choices = ", ".join(Decision)
        raise TaskError("task.unknown_decision", decision=decision, choices=choices) from None
    reason, approver = reason.strip(), approver.strip()
    if chosen is Decision.CONFIRM:
        return update_task(
            db_engine, task_id, actor=account.name, reason=reason or None, confirm=True
        )
    if chosen is Decision.DISMISS:
        return update_task(
            db_engine, task_id, actor=account.name, status=TaskStatus.DISMISSED, reason=reason
        )
    if isinstance(until, str):
        try:
            until = dt.date.fromisoformat(until) if until else None
        except ValueError:
            raise TaskError("task.invalid_expiry_date", until=until) from None
    return update_task(
        db_engine,
        task_id,
        actor=account.name,
        status=TaskStatus.WAIVED,
        reason=reason,
        waived_until=until,
        approver=approver,
    )
