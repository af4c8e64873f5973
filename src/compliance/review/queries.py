"""What reviewers read: the dashboard, the flagged units, a unit's case file, the audit trail.

Pages and the JSON API both call these, so the two can never disagree, and every query takes
the caller's :class:`Scope` — there is no unscoped variant to call by mistake.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, case, func, literal, not_, or_, select
from sqlmodel import SQLModel

from compliance.folding import fold
from compliance.followup.findings_store import of_run
from compliance.models.followup import ACTIVE_STATUSES, is_whole_run
from compliance.review.explain import explain
from compliance.review.scope import Scope
from compliance.rules.model import DATA_QUALITY_PREFIX, Family
from compliance.settings import today

PAGE_SIZE = 25
TREND_RUNS = 12
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in result.mappings().all()]


# -- dashboard ------------------------------------------------------------------------------


def dashboard(conn: Connection, scope: Scope) -> dict[str, Any]:
    """The overview's counts from one pass over the scope's tasks (not one per tile: in the
    country that is a quarter of a million rows each time)."""
    tasks = _t("follow_up_tasks")
    overdue = func.sum(case((tasks.c.due_on < today(), 1), else_=0))
    statement = (
        select(tasks.c.rule, tasks.c.severity, tasks.c.province_code, tasks.c.status,
               func.count(), overdue)
        .where(scope.covers(tasks))
        .group_by(tasks.c.rule, tasks.c.severity, tasks.c.province_code, tasks.c.status)
    )  # fmt: off
    active = {str(s) for s in ACTIVE_STATUSES}
    by: dict[str, Counter[Any]] = {k: Counter() for k in ("rule", "severity", "province", "status")}
    late = data_quality = 0
    for rule, severity, province, status, count, overdue_count in conn.execute(statement):
        by["status"][status] += count
        if status not in active:
            continue
        by["rule"][rule] += count
        by["severity"][severity] += count
        by["province"][province] += count
        late += overdue_count or 0
        data_quality += count if rule.startswith(DATA_QUALITY_PREFIX) else 0

    def most_first(counts: Counter[Any]) -> list[dict[str, Any]]:
        ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        return [{"key": key, "tasks": n} for key, n in ordered]

    return {
        "data_quality": data_quality,
        "by_rule": most_first(by["rule"]),
        "by_severity": most_first(by["severity"]),
        "by_province": most_first(by["province"]),
        "by_status": most_first(by["status"]),
        "overdue": late,
        "trend": trend(conn, scope),
    }


def trend(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    """Findings per run, for the last runs that judged everything (not one unit or one rule)."""
    runs, findings = _t("compliance_runs"), _t("findings")
    recent = conn.execute(
        select(runs.c.id, runs.c.as_of, runs.c.finished_at, runs.c.scope, runs.c.counts)
        .where(runs.c.kind == "compliance")
        .order_by(runs.c.id.desc())
        .limit(TREND_RUNS * 4)
    ).all()
    whole = [r for r in recent if is_whole_run(r.scope)]
    whole = list(reversed(whole[:TREND_RUNS]))
    if not whole:
        return []
    counts: dict[tuple[int, str], int] = {}
    for r in whole:
        stored = _stored_counts(r.counts, scope)
        if stored is None:  # a union's scope, or a run recorded before runs kept their counts
            stored = conn.execute(
                select(findings.c.status, func.count())
                .where(of_run(r.id, True, findings), scope.covers(findings))
                .group_by(findings.c.status)
            ).all()
        counts.update(((r.id, status), n) for status, n in stored)
    return [
        {
            "run_id": r.id,
            "as_of": r.as_of,
            "violations": counts.get((r.id, "violation"), 0),
            "at_risk": counts.get((r.id, "at_risk"), 0),
        }
        for r in whole
    ]


def _stored_counts(counts: dict[str, Any] | None, scope: Scope) -> list[tuple[str, int]] | None:
    """A whole run's findings by status in ``scope`` as the run stored them (the country, or a
    province); ``None`` when the run did not store them for such a scope."""
    by_province = (counts or {}).get("by_province")
    if by_province is None or scope.kind not in ("country", "province"):
        return None
    shares = by_province.values() if scope.kind == "country" else [by_province.get(scope.code, {})]
    total: Counter[str] = Counter()
    for share in shares:
        total.update(share)
    return list(total.items())


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
    where = [of_run(latest[0], True, findings), scope.covers(findings)]
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
    items = _rows(rows)
    for item in items:  # an open row: still the latest whole run's
        item["last_run_id"] = item["last_run_id"] or latest[0]
    explain(conn, items)
    return {"run": latest[0], "as_of": latest[1], "total": total, "page": page, "items": items}


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
    overdue: bool = False  # past its due date and still active
    due_before: dt.date | None = None

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
            clauses.append(assignee_clause(tasks, self.assignee))
        if self.overdue:
            clauses.append(tasks.c.due_on < today())
            clauses.append(tasks.c.status.in_([str(s) for s in ACTIVE_STATUSES]))
        if self.due_before is not None:
            clauses.append(tasks.c.due_on < self.due_before)
        if self.q and self.q.strip():
            clauses.append(search_clause(tasks, self.q))
        return clauses


def search_clause(tasks: Any, q: str) -> Any:
    """Part of a name, a tax code or a union code, whatever its case and diacritics: "cao su
    tan sang" finds "Cao su Tân Sáng", "80608" a tax code containing it, "cdcs-80-00" a union."""
    text = q.strip()
    if not (folded := fold(text)):  # only separators ("_", "-"): nothing to look for in names
        return tasks.c.unit == text
    wanted = f"%{_escape_like(folded)}%"
    # folded when the task opened; folded here only for a task stored without it
    folded_now = func.vn_fold(tasks.c.unit + literal(" ") + func.coalesce(tasks.c.unit_name, ""))
    haystack = func.coalesce(tasks.c.search_key, folded_now)
    return or_(tasks.c.unit == text, haystack.like(wanted, escape="\\"))


def assignee_clause(tasks: Any, wanted: str) -> Any:
    """An assignee by its code or by its name, whatever the case and diacritics: the filter's
    type-ahead offers bodies by name ("Công đoàn Khu công nghiệp"), a script may send the code;
    a person is found by the name as it was typed. The whole name, not a part: "CDCT-80-001"
    must not find "CDCT-80-0010"."""
    unions = _t("unions")
    folded = fold(wanted)
    assigned = tasks.alias("assigned")  # only the bodies work is assigned to: few names to fold
    named = select(unions.c.code).where(
        unions.c.code.in_(select(assigned.c.assignee).distinct()),
        func.vn_fold(unions.c.name) == folded,
    )
    return or_(tasks.c.assignee == wanted, tasks.c.assignee.in_(named))


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
    rows = _rows(conn.execute(statement))
    return Page(with_body_names(conn, rows), total, page)


def union_names(conn: Connection, codes: Iterable[str | None]) -> dict[str, str]:
    """Union code → name, for the codes that are unions (an assignee may be a person)."""
    wanted = sorted({c for c in codes if c})
    unions = _t("unions")
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        statement = select(unions.c.code, unions.c.name).where(unions.c.code.in_(chunk))
        names.update((code, name) for code, name in conn.execute(statement) if name)
    return names


def with_body_names(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each task row with ``assignee_name`` and ``responsible_name``: the body's name where the
    code is a union's (people read "Công đoàn Khu công nghiệp", not "CDCT-80-007")."""
    names = union_names(conn, [r.get(k) for r in rows for k in ("assignee", "responsible_code")])
    for row in rows:
        row["assignee_name"] = names.get(row.get("assignee") or "", row.get("assignee"))
        row["responsible_name"] = names.get(row.get("responsible_code") or "")
    return rows


def choices(conn: Connection, scope: Scope) -> dict[str, list[Any]]:
    """Values the filter menus offer: only what exists inside the scope."""
    tasks = _t("follow_up_tasks")

    def distinct(column: Any) -> list[str]:
        statement = select(column).where(scope.covers(tasks), column.is_not(None)).distinct()
        return sorted(v for (v,) in conn.execute(statement).all())

    assignees = distinct(tasks.c.assignee)
    bodies = distinct(tasks.c.responsible_code)
    names = union_names(conn, [*assignees, *bodies])
    return {
        "rules": distinct(tasks.c.rule),
        "provinces": distinct(tasks.c.province_code),
        # (value, what the menu shows): bodies by name, people as typed; sorted as shown
        "assignees": sorted(((a, names.get(a, a)) for a in assignees), key=lambda p: p[1]),
        # the bodies work inside the scope goes to: whom a bulk change may assign it
        "bodies": sorted(((b, names.get(b, b)) for b in bodies), key=lambda p: p[1]),
    }


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
