"""The daily escalation check as a Prefect flow: overdue tasks move to the body above."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from compliance import db
from compliance.flows.compliance_run import notify_after_commit
from compliance.followup.escalate import DEFAULT_EXTENSION_DAYS, escalate_overdue
from compliance.followup.sync import RunOutcome
from compliance.settings import TIMEZONE


@task(name="escalate-overdue", cache_policy=NO_CACHE, persist_result=False)
def escalate(as_of: dt.date, extension_days: int, dry_run: bool) -> RunOutcome:
    outcome = escalate_overdue(
        db.make_engine(),
        as_of,
        extension_days=extension_days,
        dry_run=dry_run,
        flow_run_id=str(flow_run.get_id() or ""),
    )
    get_run_logger().info("Escalated %d overdue tasks", outcome.count("escalated"))
    return outcome


@flow(name="escalation-check")
def escalation_check(
    as_of: dt.date | None = None,
    extension_days: int = DEFAULT_EXTENSION_DAYS,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Move every task past its due date up one level, with a new due date."""
    day = as_of or dt.datetime.now(TIMEZONE).date()
    outcome = escalate(day, extension_days, dry_run)
    notified = notify_after_commit(outcome)
    return {"run_id": outcome.run_id, "escalated": outcome.count("escalated"),
            "notification_failures": notified.failures}  # fmt: off
