"""The SQL behind each population and measure of the target catalogue.

One statement per (target, day): every unit of the population as a row ``(unit, unit_name,
group_code, num, den)`` — ``group_code`` is the unit's direct-superior union on the day
measured (from the effective-dated hierarchy), ``num``/``den`` what the unit adds to the
numerator and the denominator. The scorecard aggregates these rows in SQL and lists the
units that fall short, so a province of 60,000 enterprises never crosses into Python row by
row. Written in SQLAlchemy Core with nothing dialect-specific: SQLite and PostgreSQL run it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
)

from compliance.models import (
    Agreement,
    Complaint,
    Conference,
    Enterprise,
    Event,
    Inspection,
    Rating,
    Union,
)
from compliance.registry.hierarchy import superiors_on
from compliance.rules.target_format import Target
from compliance.vocabulary.subjects import enterprise_active, grassroots_of, union_active


def _t(model: Any) -> Any:
    return model.__table__


GOOD_GRADES = ("excellent", "good")  # "hoàn thành tốt nhiệm vụ" trở lên


@dataclass(frozen=True)
class Window:
    """What one figure is measured over: the state on ``day`` and events in [start, end]."""

    province: str | tuple[str, ...]  # one province, or several measured in one pass
    as_of: dt.date
    year: int
    day: dt.date  # stock measures: the state on this day
    start: dt.date  # periodic measures: the year's first day …
    end: dt.date  # … and its last day, or the day before the report when the year is open

    @classmethod
    def of(cls, province: str | tuple[str, ...], as_of: dt.date, year: int) -> Window:
        last = min(dt.date(year, 12, 31), as_of - dt.timedelta(days=1))
        return cls(province, as_of, year, min(dt.date(year, 12, 31), as_of), dt.date(year, 1, 1),
                   last)  # fmt: skip


@dataclass
class Frame:
    """The tables of one population and the columns a measure may read."""

    unit: ColumnElement[Any]
    name: ColumnElement[Any]
    group: ColumnElement[Any]
    source: FromClause
    where: list[ColumnElement[bool]]
    province: ColumnElement[Any]
    e: FromClause | None = None  # enterprises
    u: FromClause | None = None  # unions
    c: FromClause | None = None  # complaints
    g: Any = None  # the enterprise's grassroots union: code, members


def _in_province(column: ColumnElement[Any], w: Window) -> ColumnElement[bool]:
    return column == w.province if isinstance(w.province, str) else column.in_(w.province)


def _grassroots(days: tuple[dt.date, ...], w: Window) -> Any:
    """Per enterprise of the window's provinces, its grassroots union active on every one of
    ``days`` (code, members). Reached from those enterprises: SQLite otherwise groups the
    unions of the whole country for each statement (0.35 s a statement nationally, a dozen
    statements a run)."""
    u, e = _t(Union).alias("gu"), _t(Enterprise).alias("ge")
    return (
        select(
            e.c.tax_code.label("tax_code"),
            func.min(u.c.code).label("code"),
            func.sum(u.c.members).label("members"),
        )
        .select_from(e.join(u, u.c.enterprise_tax_code == e.c.tax_code))
        .where(_in_province(e.c.province_code, w), grassroots_of(u, e.c.tax_code))
        .where(*(union_active(u, d) for d in days))
        .group_by(e.c.tax_code)
        .subquery("g")
    )


def _enterprises(w: Window, target: Target, *, whole_year: bool, union: str) -> Frame:
    """``union``: "required" (inner join), "optional" (left join) the grassroots union."""
    e = _t(Enterprise).alias("e")
    days = (w.start, dt.date(w.year, 12, 31)) if whole_year else (w.day,)
    g = _grassroots(days, w)
    sup = superiors_on(days[-1]).subquery("s")
    source = e.join(g, g.c.tax_code == e.c.tax_code, isouter=union != "required")
    source = source.join(sup, sup.c.union_code == g.c.code, isouter=True)
    where = [_in_province(e.c.province_code, w), *(enterprise_active(e, d) for d in days)]
    if target.population and target.population.sectors:
        where.append(e.c.sector.in_(target.population.sectors))
    return Frame(e.c.tax_code, e.c.name, sup.c.superior_code, source, where, e.c.province_code,
                 e=e, g=g)  # fmt: skip


def _unions(
    w: Window, target: Target, *, days: tuple[dt.date, ...], kinds: tuple[str, ...]
) -> Frame:
    u = _t(Union).alias("u")
    sup = superiors_on(days[-1] if days else w.day).subquery("s")
    e = _t(Enterprise).alias("e")
    source = u.join(sup, sup.c.union_code == u.c.code, isouter=True).join(
        e, e.c.tax_code == u.c.enterprise_tax_code, isouter=True
    )
    population = target.population
    chosen = tuple(population.union_kinds) if population and population.union_kinds else kinds
    where = [_in_province(u.c.province_code, w), u.c.kind.in_(chosen)]
    where += [union_active(u, d) for d in days]
    if population and population.sectors:
        where.append(e.c.sector.in_(population.sectors))
    return Frame(u.c.code, u.c.name, sup.c.superior_code, source, where, u.c.province_code,
                 e=e, u=u)  # fmt: skip


def _complaints(w: Window, target: Target) -> Frame:
    c, u = _t(Complaint).alias("c"), _t(Union).alias("u")
    sup = superiors_on(w.end).subquery("s")
    source = c.join(u, u.c.code == c.c.union_code).join(
        sup, sup.c.union_code == u.c.code, isouter=True
    )
    group = case(
        (u.c.kind == "direct_superior_union", u.c.code),
        (u.c.kind.in_(("grassroots_union", "guild")), sup.c.superior_code),
        else_=null(),
    )
    name = func.coalesce(u.c.name, u.c.code)
    where = [_in_province(u.c.province_code, w), c.c.accepted_on >= w.start,
             c.c.accepted_on <= w.end]  # fmt: skip
    return Frame(c.c.id, name, group, source, where, u.c.province_code, c=c, u=u)


_GRASSROOTS = ("grassroots_union",)
_MEMBERS = ("grassroots_union", "guild")
_ANY = ("grassroots_union", "guild", "direct_superior_union", "provincial_federation")

POPULATIONS: dict[str, Callable[[Window, Target], Frame]] = {
    "enterprises_25_workers": lambda w, t: _with(
        _enterprises(w, t, whole_year=False, union="optional"),
        lambda f: f.e.c.workers >= 25,  # type: ignore[union-attr]
    ),
    "enterprises_with_union": lambda w, t: _enterprises(w, t, whole_year=False, union="required"),
    "enterprises_with_union_whole_year": lambda w, t: _enterprises(
        w, t, whole_year=True, union="required"
    ),
    "enterprises_whole_year": lambda w, t: _enterprises(w, t, whole_year=True, union="optional"),
    "enterprises_with_workers": lambda w, t: _with(
        _enterprises(w, t, whole_year=False, union="optional"),
        lambda f: f.e.c.workers > 0,  # type: ignore[union-attr]
    ),
    "member_unions": lambda w, t: _unions(w, t, days=(w.day,), kinds=_MEMBERS),
    "grassroots_unions_with_enterprise": lambda w, t: _with(
        _unions(w, t, days=(w.day,), kinds=_GRASSROOTS),
        lambda f: f.e.c.tax_code.is_not(None),  # type: ignore[union-attr]
    ),
    "unions_whole_year": lambda w, t: _unions(
        w, t, days=(w.start, dt.date(w.year, 12, 31)), kinds=_ANY
    ),
    "grassroots_unions_founded": lambda w, t: _with(
        _unions(w, t, days=(), kinds=_GRASSROOTS),
        lambda f: and_(f.u.c.founded_on >= w.start, f.u.c.founded_on <= w.end),  # type: ignore[union-attr]
    ),
    "complaints_accepted": _complaints,
}


def _with(frame: Frame, condition: Callable[[Frame], ColumnElement[bool]]) -> Frame:
    frame.where.append(condition(frame))
    return frame


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _conference(kind: str) -> Callable[[Frame, Window], tuple[Any, Any]]:
    def measure(f: Frame, w: Window) -> tuple[Any, Any]:
        k = _t(Conference).alias("k")
        held = exists().where(
            k.c.enterprise_tax_code == f.unit, k.c.kind == kind, k.c.date >= w.start,
            k.c.date <= w.end,
        )  # fmt: skip
        return _flag(held), literal(1)

    return measure


def _inspected(kind: str | None, *, by: str) -> Callable[[Frame, Window], tuple[Any, Any]]:
    """``by``: "self" (same-level), "superior" (anyone else), "federation" (the province's)."""

    def measure(f: Frame, w: Window) -> tuple[Any, Any]:
        i = _t(Inspection).alias("i")
        where = [i.c.target_code == f.unit, i.c.date >= w.start, i.c.date <= w.end]
        if kind:
            where.append(i.c.kind == kind)
        if by == "self":
            where.append(i.c.inspector_code == f.unit)
        elif by == "superior":
            where.append(i.c.inspector_code != f.unit)
        else:
            fed = _t(Union).alias("fed")
            federations = select(fed.c.code).where(fed.c.kind == "provincial_federation")
            where.append(i.c.inspector_code.in_(federations))
        done = exists().where(*where)
        if by == "superior" and kind in SUPERIOR_EVENT_KINDS:
            # the open events table carries it when the inspections table does not
            done = or_(done, _event_exists(f.unit, SUPERIOR_EVENT_KINDS[kind], w))
        return _flag(done), literal(1)

    return measure


# Acts the open ``events`` table names (registry-format.md, "Open tables") that targets measure.
SUPERIOR_EVENT_KINDS = {
    "finance": "finance_inspection_by_superior",
    "charter": "charter_supervision",
}


def _events(unit: ColumnElement[Any], kind: str, w: Window) -> Any:
    v = _t(Event).alias("v")
    return v, [v.c.unit_code == unit, v.c.kind == kind, v.c.date >= w.start, v.c.date <= w.end]


def _event_exists(unit: ColumnElement[Any], kind: str, w: Window) -> ColumnElement[bool]:
    _, where = _events(unit, kind, w)
    return exists().where(*where)


def _event_count(kind: str) -> Callable[[Frame, Window], tuple[Any, Any]]:
    """How many acts of ``kind`` the unit recorded in the year: a count to reach (housing)."""

    def measure(f: Frame, w: Window) -> tuple[Any, Any]:
        v, where = _events(f.unit, kind, w)
        return select(func.count()).select_from(v).where(*where).scalar_subquery(), literal(0)

    return measure


def _agreement(f: Frame, w: Window) -> tuple[Any, Any]:
    a = _t(Agreement).alias("a")
    in_force = exists().where(
        a.c.enterprise_tax_code == f.unit,
        or_(a.c.signed_on.is_(None), a.c.signed_on <= w.day),
        or_(a.c.expires_on.is_(None), a.c.expires_on >= w.day),
    )
    return _flag(in_force), literal(1)


def _rated(f: Frame, w: Window) -> tuple[Any, Any]:
    r = _t(Rating).alias("r")
    good = exists().where(r.c.union_code == f.unit, r.c.year == w.year, r.c.grade.in_(GOOD_GRADES))
    return _flag(good), literal(1)


def _organised(f: Frame, _w: Window) -> tuple[Any, Any]:
    workers, members = f.e.c.workers, func.coalesce(f.g.c.members, 0)  # type: ignore[union-attr]
    return case((members > workers, workers), else_=members), workers


def _resolved(f: Frame, w: Window) -> tuple[Any, Any]:
    resolved_on = f.c.c.resolved_on  # type: ignore[union-attr]
    return _flag(and_(resolved_on.is_not(None), resolved_on < w.as_of)), literal(1)


MEASURES: dict[str, Callable[[Frame, Window], tuple[Any, Any]]] = {
    "has_grassroots_union": lambda f, w: (_flag(f.g.c.code.is_not(None)), literal(1)),
    "agreement_in_force": _agreement,
    "workers_conference_held": _conference("workers_conference"),
    "dialogue_held": _conference("dialogue"),
    "organised_workers": _organised,
    "members": lambda f, w: (func.coalesce(f.u.c.members, 0), literal(0)),  # type: ignore[union-attr]
    "phantom_members": lambda f, w: (
        _flag(f.u.c.members > f.e.c.workers),  # type: ignore[union-attr]
        literal(1),
    ),
    "rated_good": _rated,
    "inspected_by_federation": _inspected(None, by="federation"),
    "same_level_finance_inspection": _inspected("finance", by="self"),
    "finance_inspected_by_superior": _inspected("finance", by="superior"),
    "charter_inspected_by_superior": _inspected("charter", by="superior"),
    "housing_handovers": _event_count("housing_handover"),
    "resolved": _resolved,
    "counted": lambda f, w: (literal(1), literal(1)),
}


def unit_rows(target: Target, window: Window) -> Select[Any]:
    """Every unit of the target's population: ``unit, unit_name, group_code, num, den,
    province`` (the window's province, or one of its provinces)."""
    assert target.population is not None and target.measure is not None  # checked at load
    frame = POPULATIONS[target.population.name](window, target)
    num, den = MEASURES[target.measure](frame, window)
    return (
        select(
            frame.unit.label("unit"),
            frame.name.label("unit_name"),
            frame.group.label("group_code"),
            num.label("num"),
            den.label("den"),
            frame.province.label("province"),
        )
        .select_from(frame.source)
        .where(and_(*frame.where))
    )
