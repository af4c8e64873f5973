"""Pure arithmetic of a scorecard line: value, whether it meets the target, the gap as a count
a person can act on, its Vietnamese wording, and a straight-line projection to the deadline.

Kept apart from the SQL so the edge cases (strict "trên 95%", rounding a share up to whole
enterprises, "no more than 0") are tested on plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from compliance.formatting import number_vn
from compliance.rules.target_format import Target

_EPS = 1e-9


@dataclass(frozen=True)
class Figure:
    """One measured figure: sums over the units counted (waived units already left out)."""

    num: float  # numerator: units that meet the measure, or the amount (members, workers)
    den: float  # denominator: units (or workers) counted; 0 for plain counts
    excluded: int  # units left out because their finding is waived
    value: float | None  # percent or count; None when the population is empty
    gap: int  # how many more (or fewer) units the target needs; 0 when met
    met: bool | None


def figure(target: Target, num: float, den: float, excluded: int) -> Figure:
    value = _value(target, num, den)
    met = None if value is None else _compare(target.comparison, value, target.threshold)
    gap = 0 if met or value is None else _gap(target, num, den)
    return Figure(num, den, excluded, value, gap, met)


def _value(target: Target, num: float, den: float) -> float | None:
    if target.unit == "count":
        return num
    return 100.0 * num / den if den else None


def _compare(comparison: str, value: float, threshold: float) -> bool:
    if comparison == ">=":
        return value >= threshold - _EPS
    if comparison == ">":
        return value > threshold + _EPS
    if comparison == "<=":
        return value <= threshold + _EPS
    return abs(value - threshold) <= _EPS


def _gap(target: Target, num: float, den: float) -> int:
    """Units to add (``>=``, ``>``) or remove (``<=``, ``==``) for the target to be met."""
    t = target.threshold
    if target.unit == "count":
        needed = {">=": t, ">": math.floor(t) + 1}.get(target.comparison)
        if needed is not None:
            return max(0, math.ceil(needed - num - _EPS))
        return max(0, math.ceil(abs(num - t) - _EPS))
    share = t * den / 100.0
    if target.comparison == ">=":
        return max(0, math.ceil(share - _EPS) - math.ceil(num - _EPS))
    if target.comparison == ">":
        return max(0, math.floor(share + _EPS) + 1 - math.ceil(num - _EPS))
    if target.comparison == "<=":
        return max(0, math.ceil(num - math.floor(share + _EPS) - _EPS))
    return max(0, math.ceil(abs(num - share) - _EPS))


def gap_text(target: Target, fig: Figure | None) -> str:
    """The gap as a sentence a committee can act on: 'còn thiếu 37 doanh nghiệp ký thỏa ước…'."""
    if fig is None or fig.value is None:
        return "chưa có dữ liệu"
    if fig.met:
        return "đã đạt"
    count = number_vn(fig.gap, 0)
    if target.comparison in (">=", ">"):
        return f"còn thiếu {count} {target.gap.noun} {target.gap.action}"
    return f"còn {count} {target.gap.noun} {target.gap.action}"


def project(points: Sequence[tuple[float, float]], at: float) -> float | None:
    """Least-squares straight line through ``(x, y)`` points, read at ``at``; None below two."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread <= _EPS:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y + slope * (at - mean_x)


def clamp(target: Target, value: float) -> float:
    return min(100.0, max(0.0, value)) if target.unit == "percent" else max(0.0, value)


def meets(target: Target, value: float) -> bool:
    return _compare(target.comparison, value, target.threshold)
