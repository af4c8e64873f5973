"""Programme items judged as of a day (registry-format.md, "Programme items").

As of D, for each body that owes an item (its lead bodies; a class lead, each listed member):

* a one-off due date (an item's single deadline, or a review milestone) before D is a
  ``violation`` without a ``done`` report dated on or before D; one due within 30 days on or
  after D is ``at_risk`` without one;
* a yearly or quarterly item judges the most recent period that ended before D (``history``
  periods, newest first): a ``violation`` without a ``done`` report for that period dated on or
  before D;
* "thường xuyên" gives nothing.

A report dated after D does not exist yet for an evaluation as of D. Evaluation only reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, select

from compliance.engine.findings import Finding
from compliance.engine.programme_rules import ProgrammeRule, bodies_for
from compliance.models import ProgrammeReport
from compliance.programmes.bodies import BodyRegistry, key
from compliance.programmes.schedule import Occurrence, occurrences

AT_RISK_DAYS = 30


class Scope(Protocol):
    """What to judge (engine.evaluate.Selection): empty means everything."""

    rules: frozenset[str]
    units: frozenset[str]
    province: str | None


@dataclass(frozen=True)
class Report:
    period: str  # "" for an item's single deadline
    body: str
    reported_on: dt.date
    status: str
    evidence: str | None


@dataclass(frozen=True)
class Owed:
    """One occurrence owed by one body, judged as of a day."""

    period: str | None
    due: dt.date
    status: str  # violation | at_risk


def judged(
    occurrences_: Iterable[Occurrence],
    as_of: dt.date,
    history: int = 1,
    periods: Collection[str] = (),
) -> list[Owed]:
    """The occurrences D judges, with the status they get without a ``done`` report.

    ``periods``: recurring periods judged as well (the older periods of open tasks).
    """
    result: list[Owed] = []
    recurring: dict[bool, list[Occurrence]] = defaultdict(list)
    for o in occurrences_:
        if o.start is not None:
            recurring["Q" in (o.period or "")].append(o)
        elif o.due < as_of:
            result.append(Owed(o.period, o.due, "violation"))
        elif o.due <= as_of + dt.timedelta(days=AT_RISK_DAYS):
            result.append(Owed(o.period, o.due, "at_risk"))
    for group in recurring.values():
        ended = [o for o in group if o.due < as_of]
        chosen = ended[-history:] + [o for o in ended[:-history] if o.period in periods]
        result.extend(Owed(o.period, o.due, "violation") for o in chosen)
    return result


def read_reports(
    conn: Connection, programme_ids: Iterable[str]
) -> dict[tuple[str, str], list[Report]]:
    """Every stored report of these programmes, by (programme, item)."""
    t = ProgrammeReport.__table__  # type: ignore[attr-defined]
    found: dict[tuple[str, str], list[Report]] = defaultdict(list)
    wanted = sorted(set(programme_ids))
    if not wanted:
        return found
    rows = conn.execute(select(t).where(t.c.programme.in_(wanted)))
    for row in rows:
        found[(row.programme, row.item)].append(
            Report(row.period, row.body, row.reported_on, row.status, row.evidence)
        )
    return found


def same_body(bodies: BodyRegistry, name: str) -> str:
    """What two names of one body share: its registry code, else the name's matching form."""
    body = bodies.resolve(name)
    return body.code if body else key(name)


def evaluate_programmes(
    conn: Connection,
    rules: Sequence[ProgrammeRule],
    as_of: dt.date,
    scope: Scope,
    history: int = 1,
    periods: dict[tuple[str, str], set[str]] | None = None,
) -> list[Finding]:
    """Findings of the programme items in ``scope`` as of ``as_of``.

    ``periods``: for (rule, unit), recurring periods to judge besides the latest ones.
    """
    chosen = [r for r in rules if not scope.rules or r.id in scope.rules]
    reports = read_reports(conn, (r.programme.programme.id for r in chosen))
    findings: list[Finding] = []
    for rule in chosen:
        bodies = bodies_for(rule)
        item = rule.item
        schedule = occurrences(rule.programme, item, up_to=as_of)
        filed: dict[tuple[str, str], Report] = {}
        for report in reports.get((rule.programme.programme.id, item.item.id), ()):
            if report.reported_on <= as_of:
                filed[(report.period, same_body(bodies, report.body))] = report
        for unit in owing(bodies, item.item.lead):
            body = bodies.resolve(unit)
            if scope.units and not {unit, body.code if body else None} & scope.units:
                continue
            province = body.province_code if body else None
            if scope.province and province != scope.province:
                continue
            extra = (periods or {}).get((rule.id, unit), set())
            for owed in judged(schedule, as_of, history, extra):
                report = filed.get((owed.period or "", same_body(bodies, unit)))
                if report is not None and report.status == "done":
                    continue
                facts = _facts(owed.due, report, rule)
                findings.append(
                    Finding(
                        rule.id,
                        unit,
                        owed.period,
                        owed.status,
                        rule.version,
                        body.name if body else unit,
                        province,
                        as_of,
                        facts,
                        {},
                        None,
                        rule,
                    )
                )
    return sorted(findings, key=lambda f: (f.rule, f.unit, f.period or ""))


def owing(bodies: BodyRegistry, leads: Iterable[str]) -> list[str]:
    """Who owes an item: each lead as written, a class lead as each of its listed members."""
    return list(dict.fromkeys(name for lead in leads for name in bodies.owing(lead)))


def facts_now(
    conn: Connection, rule: ProgrammeRule, unit: str, period: str, as_of: dt.date
) -> dict[str, Any]:
    """The facts of one occurrence owed by ``unit`` as of ``as_of``, whatever its status (what
    a resolved task says changed). ``period`` is "" for an item's single deadline."""
    bodies = bodies_for(rule)
    wanted = same_body(bodies, unit)
    programme_id, item_id = rule.programme.programme.id, rule.item.item.id
    report = next(
        (
            r
            for r in read_reports(conn, [programme_id]).get((programme_id, item_id), ())
            if r.period == period and r.reported_on <= as_of and same_body(bodies, r.body) == wanted
        ),
        None,
    )
    due = next(
        (
            o.due
            for o in occurrences(rule.programme, rule.item, up_to=as_of)
            if (o.period or "") == period
        ),
        None,
    )
    return _facts(due, report, rule)


def _facts(due: dt.date | None, report: Report | None, rule: ProgrammeRule) -> dict[str, Any]:
    return {
        "due": due,
        "done_on": report.reported_on if report and report.status == "done" else None,
        "report_status": report.status if report else None,
        "reported_on": report.reported_on if report else None,
        "evidence": report.evidence if report else None,
        "issuer": rule.issuer,
    }
