"""A unit's case file: its registry row as the delivery spelled it, the unions above it, its
findings with their facts and sources, its tasks with their history, and its audit entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, or_, select

from compliance.registry.contract import table_for_name
from compliance.registry.hierarchy import chain_of
from compliance.registry.places import province_label, ward_label
from compliance.review.explain import explain
from compliance.review.queries import _rows, _t, latest_whole_run, with_body_names
from compliance.review.scope import Scope
from compliance.rules.model import Rule
from compliance.settings import today
from compliance.vocabulary.facts import SUBJECTS, addressable

_UNIT_TABLES = tuple((s.name, s.table, s.code_column) for s in addressable())
_TABLE_OF = {kind: table_name for kind, table_name, _ in _UNIT_TABLES}


def registry_view(table_name: str, row: dict[str, Any]) -> list[tuple[str, Any]]:
    """The registry row as the delivery's Vietnamese headers and choice names show it."""
    table = table_for_name(table_name)
    view: list[tuple[str, Any]] = []
    for name, value in row.items():
        column = table.column(name) if table and name in table.column_names else None
        if column is None:
            view.append((name, value))
            continue
        if column.choices and value in column.choices and column.choices[value]:
            value = column.choices[value][0]
        elif name == "province_code":
            value = province_label(value)
        elif name == "ward_code":
            value = ward_label(value)
        view.append((column.label_vi, value))
    return view


def fact_labels(rule: Rule | str) -> dict[str, str]:
    """Labels of a rule's facts, its own (``facts:``) included; or of a subject's, by name."""
    if isinstance(rule, Rule):
        return {name: fact.label_vi for name, fact in rule.known_facts().items()}
    subject = SUBJECTS.get(rule)
    return {name: fact.label_vi for name, fact in subject.facts.items()} if subject else {}


def find_unit(conn: Connection, code: str) -> tuple[str, dict[str, Any]] | None:
    for kind, table_name, key in _UNIT_TABLES:
        table = _t(table_name)
        row = conn.execute(select(table).where(table.c[key] == code)).mappings().first()
        if row is not None:
            return kind, dict(row)
    return None


def case_file(
    conn: Connection, scope: Scope, code: str, found: tuple[str, dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """Everything about one unit a reviewer needs to decide. None when it is not in the registry;
    callers check the scope first (403 is not 404) and may pass what ``find_unit`` found."""
    found = found or find_unit(conn, code)
    if found is None:
        return None
    kind, registry = found
    findings, events = _t("findings"), _t("task_events")
    units = [code, *_owned_units(conn, kind, code)]
    task_rows = _unit_tasks(conn, scope, units)
    latest = (
        select(func.max(findings.c.id))
        .where(findings.c.unit.in_(units))
        .group_by(findings.c.rule, findings.c.unit, findings.c.period_key)
    )
    whole = latest_whole_run(conn)
    open_until = whole[0] if whole else None  # an open row: still the latest whole run's
    last_run = func.coalesce(findings.c.last_run_id, open_until)
    runs = _t("compliance_runs")
    finding_rows = _rows(
        conn.execute(
            select(findings, runs.c.as_of.label("run_as_of"))
            .join(runs, runs.c.id == last_run)
            .where(findings.c.id.in_(latest), scope.covers(findings))
            .order_by(findings.c.rule, findings.c.period_key)
        )
    )
    for row in finding_rows:
        row["last_run_id"] = row["last_run_id"] or open_until
    explain(conn, finding_rows)
    task_ids = [t["id"] for t in task_rows]
    history = _rows(
        conn.execute(select(events).where(events.c.task_id.in_(task_ids)).order_by(events.c.id))
    )
    by_task: dict[int, list[dict[str, Any]]] = {}
    for event in history:
        by_task.setdefault(event["task_id"], []).append(event)
    for task in task_rows:
        task["events"] = by_task.get(task["id"], [])
    audit_rows = _audit(conn, units, task_ids)
    return {
        "code": code,
        "kind": kind,
        "registry": registry,
        "registry_view": registry_view(_TABLE_OF[kind], registry),
        "chain": _chain(conn, kind, registry),
        "tasks": task_rows,
        "findings": finding_rows,
        "audit": audit_rows,
        "events": unit_events(conn, code),
    }


def unit_events(conn: Connection, code: str) -> list[dict[str, Any]]:
    """The unit's acts from the open events table, newest first (undated ones last)."""
    table = _t("events")
    statement = (
        select(table.c.date, table.c.kind, table.c.note, table.c.id)
        .where(table.c.unit_code == code)
        .order_by(table.c.date.desc().nulls_last(), table.c.id.desc())
    )
    return _rows(conn.execute(statement))


def unit_audit(conn: Connection, scope: Scope, code: str) -> list[dict[str, Any]]:
    """The audit entries of a case file, without the rest of it."""
    found = find_unit(conn, code)
    if found is None:
        return []
    units = [code, *_owned_units(conn, found[0], code)]
    return _audit(conn, units, [t["id"] for t in _unit_tasks(conn, scope, units)])


def _unit_tasks(conn: Connection, scope: Scope, units: list[str]) -> list[dict[str, Any]]:
    tasks = _t("follow_up_tasks")
    statement = select(tasks).where(tasks.c.unit.in_(units), scope.covers(tasks))
    return with_body_names(conn, _rows(conn.execute(statement.order_by(tasks.c.id))))


def _audit(conn: Connection, units: list[str], task_ids: list[int]) -> list[dict[str, Any]]:
    audit = _t("audit_log")
    statement = select(audit).where(or_(audit.c.unit.in_(units), audit.c.task_id.in_(task_ids)))
    return _rows(conn.execute(statement.order_by(audit.c.id.desc())))


def _owned_units(conn: Connection, kind: str, code: str) -> list[str]:
    """A union's case file also holds its complaints and chair elections."""
    if kind != "union":
        return []
    owned: list[str] = []
    for table_name in ("complaints", "chair_elections"):
        table = _t(table_name)
        owned += [i for (i,) in conn.execute(select(table.c.id).where(table.c.union_code == code))]
    return owned


def _chain(conn: Connection, kind: str, registry: dict[str, Any]) -> list[dict[str, Any]]:
    """The unit's union and the unions above it today: who answers for it."""
    unions = _t("unions")
    start: str | None
    if kind == "union":
        start = registry["code"]
    elif kind == "enterprise":
        start = conn.execute(
            select(unions.c.code).where(unions.c.enterprise_tax_code == registry["tax_code"])
        ).scalar()
    else:
        start = registry.get("union_code")
    if start is None:
        return []
    codes = chain_of(conn, start, today())
    names = dict(
        conn.execute(select(unions.c.code, unions.c.name).where(unions.c.code.in_(codes))).all()
    )
    return [{"code": c, "name": names.get(c, c)} for c in codes]
