"""People who use the review UI, what they did (the audit log), and the runs they asked for.

The audit log is append-only in the database itself (triggers refuse UPDATE, DELETE and
replacement, see migrations 0004 and 0006), so not even a bug or a hand-written SQL statement in
the application can rewrite what a reviewer decided; and it is hash-chained
(``compliance.chain``), so someone who drops the triggers cannot do it unnoticed.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from compliance.models.followup import _timestamp


class Role(StrEnum):
    ADMIN = "admin"  # everything, including accounts
    OPERATOR = "operator"  # triggers runs, and reads
    INSPECTOR = "inspector"  # reviews: decisions and task changes
    VIEWER = "viewer"  # reads


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str
    scope_code: str | None = None  # a province code or a union code; None: the whole country
    password_hash: str
    active: bool = True
    # Carried in the signed session cookie; logging out or changing the password bumps it, so
    # every cookie issued before is refused (a cookie alone cannot be taken back).
    session_version: int = 0
    created_at: dt.datetime = _timestamp()


class LoginThrottle(SQLModel, table=True):
    """Failed logins counted per login name and per client address, in fixed windows.

    Names that do not exist are counted like real ones (so a lock-out tells nothing), and the
    counting is one atomic upsert, so parallel requests and several server processes cannot
    race past the limit. A successful login takes back only its own attempt.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True)  # "name:<login name>" or "address:<client address>"
    window_start: int  # Unix seconds: integers compare the same on every database
    failures: int = 0


class AuditEntry(SQLModel, table=True):
    """One act of a person: who, when, what, on which task and unit, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_unit", "unit", "id"),
        Index("ix_audit_log_task", "task_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _timestamp()
    actor: str
    action: str  # confirmed | waived | dismissed | updated | user_added | run_requested | …
    task_id: int | None = None  # no foreign key: the log outlives what it talks about
    rule: str | None = None
    unit: str | None = None
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    note: str | None = None
    # The hash chain (compliance.chain): the previous row's hash and this row's own.
    prev_hash: str
    row_hash: str


class RunRequestStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class RunRequest(SQLModel, table=True):
    """A "run now" from the web UI: what was asked, by whom, and how the flow run went."""

    __tablename__ = "run_requests"

    id: int | None = Field(default=None, primary_key=True)
    requested_by: str
    requested_at: dt.datetime = _timestamp()
    as_of: dt.date
    scope: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = RunRequestStatus.QUEUED
    compliance_run_id: int | None = None
    finished_at: dt.datetime | None = _timestamp(nullable=True)
    message: str | None = None
