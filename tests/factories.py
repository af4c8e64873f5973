"""Shared test factories: small real databases and rows, made the way the application makes them.

A task row may be inserted directly (the task table is plain); its history and the audit log
are hash-chained and only ever written by the code under test (compliance.chain).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select

from compliance import db
from compliance.engine.cases import write_registry
from compliance.engine.evaluate import evaluate
from compliance.followup.sync import RunOrder, RunOutcome, record_and_sync
from compliance.generate import GenerateOptions, generate_registry
from compliance.models.accounts import AuditEntry
from compliance.models.followup import FollowUpTask, TaskEvent
from compliance.registry.importer import import_folder
from compliance.rules.validate import LoadedRule, load_rules

TASKS = FollowUpTask.__table__  # type: ignore[attr-defined]
EVENTS = TaskEvent.__table__  # type: ignore[attr-defined]
AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]


def migrated_sqlite(path: Path) -> Engine:
    """A new SQLite database at ``path`` with the newest schema."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    return engine


def insert_task(engine: Engine, **values: Any) -> int:
    """One follow-up task as a run would have opened it; ``values`` override the defaults."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        count = conn.execute(select(func.count()).select_from(TASKS)).scalar_one()
        row = {
            "rule": "union.establishment",
            "unit": f"E{count + 1:05d}",
            "period_key": "",
            "status": "open",
            "finding_status": "violation",
            "severity": "high",
            "title": "Vận động thành lập công đoàn cơ sở",
            "body": "Đề nghị tiếp cận doanh nghiệp.",
            "province_code": "80",
            "responsible_kind": "provincial_federation",
            "responsible_code": "LDLD-80",
            "assignee": "LDLD-80",
            "due_on": dt.date(2030, 1, 1),
            "facts": {"workers": 30},
            "created_at": now,
            "updated_at": now,
        } | values
        return int(conn.execute(insert(TASKS).values(**row)).inserted_primary_key[0])


def task(engine: Engine, task_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(TASKS).where(TASKS.c.id == task_id)).one()


def history(engine: Engine, task_id: int) -> list[Any]:
    """The task's history rows, oldest first."""
    with engine.connect() as conn:
        return conn.execute(
            select(EVENTS).where(EVENTS.c.task_id == task_id).order_by(EVENTS.c.id)
        ).all()


def audit_entries(engine: Engine, task_id: int) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(select(AUDIT).where(AUDIT.c.task_id == task_id)).all()


def deliver(
    engine: Engine, folder: Path, rows: dict[str, list[dict[str, Any]]], effective: dt.date
) -> None:
    """A delivery of these rows (a new folder each time), imported as the CLI would."""
    write_registry(folder, rows)
    import_folder(engine, folder, effective_date=effective)


def run(engine: Engine, as_of: dt.date, rules: Sequence[LoadedRule] | None = None) -> RunOutcome:
    """One compliance run without Prefect: evaluate, then record and sync (as the flow does)."""
    rules = list(rules) if rules is not None else load_rules()
    with engine.connect() as conn:
        findings = evaluate(conn, rules, as_of)
    return record_and_sync(engine, rules, findings, RunOrder(as_of=as_of))


def generated_and_run(
    engine: Engine, folder: Path, provinces: tuple[str, ...], enterprises: int, as_of: dt.date
) -> RunOutcome:
    """A generated registry (a few hundred enterprises is enough), imported and run once."""
    db.upgrade(engine)
    generate_registry(folder, GenerateOptions(provinces=provinces, enterprises=enterprises))
    import_folder(engine, folder, effective_date=as_of)
    return run(engine, as_of)
