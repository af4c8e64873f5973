"""The reports of one day for several scopes (the nation, each province), read in one pass.

A whole run writes the national report and one per province. Everything they show is read
once and split by province: the scorecards from the run's stored sums (or one set-based
measurement), findings by rule from one grouped query per run over the run's stored findings,
the overdue tasks from one query. Each scope's report equals what reading it alone gives.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from compliance.folding import fold
from compliance.followup.findings_store import of_run
from compliance.formatting import TASK_STATUS_VI
from compliance.models import Union
from compliance.models.followup import (
    ACTIVE_STATUSES,
    FollowUpTask,
    RecordedFinding,
    is_whole_run,
)
from compliance.registry.places import current_provinces
from compliance.reports.context import (
    FindingCount,
    OverdueTask,
    ReportData,
    document,
    latest_run,
)
from compliance.rules.loaded import LoadedRule, status_label
from compliance.targets.load import LoadedTarget
from compliance.targets.run_store import run_scorecards
from compliance.targets.scorecard import Scorecard, target_provinces

Counts = Counter[tuple[str, str, str]]  # (rule, province, status) → findings
LIVE_SOURCE = ("Chưa có lần rà soát nào được ghi đến ngày này: phát hiện được tính trực tiếp "
               "từ sổ đăng ký (không ghi vào cơ sở dữ liệu).")  # fmt: skip


def _t(model: Any) -> Any:
    return model.__table__


def _catalogue() -> dict[str, LoadedRule]:
    from compliance.engine.programme_rules import catalogue

    return {r.id: r for r in catalogue()}  # programme items by their text too


def run_counts(conn: Connection, run: Any) -> Counts:
    """Findings of ``run`` by rule, province and status: one grouped query."""
    f = _t(RecordedFinding)
    statement = (
        select(f.c.rule, f.c.province_code, f.c.status, func.count())
        .where(of_run(run.id, is_whole_run(run.scope), f))
        .group_by(f.c.rule, f.c.province_code, f.c.status)
    )
    counts: Counts = Counter()
    for rule, code, status, n in conn.execute(statement):
        counts[(rule, code or "", status)] += n
    return counts


def live_counts(
    conn: Connection, as_of: dt.date, known: dict[str, LoadedRule], province: str | None
) -> Counts:
    """No run recorded: the engine evaluates ``province`` (None: the country) on the spot,
    read-only, once for every scope."""
    from compliance.engine.evaluate import Selection, evaluate

    counts: Counts = Counter()
    selection = Selection.of(province=province)
    for finding in evaluate(conn, list(known.values()), as_of, selection):
        counts[(finding.rule, finding.province_code or "", finding.status)] += 1
    return counts


def finding_rows(
    counts: Counts, province: str | None, known: dict[str, LoadedRule]
) -> list[FindingCount]:
    names = current_provinces()
    return [
        FindingCount(
            rule,
            known[rule].rule.title if rule in known else rule,
            code,
            names.get(code, code or "—"),
            status_label(known, rule, status),
            n,
        )  # fmt: skip
        for (rule, code, status), n in sorted(counts.items())
        if province is None or code == province
    ]


def overdue_all(conn: Connection, as_of: dt.date) -> list[tuple[str | None, OverdueTask]]:
    """Open, in-progress and escalated tasks whose due day is before ``as_of``, longest overdue
    first, each with its province; only the columns shown are read."""
    t, u = _t(FollowUpTask), _t(Union).alias("body")
    columns = "id rule unit unit_name period_key due_on status responsible_code responsible_kind"
    columns += " escalation_level province_code"
    statement = (
        select(*(t.c[name] for name in columns.split()), u.c.name.label("body_name"))
        .select_from(t.outerjoin(u, u.c.code == t.c.responsible_code))
        .where(t.c.status.in_([str(s) for s in ACTIVE_STATUSES]), t.c.due_on < as_of)
        .order_by(t.c.due_on, t.c.id)
    )
    return [
        (
            row.province_code,
            OverdueTask(
                row.id,
                row.rule,
                row.unit,
                row.unit_name or row.unit,
                row.period_key or "—",
                row.due_on,
                (as_of - row.due_on).days,
                row.body_name or row.responsible_code or row.responsible_kind,
                TASK_STATUS_VI.get(row.status, row.status),
                row.escalation_level,
            ),
        )  # fmt: skip
        for row in conn.execute(statement)
    ]


def _source(run: Any) -> str:
    if run is None:
        return LIVE_SOURCE
    return f"Lần rà soát #{run.id} (ngày xét {run.as_of:%d/%m/%Y}), các phát hiện đã ghi."


def _key(run: Any) -> int | None:
    return None if run is None else int(run.id)


def _provinces(scope: str | None, targets: Sequence[LoadedTarget]) -> list[str]:
    return [scope] if scope else target_provinces(targets)


def build_reports(
    conn: Connection,
    as_of: dt.date,
    targets: Sequence[LoadedTarget],
    scopes: Sequence[str | None],
    number: str | None = None,
) -> list[ReportData]:
    """The report of each scope (``None``: the nation, every province with targets)."""
    known = _catalogue()
    runs = {scope: latest_run(conn, as_of, scope) for scope in scopes}
    alone = scopes[0] if len(set(scopes)) == 1 else None  # a live evaluation of it alone
    distinct = {_key(run): run for run in runs.values()}
    counts = {
        key: live_counts(conn, as_of, known, alone) if run is None else run_counts(conn, run)
        for key, run in distinct.items()
    }
    cards: dict[tuple[int | None, str], Scorecard] = {}
    for key, run in distinct.items():
        wanted = {p for s, r in runs.items() if _key(r) == key for p in _provinces(s, targets)}
        for card in run_scorecards(conn, as_of, targets, sorted(wanted), run):
            cards[(key, card.province)] = card
    overdue = overdue_all(conn, as_of)
    reports = []
    for scope in scopes:
        chosen = [cards[(_key(runs[scope]), p)] for p in _provinces(scope, targets)]
        # the national report opens with the provinces the registry has data for, by name;
        # those with targets but no units yet come last, each saying so
        chosen.sort(key=lambda card: (not card.has_data, fold(card.province_name)))
        run = runs[scope]
        tasks = [task for code, task in overdue if scope is None or code == scope]
        reports.append(
            ReportData(
                as_of,
                scope,
                document(conn, as_of, scope, number),
                chosen,
                finding_rows(counts[_key(run)], scope, known),
                _source(run),
                tasks,
                len(tasks),
            )  # fmt: skip
        )
    return reports


def build_report(
    conn: Connection,
    as_of: dt.date,
    targets: Sequence[LoadedTarget],
    province: str | None = None,
    number: str | None = None,
) -> ReportData:
    """The report of ``province`` (every province with targets when None) as of ``as_of``."""
    return build_reports(conn, as_of, targets, [province], number)[0]
