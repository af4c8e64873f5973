"""Where each programme item stands on a day: every occurrence owed by every body, with its
report, as the programme page and the sơ kết / tổng kết report show them.

Unlike the findings (the contract's judgement of the latest period), this is the whole history:
done on time (a ``done`` report dated on or before the due day), done late, missing (due before
the day, no ``done`` report by then), not yet due, and continuous items ("thường xuyên"), which
have no due day at all. Reports dated after the day do not exist yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from compliance.engine.programme_rules import ProgrammeRule, bodies_for
from compliance.engine.programmes import Report, owing, read_reports, same_body
from compliance.programmes.schedule import occurrences

DONE, LATE, MISSING, NOT_YET_DUE, CONTINUOUS = (
    "done",
    "late",
    "missing",
    "not_yet_due",
    "continuous",
)
STATUS_VI = {
    DONE: "hoàn thành đúng hạn",
    LATE: "hoàn thành chậm",
    MISSING: "quá hạn, chưa hoàn thành",
    NOT_YET_DUE: "chưa đến hạn",
    CONTINUOUS: "thực hiện thường xuyên",
}
_WORST = (MISSING, LATE, NOT_YET_DUE, DONE, CONTINUOUS)  # what a summary of several shows


@dataclass(frozen=True)
class Cell:
    """One occurrence of an item owed by one body."""

    rule: ProgrammeRule
    body: str
    period: str | None  # None: the item's single deadline (or a continuous item)
    due: dt.date | None
    status: str
    report: Report | None  # the body's report for the period, dated on or before the day

    @property
    def year(self) -> int | None:
        return self.due.year if self.due else None


def worst(statuses: Sequence[str]) -> str:
    return min(statuses, key=_WORST.index) if statuses else NOT_YET_DUE


def item_cells(
    rule: ProgrammeRule, reports: Sequence[Report], as_of: dt.date, lead: str | None = None
) -> list[Cell]:
    """Every occurrence of ``rule`` owed by each body (only ``lead`` when given)."""
    bodies = bodies_for(rule)
    filed = {(r.period, same_body(bodies, r.body)): r for r in reports if r.reported_on <= as_of}
    units = owing(bodies, rule.item.item.lead)
    if lead:
        units = [u for u in units if same_body(bodies, u) == same_body(bodies, lead)]
    schedule = occurrences(rule.programme, rule.item, up_to=as_of)
    cells: list[Cell] = []
    for unit in units:
        own = same_body(bodies, unit)
        if rule.item.schedule.continuous and not schedule:
            cells.append(Cell(rule, unit, None, None, CONTINUOUS, filed.get(("", own))))
        for o in schedule:
            report = filed.get((o.period or "", own))
            cells.append(Cell(rule, unit, o.period, o.due, _status(o.due, report, as_of), report))
    return cells


def _status(due: dt.date, report: Report | None, as_of: dt.date) -> str:
    if report is not None and report.status == "done":
        return DONE if report.reported_on <= due else LATE
    return MISSING if due < as_of else NOT_YET_DUE


def programme_cells(
    conn: Connection, rules: Sequence[ProgrammeRule], as_of: dt.date, lead: str | None = None
) -> list[Cell]:
    """The cells of every item of ``rules``, reports read once."""
    reports = read_reports(conn, {r.programme.programme.id for r in rules})
    return [
        cell
        for rule in rules
        for cell in item_cells(
            rule,
            reports.get((rule.programme.programme.id, rule.item.item.id), []),
            as_of,
            lead,
        )
    ]


def item_status(cells: Sequence[Cell]) -> str:
    """One item's standing for a review report: the worst of what was due by the day."""
    if cells and all(c.status == CONTINUOUS for c in cells):
        return CONTINUOUS
    due = [c.status for c in cells if c.status != NOT_YET_DUE]
    return worst(due) if due else NOT_YET_DUE
