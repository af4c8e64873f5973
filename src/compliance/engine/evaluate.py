"""``evaluate(rules, as_of, scope)``: findings for every unit in scope, by one of three methods.

* ``sql`` (bulk, the default): one statement per rule and period; facts and the condition are
  pushed down to the database, so a province or the whole country is one set-based query.
* ``durable``: the facts of each unit are read with the same SQL, and the condition is judged by
  durable-rules in a separate worker process (``compliance.engine.durable``) — the path of
  single-unit ad-hoc checks, never run inside the web server.
* ``python``: the same facts, judged by the reference semantics of
  ``compliance.vocabulary.conditions.holds``; the differential tests hold all three equal.

Evaluation only reads: it never writes to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlalchemy import Connection, and_, literal, or_, select, true
from sqlalchemy.sql import Select

from compliance.engine.durable import judge_durable
from compliance.engine.findings import Finding
from compliance.engine.plan import Plan
from compliance.engine.programme_rules import ProgrammeRule
from compliance.engine.programmes import evaluate_programmes
from compliance.memory import gc_paused
from compliance.rules.loaded import LoadedRule
from compliance.rules.templates import attribute_uses
from compliance.vocabulary import conditions
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import Period, PeriodKind, judged_periods
from compliance.vocabulary.subjects import Context

Method = Literal["sql", "durable", "python"]


@dataclass(frozen=True)
class Partition:
    """A share of the country for parallel evaluation: the units of these provinces or, with
    ``rest``, every unit whose province is none of them (no province included) — so a set of
    partitions with one ``rest`` covers every unit exactly once, whatever the data holds."""

    provinces: frozenset[str] = frozenset()
    rest: bool = False

    def clause(self, province: Any) -> Any:
        codes = sorted(self.provinces)
        if not self.rest:
            return province.in_(codes)
        return or_(province.is_(None), province.not_in(codes)) if codes else true()


@dataclass(frozen=True)
class Selection:
    """What to evaluate: empty means everything."""

    rules: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    province: str | None = None
    partition: Partition | None = None  # set by partitioned runs only (engine/partition.py)

    @classmethod
    def of(
        cls,
        rules: Iterable[str] = (),
        units: Iterable[str] = (),
        province: str | None = None,
    ) -> Selection:
        return cls(frozenset(rules), frozenset(units), province)


def _template_facts(loaded: LoadedRule) -> frozenset[str]:
    """Facts the rule's texts show: selected with the condition's own, so nothing is re-read."""
    rule = loaded.rule
    sources = (rule.explanation, rule.follow_up.title, rule.follow_up.body)
    return _facts_named_in(sources + (("{{ " + rule.due + " }}",) if rule.due else ()))


@cache
def _facts_named_in(sources: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        attr for source in sources for base, attr in attribute_uses(source)[1] if base == "facts"
    )


def plans(
    rules: Sequence[LoadedRule],
    as_of: dt.date,
    scope: Selection,
    history: int = 1,
    overrides: dict[str, dict[str, Any]] | None = None,
    period: Period | None = None,
) -> list[Plan]:
    """``period``, when given, replaces the judged period of every periodic rule."""
    result = []
    for loaded in rules:
        rule = loaded.rule
        if isinstance(loaded, ProgrammeRule):
            continue  # judged by engine.programmes, not by a statement over a subject
        if scope.rules and rule.id not in scope.rules or not rule.in_force(as_of):
            continue
        subject = SUBJECTS[rule.applies_to.subject]
        params = rule.parameter_values((overrides or {}).get(rule.id))
        periods: list[Period | None]
        if rule.period is PeriodKind.NONE:
            periods = [None]
        elif period is not None:
            periods = [period]
        else:
            periods = list(judged_periods(rule.period, as_of, history))
        leaves = conditions.walk(loaded.violation) + (
            conditions.walk(loaded.at_risk) if loaded.at_risk else []
        )
        names = list(
            dict.fromkeys([leaf.fact for leaf in leaves] + sorted(_template_facts(loaded)))
        )
        if subject.has_kind and "kind" not in names:
            names.append("kind")
        for judged in periods:
            context = Context(as_of, judged, params)
            result.append(
                Plan(
                    loaded,
                    subject,
                    context,
                    params,
                    names,
                    conditions.bind(loaded.violation, params, context),
                    conditions.bind(loaded.at_risk, params, context) if loaded.at_risk else None,
                )
            )
    return result


def _statement(plan: Plan, scope: Selection, with_condition: bool) -> Select[Any]:
    subject, context = plan.subject, plan.context
    refs = subject.refs()
    rule = plan.loaded.rule
    known = plan.loaded.facts  # the subject's and the rule's own (facts:)
    expressions = {name: known[name].expression(refs, context) for name in plan.fact_names}
    period = (
        refs.row.c[subject.row_period]
        if subject.row_period
        else literal(context.period.label if context.period else None)
    )
    columns = [
        subject.code(refs).label("_unit"),
        subject.display_name(refs).label("_unit_name"),
        subject.province(refs).label("_province_code"),
        period.label("_period"),
    ]
    where = [subject.active(refs, rule.applies_to.active, context)]
    if rule.applies_to.union_kinds:
        where.append(refs.row.c.kind.in_(list(rule.applies_to.union_kinds)))
    if scope.units:
        where.append(subject.code(refs).in_(sorted(scope.units)))
    if scope.province:
        where.append(subject.province(refs) == scope.province)
    if scope.partition is not None:
        where.append(scope.partition.clause(subject.province(refs)))
    if with_condition:
        if plan.at_risk is None:
            where.append(conditions.to_sql(plan.violation, expressions, known))
        else:
            # Which of the two holds is decided in Python from the selected facts: a CASE here
            # would run every fact subquery of a selected row once more.
            either = conditions.either(plan.violation, plan.at_risk)
            where.append(conditions.to_sql(either, expressions, known))
    statement = select(*columns, *expressions.values()).select_from(subject.from_clause(refs))
    return statement.where(and_(true(), *where))  # sorted in Python: no index-order scan


_META = 4  # _unit, _unit_name, _province_code, _period; the facts follow, in plan order


def _finding(plan: Plan, row: Any, status: str) -> Finding:
    """Built by position: a national run builds hundreds of thousands of these."""
    return Finding(
        plan.loaded.id,
        row[0],
        row[3],
        status,
        plan.loaded.version,
        row[1],
        row[2],
        plan.context.as_of,
        dict(zip(plan.fact_names, row[_META:], strict=True)),
        plan.params,
        plan.context.period,
        plan.loaded,
    )


def unit_facts(conn: Connection, plan: Plan, scope: Selection) -> list[Any]:
    """Every unit the plan's rule applies to, with its facts, whatever its status."""
    return list(conn.execute(_statement(plan, scope, with_condition=False)))


def evaluate(
    conn: Connection,
    rules: Sequence[LoadedRule],
    as_of: dt.date,
    scope: Selection | None = None,
    *,
    method: Method = "sql",
    history: int = 1,
    overrides: dict[str, dict[str, Any]] | None = None,
    period: Period | None = None,
) -> list[Finding]:
    """Findings (violations and at-risk units) in scope as of ``as_of``, sorted by key."""
    with gc_paused():
        return _evaluate(
            conn, rules, as_of, scope or Selection(), method, history, overrides, period
        )


def _evaluate(
    conn: Connection,
    rules: Sequence[LoadedRule],
    as_of: dt.date,
    scope: Selection,
    method: Method,
    history: int,
    overrides: dict[str, dict[str, Any]] | None,
    period: Period | None,
) -> list[Finding]:
    findings: list[Finding] = []
    work = plans(rules, as_of, scope, history, overrides, period)
    if method == "sql":
        for plan in work:
            rows = conn.execute(_statement(plan, scope, with_condition=True))
            if plan.at_risk is None:
                findings.extend(_finding(plan, row, "violation") for row in rows)
                continue
            for row in rows:
                facts = dict(zip(plan.fact_names, row[_META:], strict=True))
                findings.append(_finding(plan, row, judge_python(plan, facts) or "violation"))
    elif method == "python":
        for plan in work:
            for row in unit_facts(conn, plan, scope):
                status = judge_python(plan, dict(zip(plan.fact_names, row[_META:], strict=True)))
                if status:
                    findings.append(_finding(plan, row, status))
    else:
        for plan in work:
            rows = unit_facts(conn, plan, scope)
            statuses = judge_durable(
                plan, [{n: r._mapping[n] for n in plan.fact_names} for r in rows]
            )
            findings.extend(
                _finding(plan, row, s) for row, s in zip(rows, statuses, strict=True) if s
            )
    items = [r for r in rules if isinstance(r, ProgrammeRule)]
    # Once per evaluation: a partitioned run gives them to the share of the rest (no province).
    if items and period is None and (scope.partition is None or scope.partition.rest):
        findings.extend(evaluate_programmes(conn, items, as_of, scope, history))
    return sorted(findings, key=lambda f: (f.rule, f.unit, f.period or ""))


def judge_python(plan: Plan, facts: Any) -> str | None:
    if conditions.holds(plan.violation, facts):
        return "violation"
    if plan.at_risk is not None and conditions.holds(plan.at_risk, facts):
        return "at_risk"
    return None
