"""The programme page's data, and a progress report filed by the lead body through the UI.

The page is a grid: one row per item, one column per year, and in each cell the item's
occurrences due that year, coloured by where they stand (engine.programme_status). A report
filed here is a ``programme_reports`` row like an imported one (same key, same upsert), written
with its audit entry in one transaction, like a decision on a task.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from compliance import chain
from compliance.accounts import Account
from compliance.engine.programme_rules import ProgrammeRule, bodies_for
from compliance.engine.programme_status import (
    CONTINUOUS,
    Cell,
    programme_cells,
    worst,
)
from compliance.engine.programmes import owing, same_body
from compliance.exceptions import CodedError
from compliance.models import ProgrammeReport
from compliance.models.accounts import AuditEntry, Role
from compliance.registry.cells import parse_programme_period
from compliance.registry.contract import REPORT_STATUSES

FILERS = (Role.ADMIN, Role.OPERATOR, Role.INSPECTOR)
ACTION = "progress_reported"


class ProgrammeError(CodedError):
    """A report that cannot be filed (``programme.*``); nothing was written."""

    code = "programme.refused"  # every instance carries its own code


class ProgrammeNotFound(ProgrammeError):
    http_status = 404

    def __init__(self, name: str, hint: str = "") -> None:
        super().__init__("programme.not_found", name=name, hint=hint)


@dataclass
class Badge:
    """One occurrence in a grid cell: several bodies' statuses summed up as the worst."""

    label: str
    status: str
    period: str | None
    due: dt.date | None
    bodies: list[tuple[str, str]] = field(default_factory=list)  # (body, status)

    @property
    def label_full(self) -> str:
        """The occurrence as the report form offers it: "Năm 2024", "Quý 3/2024", a date."""
        if self.period is None:
            return f"Hạn {self.due:%d/%m/%Y}" if self.due else "Thường xuyên"
        if len(self.period) == 10 and self.due:
            return f"Mốc {self.due:%d/%m/%Y}"
        if "-Q" in self.period:
            year, quarter = self.period.split("-Q")
            return f"Quý {quarter}/{year}"
        return f"Năm {self.period}"


@dataclass
class Row:
    rule: ProgrammeRule
    cells: dict[int | None, list[Badge]]  # year (None: continuous) → badges

    @property
    def status(self) -> str:
        return worst([b.status for badges in self.cells.values() for b in badges])


@dataclass
class Grid:
    programme: Any
    rows: list[Row]
    years: list[int]
    leads: list[str]  # every body owing an item, for the filter
    lead: str | None


def by_programme(rules: Sequence[Any]) -> dict[str, list[ProgrammeRule]]:
    found: dict[str, list[ProgrammeRule]] = defaultdict(list)
    for rule in rules:
        if isinstance(rule, ProgrammeRule):
            found[rule.programme.programme.id].append(rule)
    return dict(found)


def _label(cell: Cell) -> str:
    if cell.period is None:
        return "Hạn" if cell.due else "Thường xuyên"
    if len(cell.period) == 10:  # a milestone's date
        return f"Mốc {cell.due:%d/%m}" if cell.due else cell.period
    return cell.period.replace("-Q", " Q").split(" ")[-1] if "Q" in cell.period else "Năm"


def grid(engine: Engine, rules: Sequence[ProgrammeRule], as_of: dt.date, lead: str | None) -> Grid:
    with engine.connect() as conn:
        cells = programme_cells(conn, rules, as_of, lead or None)
    by_rule: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_rule[cell.rule.id].append(cell)
    rows = []
    for rule in rules:
        badges: dict[tuple[int | None, str | None], Badge] = {}
        for cell in by_rule.get(rule.id, []):
            key = (cell.year, cell.period or (cell.due.isoformat() if cell.due else None))
            badge = badges.setdefault(key, Badge(_label(cell), cell.status, cell.period, cell.due))
            badge.bodies.append((cell.body, cell.status))
            badge.status = worst([badge.status, cell.status])
        columns: dict[int | None, list[Badge]] = defaultdict(list)
        for (year, _), badge in sorted(badges.items(), key=_order):
            columns[year].append(badge)
        rows.append(Row(rule, dict(columns)))
    years = sorted({c.year for c in cells if c.year is not None})
    leads = sorted({u for r in rules for u in owing(bodies_for(r), r.item.item.lead)})
    return Grid(rules[0].programme.programme if rules else None, rows, years, leads, lead)


def _order(entry: tuple[tuple[int | None, str | None], Badge]) -> tuple[int, str]:
    (year, period), _ = entry
    return (year or 0, period or "")


def history(engine: Engine, rule: ProgrammeRule) -> list[Any]:
    """Every report of the item, newest first, evidence included."""
    t = ProgrammeReport.__table__  # type: ignore[attr-defined]
    statement = (
        select(t)
        .where(t.c.programme == rule.programme.programme.id, t.c.item == rule.item.item.id)
        .order_by(t.c.reported_on.desc(), t.c.body, t.c.period)
    )
    with engine.connect() as conn:
        return list(conn.execute(statement))


def may_file(account: Account, rule: ProgrammeRule, body: str) -> bool:
    """An account files for a lead body inside its scope: the country, the body's own code or
    union, or its province."""
    if account.role not in FILERS:
        return False
    if account.scope_code is None:
        return True
    found = bodies_for(rule).resolve(body)
    if found is None:
        return account.scope_code == body
    return account.scope_code in {found.code, found.union_code, found.province_code}


def file_report(
    engine: Engine,
    account: Account,
    rule: ProgrammeRule,
    *,
    body: str,
    period: str,
    status: str,
    reported_on: dt.date | None,
    evidence: str | None,
    note: str | None,
) -> None:
    """Write the report (replacing the body's earlier one for the period) and its audit entry."""
    bodies = bodies_for(rule)
    leads = owing(bodies, rule.item.item.lead)
    if same_body(bodies, body) not in {same_body(bodies, u) for u in leads}:
        raise ProgrammeError("programme.not_a_lead", body=body, leads=", ".join(leads))
    if not may_file(account, rule, body):
        raise ProgrammeError("programme.outside_scope", body=body)
    if status not in REPORT_STATUSES:
        raise ProgrammeError("programme.unknown_status", status=status)
    if reported_on is None:
        raise ProgrammeError("programme.date_required")
    try:
        period = parse_programme_period(period or None)
    except ValueError:
        raise ProgrammeError("programme.bad_period", period=period) from None
    t = ProgrammeReport.__table__  # type: ignore[attr-defined]
    key = {
        "programme": rule.programme.programme.id,
        "item": rule.item.item.id,
        "period": period,
        "body": body,
    }
    values = {"reported_on": reported_on, "status": status, "evidence": evidence, "note": note}
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        where = [t.c[name] == value for name, value in key.items()]
        before = conn.execute(select(t).where(*where)).first()
        if before is None:
            conn.execute(t.insert().values(**key, **values))
        else:
            conn.execute(t.update().where(*where).values(**values))
        chain.append(
            conn,
            AuditEntry.__table__,  # type: ignore[attr-defined]
            [
                {
                    "at": now,
                    "actor": account.name,
                    "action": ACTION,
                    "rule": rule.id,
                    "unit": body,
                    "before": _plain(before._mapping) if before is not None else {},
                    "after": _plain({**key, **values}),
                    "note": note,
                }
            ],
        )


def _plain(row: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in dict(row).items()}


def is_continuous(row: Row) -> bool:
    return row.status == CONTINUOUS
