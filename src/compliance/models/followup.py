"""Compliance runs, the findings they recorded, and the follow-up tasks they keep in step.

A run is written in one transaction with its findings and every task change it causes, so a run
that dies part-way leaves nothing behind. A task is the one piece of work for one (rule, unit,
period) — the unique key makes a duplicate impossible even for two runs racing — and every
change to it is an appended ``TaskEvent``: the task's full history.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp(nullable: bool = False) -> Any:
    return Field(
        default_factory=_now if not nullable else None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    WAIVED = "waived"
    DISMISSED = "dismissed"


ACTIVE_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.ESCALATED)


class ComplianceRun(SQLModel, table=True):
    __tablename__ = "compliance_runs"

    id: int | None = Field(default=None, primary_key=True)
    started_at: dt.datetime = _timestamp()
    finished_at: dt.datetime = _timestamp()
    as_of: dt.date
    kind: str = "compliance"  # compliance | escalation
    scope: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    rules: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))  # id → version
    flow_run_id: str | None = None
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))  # + by_province


def is_whole_run(scope: dict[str, Any] | None) -> bool:
    """A run that judged every unit of the country on every rule and kept tasks in step.

    Only such a run is "the" view reviewers read (overview, trend, latest findings) and the day
    later runs may not go back before. A unit, rule or province run keeps its own tasks in step
    but speaks for no one else; a historical run (an earlier day, asked for) changes no task.
    """
    scope = scope or {}
    return not (
        scope.get("units") or scope.get("rules") or scope.get("province") or scope.get("historical")
    )


class FindingTexts(SQLModel, table=True):
    """What a finding's sentence is rendered from, kept once per rule version and citation:
    runs no longer store the sentence with each row (640 of a row's 890 bytes, and a Jinja
    render for each of a national first run's 234,384 findings: issue 15). Readers render it
    from here and the row (``compliance.review.explain``); the same rule file, documents list
    and row give the same sentence, so it is keyed by a digest of these texts."""

    __tablename__ = "finding_texts"

    id: str = Field(primary_key=True)  # digest of everything below
    rule: str
    version: str
    title: str
    template: str  # the rule's ``explanation``
    basis: str  # "Căn cứ", or a target's wording
    citation: str  # the source as a minute cites it
    period: str | None = None  # the rule's period kind, to read the row's period key
    source: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class RecordedFinding(SQLModel, table=True):
    """A finding as runs saw it: what reviewers and reports read, without re-evaluating.

    Stored as changes (issue 15): a row holds one finding, unchanged, from the whole run that
    first saw it (``run_id``) to the last whole run that saw it the same (``last_run_id``; NULL
    while the latest whole run still does), so a nightly run that changes nothing writes
    nothing. A partial or historical run keeps rows of its own (``run_id == last_run_id``).
    Read a run's findings through ``compliance.followup.findings_store.of_run``.
    """

    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_run_rule", "run_id", "rule"),
        Index("ix_findings_key", "rule", "unit", "period_key"),
        Index("ix_findings_last_run", "last_run_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="compliance_runs.id")  # first seen
    # last whole run that saw it unchanged; NULL: still the latest one's (an open row)
    last_run_id: int | None = Field(default=None, foreign_key="compliance_runs.id")
    digest: str = ""  # the content runs compare to extend the row instead of writing one
    rule: str
    rule_version: str
    unit: str
    period_key: str = ""  # "" for a standing obligation, so the key is never NULL
    status: str
    due: dt.date | None = None
    unit_name: str | None = None
    province_code: str | None = None
    severity: str
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # Rows before migration 0014 keep their sentence; later rows name the texts to render it
    # from (rendered on read by compliance.review.explain).
    explanation: str | None = None
    texts: str | None = Field(default=None, foreign_key="finding_texts.id")


class FollowUpTask(SQLModel, table=True):
    __tablename__ = "follow_up_tasks"
    __table_args__ = (
        UniqueConstraint("rule", "unit", "period_key", name="uq_follow_up_tasks_key"),
        Index("ix_follow_up_tasks_status_due", "status", "due_on"),
        Index("ix_follow_up_tasks_responsible", "responsible_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str
    unit: str
    period_key: str = ""
    status: str = TaskStatus.OPEN
    finding_status: str = "violation"  # violation | at_risk, as last found
    severity: str
    title: str
    body: str
    unit_name: str | None = None
    # folding.fold(unit + ' ' + unit_name): what a search compares, folded once when the task
    # opens instead of on every row of every search (a country's search read 234,000 names)
    search_key: str | None = None
    province_code: str | None = Field(default=None, index=True)
    responsible_kind: str  # direct_superior_union | provincial_federation | …
    responsible_code: str | None = None  # the union whose body must act
    assignee: str | None = None  # a person, or the responsible body until someone is assigned
    due_on: dt.date | None = None
    escalation_level: int = 0
    waived_until: dt.date | None = None
    reason: str | None = None  # of the last resolve, waive or dismiss
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    opened_run_id: int | None = Field(default=None, foreign_key="compliance_runs.id")
    closed_run_id: int | None = Field(default=None, foreign_key="compliance_runs.id")
    created_at: dt.datetime = _timestamp()
    updated_at: dt.datetime = _timestamp()


class TaskEvent(SQLModel, table=True):
    """One change to a task: who (a run or a person), when, what, before and after."""

    __tablename__ = "task_events"
    __table_args__ = (Index("ix_task_events_task", "task_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="follow_up_tasks.id")
    at: dt.datetime = _timestamp()
    run_id: int | None = Field(default=None, foreign_key="compliance_runs.id")
    actor: str  # "run:42" or a user name
    action: str  # opened | resolved | reopened | escalated | updated | waived | dismissed
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    note: str | None = None
    # The hash chain (compliance.chain): the previous row's hash and this row's own.
    prev_hash: str
    row_hash: str


class NotificationTarget(SQLModel, table=True):
    """Where a body's digest goes: an Apprise URL (mailto://, tgram://, json://, …)."""

    __tablename__ = "notification_targets"

    id: int | None = Field(default=None, primary_key=True)
    body_code: str = Field(index=True)  # a union code, or "*" for every body
    url: str


class RunLock(SQLModel, table=True):
    """One row, updated first thing by every run: runs that write tasks go one at a time.

    An UPDATE takes SQLite's write lock and a PostgreSQL row lock, both held to commit and both
    released by the database if the process dies, so a killed run never leaves it taken.
    """

    __tablename__ = "run_lock"

    id: int = Field(default=1, primary_key=True)
    holder: str | None = None
    acquired_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
