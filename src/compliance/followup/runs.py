"""The run row: what a run was asked, when it started and finished, and what it counted.

Also the run lock every writing run takes first, and the outcome a run hands back to the flow
(its counts and its task changes, which become the digests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, update

from compliance.engine import evaluate as engine
from compliance.engine.findings import Finding
from compliance.followup.responsible import Body
from compliance.models.followup import ACTIVE_STATUSES, ComplianceRun, FollowUpTask, RunLock

Key = tuple[str, str, str]  # rule, unit, period ("" for none)


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back, carrying what it would have done."""

    def __init__(self, outcome: RunOutcome) -> None:
        super().__init__("dry run")
        self.outcome = outcome


@dataclass
class RunOrder:
    as_of: dt.date
    scope: engine.Selection = field(default_factory=engine.Selection)
    dry_run: bool = False
    flow_run_id: str | None = None
    actor: str = "compliance-run"
    historical: bool = False  # an earlier day on purpose: findings recorded, no task changed


@dataclass
class RunChange:
    action: str  # opened | reopened | resolved | updated | escalated (lifecycle.Action)
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
    # province code ("" for none) → status → findings: stored with the run, so the overview's
    # trend reads a dozen runs' counts instead of counting a dozen runs' findings
    by_province: dict[str, dict[str, int]] = field(default_factory=dict)
    changes: list[RunChange] = field(default_factory=list)
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


def start_run(
    conn: Connection,
    now: dt.datetime,
    as_of: dt.date,
    *,
    kind: str,
    scope: dict[str, Any],
    rules: dict[str, str],
    flow_run_id: str | None,
) -> int:
    """The run's row, written first so everything the run writes can point at it."""
    return int(
        conn.execute(
            _t(ComplianceRun)
            .insert()
            .values(
                started_at=now,
                finished_at=now,
                as_of=as_of,
                kind=kind,
                scope=scope,
                rules=rules,
                flow_run_id=flow_run_id,
                counts={},
            )
        ).inserted_primary_key[0]
    )


def compliance_scope(request: RunOrder) -> dict[str, Any]:
    """What a compliance run judged, as stored on its row (see models.followup.is_whole_run)."""
    return {
        "rules": sorted(request.scope.rules),
        "units": sorted(request.scope.units),
        "province": request.scope.province,
        **({"historical": True} if request.historical else {}),
    }


def finish_run(conn: Connection, run_id: int, counts: dict[str, Any]) -> None:
    conn.execute(
        update(_t(ComplianceRun))
        .where(_t(ComplianceRun).c.id == run_id)
        .values(finished_at=dt.datetime.now(dt.UTC), counts=counts)
    )


def count_active(conn: Connection) -> int:
    t = _t(FollowUpTask)
    statement = select(func.count()).where(t.c.status.in_([str(s) for s in ACTIVE_STATUSES]))
    return int(conn.execute(statement).scalar_one())
