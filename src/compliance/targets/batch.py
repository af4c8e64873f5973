"""The set-based scorecard: every province's targets from one grouped pass per measurement.

Targets that measure the same thing (population, sectors, union kinds, measure, waiver rule)
share one statement per year, whatever province or deadline they belong to: the collective
agreements of Tây Ninh for 2025, 2030 and 2045 and those of Đắk Lắk are one pass grouped by
province and direct-superior union, instead of one pass per target and province. The units
that fall short come from one ranked statement per measurement and judged year (the first
``limit`` per province, and how many in all). The sums equal
:func:`compliance.targets.scorecard.measure_one`'s, target by target (tests/targets checks it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, select

from compliance.models import Union
from compliance.registry.places import current_provinces
from compliance.rules.target_format import Target
from compliance.targets.load import LoadedTarget
from compliance.targets.measures import Window
from compliance.targets.scorecard import (
    DRILLDOWN_LIMIT,
    Measured,
    Scorecard,
    Shortfall,
    _counted,
    _group_names,
    _years,
    history_start,
    judged_year,
    score_row,
    summed,
)

Key = tuple[Any, ...]


def measurement(target: Target) -> Key:
    """What a target's sums depend on besides the province and the year."""
    p = target.population
    assert p is not None
    return (p.name, tuple(p.sectors), tuple(p.union_kinds), target.measure, target.waiver_rule)


def _shortfall_kind(target: Target) -> str | None:
    if target.measure == "members":  # a total to reach: no unit falls short of it
        return None
    return "floor" if target.comparison in (">=", ">") else "ceiling"


def _sums(
    conn: Connection, target: Target, window: Window
) -> dict[tuple[str, str | None], tuple[float, float, int]]:
    """``(province, group) → (num, den, excluded)`` for the window's provinces."""
    statement = summed(target, window, "province", "group_code")
    return {
        (province, group): (float(num), float(den), int(excluded))
        for province, group, num, den, excluded in conn.execute(statement)
    }


def _shortfalls(
    conn: Connection, target: Target, window: Window, limit: int
) -> dict[str, tuple[list[Shortfall], int]]:
    """Per province: its first ``limit`` units that fall short, largest gap first, and how many
    there are — one ranked statement for every province of the window."""
    source, waived = _counted(target, window)
    rows = source.left if target.waiver_rule else source  # type: ignore[attr-defined]
    short = rows.c.num < rows.c.den if _shortfall_kind(target) == "floor" else rows.c.num > 0
    ranked = (
        select(
            rows.c.province,
            rows.c.unit,
            rows.c.unit_name,
            rows.c.group_code,
            rows.c.num,
            rows.c.den,
            func.row_number()
            .over(
                partition_by=rows.c.province,
                order_by=((rows.c.den - rows.c.num).desc(), rows.c.unit),
            )
            .label("rank"),
            func.count().over(partition_by=rows.c.province).label("total"),
        )  # fmt: skip
        .select_from(source)
        .where(and_(waived == 0, short))
        .subquery("ranked")
    )
    superior = Union.__table__.alias("sup")  # type: ignore[attr-defined]
    statement = (
        select(ranked, superior.c.name)
        .select_from(ranked.outerjoin(superior, superior.c.code == ranked.c.group_code))
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.province, ranked.c.rank)
    )
    found: dict[str, tuple[list[Shortfall], int]] = {}
    for row in conn.execute(statement):
        units, _ = found.setdefault(row.province, ([], int(row.total)))
        group = row.group_code
        name = row.name or (group or "—")
        units.append(
            Shortfall(
                row.unit, row.unit_name or row.unit, group, name, float(row.num), float(row.den)
            )
        )
    return found


def measure_all(
    conn: Connection,
    as_of: dt.date,
    targets: Iterable[LoadedTarget],
    *,
    start: dt.date | None,
    limit: int = DRILLDOWN_LIMIT,
) -> dict[str, Measured]:
    """Target id → its sums, for every target the registry can measure on its judged year."""
    years_of: dict[str, list[int]] = {}
    wanted: dict[tuple[Key, int], list[Target]] = defaultdict(list)
    for loaded in targets:
        target = loaded.target
        years = [] if target.no_data else _years(target, as_of, start)
        if judged_year(target, as_of) not in years:
            continue
        years_of[target.id] = years
        for year in years:
            wanted[(measurement(target), year)].append(target)
    measured = {tid: Measured({year: {} for year in years}) for tid, years in years_of.items()}
    for (_key, year), group in wanted.items():
        provinces = tuple(sorted({t.province.code for t in group}))
        window = Window.of(provinces, as_of, year)
        sums = _sums(conn, group[0], window)
        for target in group:
            measured[target.id].groups[year] = {
                g: v for (p, g), v in sums.items() if p == target.province.code
            }
        judged = [t for t in group if judged_year(t, as_of) == year and _shortfall_kind(t)]
        for kind in {_shortfall_kind(t) for t in judged}:
            same = [t for t in judged if _shortfall_kind(t) == kind]
            found = _shortfalls(conn, same[0], window, limit)
            for target in same:
                units, total = found.get(target.province.code, ([], 0))
                measured[target.id].shortfall, measured[target.id].shortfall_total = units, total
    return measured


def scorecards(
    conn: Connection,
    as_of: dt.date,
    targets: Sequence[LoadedTarget],
    provinces: Sequence[str],
    measured: dict[str, Measured],
) -> list[Scorecard]:
    """The scorecard of each of ``provinces`` from the sums (in the order given)."""
    codes = {
        code
        for loaded in targets
        if "direct_superior_union" in loaded.target.levels and loaded.id in measured
        for code in measured[loaded.id].groups.get(judged_year(loaded.target, as_of), {})
    }
    names = _group_names(conn, list(codes))
    provinces_vi = current_provinces()
    return [
        Scorecard(
            province,
            provinces_vi.get(province, province),
            as_of,
            [
                score_row(loaded, as_of, measured.get(loaded.id), names)
                for loaded in targets
                if loaded.target.province.code == province
            ],
        )
        for province in provinces
    ]


def compute_scorecards(
    conn: Connection,
    as_of: dt.date,
    provinces: Sequence[str],
    targets: Sequence[LoadedTarget],
    *,
    limit: int = DRILLDOWN_LIMIT,
) -> list[Scorecard]:
    """What :func:`~compliance.targets.scorecard.compute_scorecard` gives for each province,
    measured in one set-based pass."""
    chosen = [t for t in targets if t.target.province.code in set(provinces)]
    measured = measure_all(conn, as_of, chosen, start=history_start(conn), limit=limit)
    return scorecards(conn, as_of, targets, provinces, measured)
