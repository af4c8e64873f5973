"""The scorecard: each target of a province, measured on the registry as of a day.

For every target: the year judged, the actual figure against the threshold, the gap as a
count to act on, the trend over the years the registry holds, a straight-line projection to
the deadline, the same figure for each direct-superior union (when the target is set at that
level), and the units that do not yet contribute.

Which year is judged follows the rules' convention: a yearly count (conferences held, ratings,
inspections, complaints) is judged on the most recent year that ended before the day, a state
(agreements in force, members, coverage) on the day itself — each capped at the target's year,
so a 2024 target is judged on 2024 for good.

Waivers: a unit whose finding under the target's ``waiver_rule`` is waived (a follow-up task
with status ``waived`` and ``waived_until`` on or after the day, for that year or for a
standing rule) leaves the population — numerator and denominator alike. A waived unit is by
construction one that falls short, so in effect the denominator shrinks; the scorecard says
how many units each figure leaves out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, and_, case, distinct, func, literal, or_, select

from compliance.formatting import TARGET_STATUS_VI
from compliance.models import Conference, Inspection, Review, Union
from compliance.models.followup import FollowUpTask, TaskStatus
from compliance.registry.places import current_provinces
from compliance.rules.target_format import Target
from compliance.targets import figures
from compliance.targets.figures import Figure
from compliance.targets.load import LoadedTarget
from compliance.targets.measures import Window, unit_rows

DRILLDOWN_LIMIT = 50


def _t(model: Any) -> Any:
    return model.__table__


@dataclass(frozen=True)
class TrendPoint:
    year: int
    day: dt.date  # the day measured (a state) or the year's last day (a yearly count)
    value: float | None


@dataclass(frozen=True)
class GroupFigure:
    code: str | None  # the direct-superior union; None when the hierarchy names none
    name: str
    figure: Figure
    gap_text: str


@dataclass(frozen=True)
class Shortfall:
    """A unit that does not yet contribute (or, for a ceiling, one that exceeds it)."""

    unit: str
    name: str
    group_code: str | None
    group_name: str
    num: float
    den: float


@dataclass
class ScoreRow:
    target: Target
    path: str
    year: int | None  # the year judged
    status: str  # met | missed | behind | no_data
    figure: Figure | None = None
    gap_text: str = "chưa có dữ liệu"
    trend: list[TrendPoint] = field(default_factory=list)
    projection: float | None = None
    projected_met: bool | None = None
    groups: list[GroupFigure] = field(default_factory=list)
    shortfall: list[Shortfall] = field(default_factory=list)
    shortfall_total: int = 0
    reason: str | None = None  # why there is no figure

    @property
    def status_vi(self) -> str:
        return TARGET_STATUS_VI[self.status]


@dataclass
class Scorecard:
    province: str
    province_name: str
    as_of: dt.date
    rows: list[ScoreRow]

    @property
    def has_data(self) -> bool:
        """Some target has a figure: the registry holds units of this province."""
        return any(r.figure is not None for r in self.rows)

    @property
    def excluded(self) -> int:
        """Units left out of the judged figures because their finding is waived."""
        return sum(r.figure.excluded for r in self.rows if r.figure)

    @property
    def original_names(self) -> list[str]:
        """Pre-2025 provinces the targets were written for, when not the current name."""
        names = {r.target.province.original.name for r in self.rows if r.target.province.original}
        return sorted(n for n in names if n != self.province_name)


def history_start(conn: Connection) -> dt.date | None:
    """The first day the registry holds dated events for: years before it are not measured.

    Ratings are left out: a rating names a year, not a day, and a delivery that starts in
    October still rates the whole of that year.
    """
    firsts = [
        select(func.min(_t(m).c.date)).scalar_subquery() for m in (Conference, Inspection, Review)
    ]
    days = [d for d in conn.execute(select(*firsts)).one() if d is not None]
    return min(days) if days else None


def _years(target: Target, as_of: dt.date, start: dt.date | None) -> list[int]:
    """Years of the trend: complete years for yearly counts, year ends (and today) for states."""
    last = as_of.year - 1 if target.periodic else as_of.year
    if start is None:
        return [min(target.year, last)]
    first = (
        start.year
        if not target.periodic or (start.month, start.day) == (1, 1)
        else (start.year + 1)
    )
    return list(range(first, last + 1))


def _waived(rule: str, as_of: dt.date, year: int) -> Any:
    t = _t(FollowUpTask)
    return (
        select(distinct(t.c.unit).label("unit"))
        .where(
            t.c.rule == rule,
            t.c.status == str(TaskStatus.WAIVED),
            t.c.waived_until >= as_of,
            or_(t.c.period_key == "", t.c.period_key == str(year)),
        )
        .subquery("w")
    )


def _counted(target: Target, window: Window) -> tuple[Any, Any]:
    """The population's rows with a ``waived`` flag (0/1)."""
    rows = unit_rows(target, window).subquery("rows")
    if not target.waiver_rule:
        return rows, literal(0)
    w = _waived(target.waiver_rule, window.as_of, window.year)
    return rows.outerjoin(w, w.c.unit == rows.c.unit), case((w.c.unit.is_(None), 0), else_=1)


def summed(target: Target, window: Window, *keys: str) -> Select[Any]:
    """``keys…, num, den, excluded`` of the window's units grouped by ``keys`` (columns of the
    measured rows: ``group_code``, and ``province`` for every province at once), a waived
    unit's share left out and counted apart."""
    source, waived = _counted(target, window)
    rows = source.left if target.waiver_rule else source  # type: ignore[attr-defined]
    kept = waived == 0
    columns = [rows.c[key] for key in keys]
    return (
        select(
            *columns,
            func.coalesce(func.sum(case((kept, rows.c.num), else_=0)), 0),
            func.coalesce(func.sum(case((kept, rows.c.den), else_=0)), 0),
            func.coalesce(func.sum(waived), 0),
        )
        .select_from(source)
        .group_by(*columns)
    )


def _by_group(conn: Connection, target: Target, window: Window) -> dict[str | None, Figure]:
    return {
        group: figures.figure(target, float(num), float(den), int(excluded))
        for group, num, den, excluded in conn.execute(summed(target, window, "group_code"))
    }


def _total(target: Target, groups: dict[str | None, Figure]) -> Figure:
    num = sum(f.num for f in groups.values())
    den = sum(f.den for f in groups.values())
    return figures.figure(target, num, den, sum(f.excluded for f in groups.values()))


def _shortfall(
    conn: Connection, target: Target, window: Window, limit: int
) -> tuple[list[Shortfall], int]:
    source, waived = _counted(target, window)
    rows = source.left if target.waiver_rule else source  # type: ignore[attr-defined]
    short = rows.c.num < rows.c.den if target.comparison in (">=", ">") else rows.c.num > 0
    if target.measure in ("members",):  # a total to reach: no unit falls short of it
        return [], 0
    where = and_(waived == 0, short)
    total = conn.execute(select(func.count()).select_from(source).where(where)).scalar_one()
    superior = _t(Union).alias("sup")
    statement = (
        select(
            rows.c.unit,
            rows.c.unit_name,
            rows.c.group_code,
            superior.c.name,
            rows.c.num,
            rows.c.den,
        )  # fmt: skip
        .select_from(source.outerjoin(superior, superior.c.code == rows.c.group_code))
        .where(where)
        .order_by((rows.c.den - rows.c.num).desc(), rows.c.unit)
        .limit(limit)
    )
    found = [
        Shortfall(unit, name or unit, group, group_name or (group or "—"), float(num), float(den))
        for unit, name, group, group_name, num, den in conn.execute(statement)
    ]
    return found, int(total)


def _group_names(conn: Connection, codes: Sequence[str | None]) -> dict[str, str]:
    wanted = sorted(c for c in codes if c)
    if not wanted:
        return {}
    u = _t(Union)
    return dict(conn.execute(select(u.c.code, u.c.name).where(u.c.code.in_(wanted))).all())


@dataclass
class Measured:
    """A target's sums as measured: per year of the trend, per direct-superior union
    ``(num, den, excluded)``; and the judged year's units that fall short (the first ``limit``
    of ``shortfall_total``). What a run stores and a scorecard line is drawn from."""

    groups: dict[int, dict[str | None, tuple[float, float, int]]]
    shortfall: list[Shortfall] = field(default_factory=list)
    shortfall_total: int = 0


def judged_year(target: Target, as_of: dt.date) -> int:
    return min(target.year, as_of.year - 1 if target.periodic else as_of.year)


def measure_one(
    conn: Connection, target: Target, as_of: dt.date, years: Sequence[int], limit: int
) -> Measured:
    """One target in one province, one statement per year (the set-based path is
    :mod:`compliance.targets.batch`; this one is its reference)."""
    province, judged = target.province.code, judged_year(target, as_of)
    measured = Measured({})
    for year in years:
        window = Window.of(province, as_of, year)
        measured.groups[year] = {
            group: (fig.num, fig.den, fig.excluded)
            for group, fig in _by_group(conn, target, window).items()
        }
        if year == judged:
            measured.shortfall, measured.shortfall_total = _shortfall(conn, target, window, limit)
    return measured


def measure_target(
    conn: Connection,
    loaded: LoadedTarget,
    as_of: dt.date,
    *,
    start: dt.date | None,
    limit: int = DRILLDOWN_LIMIT,
) -> ScoreRow:
    target = loaded.target
    years = [] if target.no_data else _years(target, as_of, start)
    measured = None
    if judged_year(target, as_of) in years:
        measured = measure_one(conn, target, as_of, years, limit)
    groups = measured.groups[judged_year(target, as_of)] if measured else {}
    shown = "direct_superior_union" in target.levels
    return score_row(loaded, as_of, measured, _group_names(conn, list(groups)) if shown else {})


def score_row(
    loaded: LoadedTarget, as_of: dt.date, measured: Measured | None, names: dict[str, str]
) -> ScoreRow:
    """The scorecard line of a target from its sums (``None``: nothing the registry can
    measure for its judged year). ``names``: direct-superior unions by code."""
    target = loaded.target
    row = ScoreRow(target, str(loaded.path), None, "no_data")
    if target.no_data:
        row.reason = target.no_data
        return row
    judged = row.year = judged_year(target, as_of)
    if measured is None or judged not in measured.groups:
        row.reason = f"Sổ đăng ký không có dữ liệu năm {judged}."
        return row
    for year, sums in sorted(measured.groups.items()):
        groups = {
            g: figures.figure(target, float(n), float(d), int(x)) for g, (n, d, x) in sums.items()
        }
        total = _total(target, groups)
        window = Window.of(target.province.code, as_of, year)
        day = window.end if target.periodic else window.day
        row.trend.append(TrendPoint(year, day, total.value))
        if year != judged:
            continue
        row.figure, row.gap_text = total, figures.gap_text(target, total)
        if "direct_superior_union" in target.levels:
            row.groups = sorted(
                (
                    GroupFigure(
                        code,
                        names.get(code or "", "(chưa xác định cấp trên)"),
                        fig,
                        figures.gap_text(target, fig),
                    )  # fmt: skip
                    for code, fig in groups.items()
                ),
                key=lambda g: (g.figure.value is None, g.figure.value or 0.0, g.name),
            )
        row.shortfall, row.shortfall_total = measured.shortfall, measured.shortfall_total
    _status(row, as_of)
    return row


def _decimal_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    days = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + 1) / days


def _status(row: ScoreRow, as_of: dt.date) -> None:
    target, fig = row.target, row.figure
    if fig is None or fig.value is None:
        row.status, row.reason = "no_data", row.reason or "Không có đơn vị nào thuộc diện tính."
        return
    over = as_of > target.deadline or row.year == target.year and target.periodic
    row.status = "met" if fig.met else "missed" if over else "behind"
    if not over:
        points = [(_decimal_year(p.day), p.value) for p in row.trend if p.value is not None]
        at = target.year + 0.0 if target.periodic else _decimal_year(target.deadline)
        if target.periodic:
            points = [(float(p.year), p.value) for p in row.trend if p.value is not None]
        projected = figures.project(points, at)
        if projected is not None:
            row.projection = figures.clamp(target, projected)
            row.projected_met = figures.meets(target, row.projection)


def compute_scorecard(
    conn: Connection,
    as_of: dt.date,
    province: str,
    targets: Sequence[LoadedTarget],
    *,
    limit: int = DRILLDOWN_LIMIT,
) -> Scorecard:
    """The scorecard of ``province`` (two-digit 2025 code) as of ``as_of``."""
    start = history_start(conn)
    rows = [
        measure_target(conn, loaded, as_of, start=start, limit=limit)
        for loaded in targets
        if loaded.target.province.code == province
    ]
    name = current_provinces().get(province, province)
    return Scorecard(province, name, as_of, rows)


def target_provinces(targets: Sequence[LoadedTarget]) -> list[str]:
    return sorted({t.target.province.code for t in targets})


__all__ = [
    "GroupFigure",
    "ScoreRow",
    "Scorecard",
    "Shortfall",
    "TrendPoint",
    "compute_scorecard",
    "history_start",
    "measure_target",
    "target_provinces",
]
