"""The flagged list by unit: one row per unit with its findings, sortable, one page at a time.

A co-operative with seven open tasks is one unit for a committee to visit, so the list counts
units, not tasks; the filters are the task filters (a unit is listed when one of its tasks
matches, and its row shows only the matching tasks), so the page, the API and the export read
exactly the same selection in the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Select, case, func, nulls_last, or_, select

from compliance.models.followup import ACTIVE_STATUSES, TaskStatus
from compliance.review.queries import PAGE_SIZE, SEVERITY_ORDER, Filters, Page, _t
from compliance.review.scope import Scope
from compliance.settings import today

SortKey = Literal["unit", "rules", "status", "tasks", "severity", "due", "superior", "province"]
SORT_KEYS: tuple[str, ...] = SortKey.__args__  # type: ignore[attr-defined]
Direction = Literal["asc", "desc"]
# The most urgent first: an escalated task before a new one, a closed one last.
STATUS_ORDER = {
    TaskStatus.ESCALATED: 0,
    TaskStatus.OPEN: 1,
    TaskStatus.IN_PROGRESS: 2,
    TaskStatus.WAIVED: 3,
    TaskStatus.DISMISSED: 4,
    TaskStatus.RESOLVED: 5,
}


@dataclass(frozen=True)
class Sort:
    key: SortKey | None = None  # None: the worst severity first, then the nearest due date
    direction: Direction = "asc"

    def flipped(self, key: str) -> Direction:
        """The direction a column's heading link asks for: the other one when sorted by it."""
        return "desc" if self.key == key and self.direction == "asc" else "asc"


@dataclass
class UnitRow:
    """One unit: its own facts and a summary of its matching tasks."""

    unit: str
    unit_name: str | None
    province_code: str | None
    tasks: int
    first_due: Any
    severity: str | None
    superior_code: str | None
    superior_name: str | None = None
    rules: Counter[str] = field(default_factory=Counter)  # rule id → tasks
    statuses: Counter[str] = field(default_factory=Counter)  # task status → tasks
    overdue: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "province_code": self.province_code,
            "tasks": self.tasks,
            "first_due": self.first_due,
            "severity": self.severity,
            "superior_code": self.superior_code,
            "superior_name": self.superior_name,
            "rules": dict(self.rules),
            "statuses": dict(self.statuses),
            "overdue": self.overdue,
        }


def _rank(column: Any, order: dict[Any, int]) -> Any:
    return case(*((column == str(k), v) for k, v in order.items()), else_=len(order))


def _order(units: Any, sort: Sort, superior_name: Any = None) -> list[Any]:
    """The list's order on ``units`` (the grouped tasks): the worst severity, then the nearest
    due date, unless a column was chosen; the unit breaks ties so pages never overlap."""
    columns = {
        "unit": lambda: func.vn_fold(func.coalesce(units.c.unit_name, units.c.unit)),
        "rules": lambda: units.c.rule_count,
        "status": lambda: units.c.status_rank,
        "tasks": lambda: units.c.tasks,
        "severity": lambda: units.c.severity_rank,
        "due": lambda: units.c.first_due,
        "superior": lambda: func.vn_fold(func.coalesce(superior_name, units.c.superior_code)),
        "province": lambda: units.c.province_code,
    }
    if sort.key is None:
        order = [units.c.severity_rank, nulls_last(units.c.first_due.asc())]
    else:
        column = columns[sort.key]()
        order = [nulls_last(column.desc() if sort.direction == "desc" else column.asc())]
    return [*order, units.c.unit]


def _statement(
    scope: Scope, filters: Filters, sort: Sort, limit: int | None = None, offset: int = 0
) -> Select[Any]:
    """The units in the list's order (``limit`` of them from ``offset``). Which body is each
    unit's superior takes four lookups, so unless the list is sorted by it, a page is cut first
    and only its rows are looked up: a page costs the same in a province and in the country."""
    tasks, unions = _t("follow_up_tasks"), _t("unions")
    severity = func.min(_rank(tasks.c.severity, SEVERITY_ORDER))
    dsu = case((tasks.c.responsible_kind == "direct_superior_union", tasks.c.responsible_code))
    # sorting columns only when sorted by them (a distinct count is a sort of its own)
    extra = {
        "rules": func.count(tasks.c.rule.distinct()).label("rule_count"),
        "status": func.min(_rank(tasks.c.status, STATUS_ORDER)).label("status_rank"),
    }
    grouped = (
        select(
            tasks.c.unit,
            func.max(tasks.c.unit_name).label("unit_name"),
            func.max(tasks.c.province_code).label("province_code"),
            func.count().label("tasks"),
            func.min(tasks.c.due_on).label("first_due"),
            severity.label("severity_rank"),
            func.max(dsu).label("dsu"),
            func.max(tasks.c.responsible_code).label("responsible"),
            *([extra[sort.key]] if sort.key in extra else []),
        )
        .where(scope.covers(tasks), *filters.clauses(tasks))
        .group_by(tasks.c.unit)
        .subquery("grouped")
    )
    by_superior = sort.key == "superior"
    total = func.count().over().label("total")  # units listed in all, counted before the cut
    if not by_superior:
        grouped = (
            select(grouped, total).order_by(*_order(grouped, sort)).limit(limit).offset(offset)
        ).subquery("page")
    # The body a task names as the direct superior; else the registry's superior of the unit
    # (a union), of its grassroots union (an enterprise) or of the union handling it (a
    # complaint, a chair election); else the body its tasks go to (no union to be above).
    handled_by = [
        select(t.c.union_code).where(t.c.id == grouped.c.unit).correlate(grouped).scalar_subquery()
        for t in (_t("complaints"), _t("chair_elections"))
    ]
    registry_superior = (
        select(unions.c.superior_code)
        .where(
            or_(
                unions.c.code == grouped.c.unit,
                unions.c.enterprise_tax_code == grouped.c.unit,
                *(unions.c.code == union for union in handled_by),
            )
        )
        .order_by(unions.c.code)
        .limit(1)
        .scalar_subquery()
    )
    superior = func.coalesce(grouped.c.dsu, registry_superior, grouped.c.responsible)
    with_superior = select(grouped, superior.label("superior_code")).subquery("units")
    boss = unions.alias("superior")
    statement = (
        select(with_superior, boss.c.name.label("superior_name"), *([total] if by_superior else []))
        .outerjoin(boss, boss.c.code == with_superior.c.superior_code)
        .order_by(*_order(with_superior, sort, boss.c.name))
    )
    return statement.limit(limit).offset(offset) if by_superior else statement


def _row(record: Any) -> UnitRow:
    severities = list(SEVERITY_ORDER)
    rank = record.severity_rank
    return UnitRow(
        unit=record.unit,
        unit_name=record.unit_name,
        province_code=record.province_code,
        tasks=record.tasks,
        first_due=record.first_due,
        severity=severities[rank] if rank is not None and rank < len(severities) else None,
        superior_code=record.superior_code,
        superior_name=record.superior_name,
    )


def _fill(conn: Connection, scope: Scope, filters: Filters, rows: list[UnitRow]) -> None:
    """Each row's findings: which rules, which statuses, how many overdue (matching tasks)."""
    if not rows:
        return
    tasks = _t("follow_up_tasks")
    by_unit = {r.unit: r for r in rows}
    active = {str(s) for s in ACTIVE_STATUSES}
    units = list(by_unit)
    for start in range(0, len(units), 900):
        statement = select(tasks.c.unit, tasks.c.rule, tasks.c.status, tasks.c.due_on).where(
            tasks.c.unit.in_(units[start : start + 900]),
            scope.covers(tasks),
            *filters.clauses(tasks),
        )
        for unit, rule, status, due_on in conn.execute(statement):
            row = by_unit[unit]
            row.rules[rule] += 1
            row.statuses[status] += 1
            if due_on is not None and due_on < today() and status in active:
                row.overdue += 1


def units_page(conn: Connection, scope: Scope, filters: Filters, sort: Sort, page: int = 1) -> Page:
    """One page of units (``Page.rows`` holds :class:`UnitRow`), ``total`` counting units."""
    page = max(1, page)
    statement = _statement(scope, filters, sort, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    records = conn.execute(statement).all()
    if records:  # the total came with the page (one pass over the tasks, not two)
        total = records[0].total
    else:  # past the last page, or nothing: counted
        tasks = _t("follow_up_tasks")
        total = conn.execute(
            select(func.count(tasks.c.unit.distinct())).where(
                scope.covers(tasks), *filters.clauses(tasks)
            )
        ).scalar_one()
    rows = [_row(r) for r in records]
    _fill(conn, scope, filters, rows)
    return Page(rows, total, page)  # type: ignore[arg-type]


def all_units(conn: Connection, scope: Scope, filters: Filters, sort: Sort) -> Iterator[UnitRow]:
    """Every unit the filters select, in the list's order: what an export holds."""
    rows = [_row(r) for r in conn.execute(_statement(scope, filters, sort))]
    for start in range(0, len(rows), 900):
        chunk = rows[start : start + 900]
        _fill(conn, scope, filters, chunk)
        yield from chunk


def status_summary(statuses: Iterable[tuple[str, int]], labels: dict[Any, str]) -> str:
    """ "mới: 3; đang xử lý: 1", the most urgent status first."""
    ordered = sorted(statuses, key=lambda item: STATUS_ORDER.get(item[0], 9))  # type: ignore[call-overload]
    return "; ".join(f"{labels.get(s, s)}: {n}" for s, n in ordered)
