"""What reviewers read: the dashboard, the flagged units, a unit's case file, the audit trail.

Pages and the JSON API both call these, so the two can never disagree, and every query takes
the caller's :class:`Scope` — there is no unscoped variant to call by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, case, func, not_, or_, select
from sqlmodel import SQLModel

from compliance.models.followup import ACTIVE_STATUSES, is_whole_run
from compliance.registry.contract import table_for_name
from compliance.registry.hierarchy import chain_of
from compliance.review.scope import Scope
from compliance.rules.model import DATA_QUALITY_PREFIX, Family
from compliance.settings import today
from compliance.vocabulary.facts import SUBJECTS

PAGE_SIZE = 25
TREND_RUNS = 12
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SEVERITY_VI = {"high": "cao", "medium": "trung bình", "low": "thấp"}
FINDING_STATUS_VI = {"violation": "vi phạm", "at_risk": "có nguy cơ", "open": "chưa đến hạn"}


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in result.mappings().all()]


# -- dashboard ------------------------------------------------------------------------------


def dashboard(conn: Connection, scope: Scope) -> dict[str, Any]:
    tasks = _t("follow_up_tasks")
    active = tasks.c.status.in_([str(s) for s in ACTIVE_STATUSES])
    in_scope = scope.covers(tasks)

    def grouped(column: Any) -> list[dict[str, Any]]:
        statement = (
            select(column.label("key"), func.count().label("tasks"))
            .where(in_scope, active)
            .group_by(column)
            .order_by(func.count().desc())
        )
        return _rows(conn.execute(statement))

    overdue = conn.execute(
        select(func.count()).where(in_scope, active, tasks.c.due_on < today())
    ).scalar_one()
    data_quality = conn.execute(
        select(func.count()).where(
            in_scope, active, family_clause(tasks.c.rule, Family.DATA_QUALITY)
        )
    ).scalar_one()
    return {
        "data_quality": data_quality,
        "by_rule": grouped(tasks.c.rule),
        "by_severity": grouped(tasks.c.severity),
        "by_province": grouped(tasks.c.province_code),
        "by_status": _rows(
            conn.execute(
                select(tasks.c.status.label("key"), func.count().label("tasks"))
                .where(in_scope)
                .group_by(tasks.c.status)
            )
        ),
        "overdue": overdue,
        "trend": trend(conn, scope),
    }


def trend(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    """Findings per run, for the last runs that judged everything (not one unit or one rule)."""
    runs, findings = _t("compliance_runs"), _t("findings")
    recent = conn.execute(
        select(runs.c.id, runs.c.as_of, runs.c.finished_at, runs.c.scope)
        .where(runs.c.kind == "compliance")
        .order_by(runs.c.id.desc())
        .limit(TREND_RUNS * 4)
    ).all()
    whole = [r for r in recent if is_whole_run(r.scope)]
    whole = list(reversed(whole[:TREND_RUNS]))
    if not whole:
        return []
    counts = {
        (run_id, status): n
        for run_id, status, n in conn.execute(
            select(findings.c.run_id, findings.c.status, func.count())
            .where(findings.c.run_id.in_([r.id for r in whole]), scope.covers(findings))
            .group_by(findings.c.run_id, findings.c.status)
        ).all()
    }
    return [
        {
            "run_id": r.id,
            "as_of": r.as_of,
            "violations": counts.get((r.id, "violation"), 0),
            "at_risk": counts.get((r.id, "at_risk"), 0),
        }
        for r in whole
    ]


def latest_whole_run(conn: Connection) -> tuple[int, dt.date] | None:
    """The newest run that judged every unit of the country on every rule (is_whole_run)."""
    runs = _t("compliance_runs")
    for run_id, as_of, run_scope in conn.execute(
        select(runs.c.id, runs.c.as_of, runs.c.scope)
        .where(runs.c.kind == "compliance")
        .order_by(runs.c.id.desc())
        .limit(50)
    ):
        if is_whole_run(run_scope):
            return run_id, as_of
    return None


def findings_page(
    conn: Connection,
    scope: Scope,
    *,
    rule: str | None = None,
    status: str | None = None,
    province: str | None = None,
    family: Family | None = None,
    page: int = 1,
) -> dict[str, Any]:
    findings = _t("findings")
    latest = latest_whole_run(conn)
    if latest is None:
        return {"run": None, "as_of": None, "total": 0, "page": page, "items": []}
    where = [findings.c.run_id == latest[0], scope.covers(findings)]
    for column, value in (("rule", rule), ("status", status), ("province_code", province)):
        if value:
            where.append(findings.c[column] == value)
    if family is not None:
        where.append(family_clause(findings.c.rule, family))
    total = conn.execute(select(func.count()).select_from(findings).where(*where)).scalar_one()
    rows = conn.execute(
        select(findings)
        .where(*where)
        .order_by(findings.c.id)
        .limit(PAGE_SIZE)
        .offset((max(1, page) - 1) * PAGE_SIZE)
    )
    return {
        "run": latest[0],
        "as_of": latest[1],
        "total": total,
        "page": page,
        "items": _rows(rows),
    }


# -- flagged units --------------------------------------------------------------------------


@dataclass
class Filters:
    rule: str | None = None
    severity: str | None = None
    status: str | None = None  # a task status, or "active" (the default) or "all"
    province: str | None = None
    assignee: str | None = None
    q: str | None = None  # tax code, union code or part of a name
    family: str | None = None  # "compliance" or "data_quality" (rules.model.Family)

    def clauses(self, tasks: Any) -> list[Any]:
        clauses: list[Any] = []
        if self.rule:
            clauses.append(tasks.c.rule == self.rule)
        if self.family in {str(f) for f in Family}:
            clauses.append(family_clause(tasks.c.rule, Family(self.family)))
        if self.severity:
            clauses.append(tasks.c.severity == self.severity)
        status = self.status or "active"
        if status == "active":
            clauses.append(tasks.c.status.in_([str(s) for s in ACTIVE_STATUSES]))
        elif status != "all":
            clauses.append(tasks.c.status == status)
        if self.province:
            clauses.append(tasks.c.province_code == self.province)
        if self.assignee:
            clauses.append(tasks.c.assignee == self.assignee)
        if self.q and self.q.strip():
            text = self.q.strip()
            clauses.append(
                or_(
                    tasks.c.unit == text,
                    tasks.c.unit_name.ilike(f"%{_escape_like(text)}%", escape="\\"),
                )
            )
        return clauses


def family_clause(rule: Any, family: Family) -> Any:
    """SQL for "the rule id is of ``family``" (data-quality ids share one prefix)."""
    data_quality = rule.like(f"{_escape_like(DATA_QUALITY_PREFIX)}%", escape="\\")
    return data_quality if family is Family.DATA_QUALITY else not_(data_quality)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int = PAGE_SIZE
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-self.total // self.page_size))


def flagged(conn: Connection, scope: Scope, filters: Filters, page: int = 1) -> Page:
    tasks = _t("follow_up_tasks")
    where = [scope.covers(tasks), *filters.clauses(tasks)]
    total = conn.execute(select(func.count()).select_from(tasks).where(*where)).scalar_one()
    page = max(1, page)
    severity_rank = case(
        *((tasks.c.severity == k, v) for k, v in SEVERITY_ORDER.items()), else_=len(SEVERITY_ORDER)
    )
    statement = (
        select(
            tasks.c.id,
            tasks.c.rule,
            tasks.c.unit,
            tasks.c.unit_name,
            tasks.c.period_key,
            tasks.c.status,
            tasks.c.finding_status,
            tasks.c.severity,
            tasks.c.title,
            tasks.c.province_code,
            tasks.c.assignee,
            tasks.c.responsible_code,
            tasks.c.due_on,
            tasks.c.waived_until,
            tasks.c.escalation_level,
        )
        .where(*where)
        .order_by(severity_rank, tasks.c.due_on.is_(None), tasks.c.due_on, tasks.c.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return Page(_rows(conn.execute(statement)), total, page)


def choices(conn: Connection, scope: Scope) -> dict[str, list[str]]:
    """Values the filter menus offer: only what exists inside the scope."""
    tasks = _t("follow_up_tasks")

    def distinct(column: Any) -> list[str]:
        statement = select(column).where(scope.covers(tasks), column.is_not(None)).distinct()
        return sorted(v for (v,) in conn.execute(statement).all())

    return {
        "rules": distinct(tasks.c.rule),
        "provinces": distinct(tasks.c.province_code),
        "assignees": distinct(tasks.c.assignee),
    }


# -- the case file --------------------------------------------------------------------------

_UNIT_TABLES = (
    ("enterprise", "enterprises", "tax_code"),
    ("union", "unions", "code"),
    ("complaint", "complaints", "id"),
    ("chair_election", "chair_elections", "id"),
)
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
        view.append((column.label_vi, value))
    return view


def fact_labels(subject_name: str) -> dict[str, str]:
    subject = SUBJECTS.get(subject_name)
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
    finding_rows = _rows(
        conn.execute(
            select(findings, _t("compliance_runs").c.as_of.label("run_as_of"))
            .join(_t("compliance_runs"), _t("compliance_runs").c.id == findings.c.run_id)
            .where(findings.c.id.in_(latest), scope.covers(findings))
            .order_by(findings.c.rule, findings.c.period_key)
        )
    )
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
    }


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
    return _rows(conn.execute(statement.order_by(tasks.c.id)))


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


def task_in_scope(conn: Connection, scope: Scope, task_id: int) -> dict[str, Any] | None:
    tasks = _t("follow_up_tasks")
    row = (
        conn.execute(select(tasks).where(tasks.c.id == task_id, scope.covers(tasks)))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def task_exists(conn: Connection, task_id: int) -> bool:
    tasks = _t("follow_up_tasks")
    return conn.execute(select(tasks.c.id).where(tasks.c.id == task_id)).first() is not None


def audit_log(conn: Connection, scope: Scope, limit: int = 200) -> list[dict[str, Any]]:
    """The latest acts inside the scope (acts on accounts are for a nationwide admin only)."""
    audit = _t("audit_log")
    statement = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if scope.kind != "country":
        statement = statement.where(audit.c.unit.is_not(None), scope.owns_unit(audit.c.unit))
    return _rows(conn.execute(statement))
