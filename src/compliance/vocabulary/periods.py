"""Periods an obligation is owed for, and which one an "as of" date judges.

Evaluating as of day D judges the most recent period that ended strictly before D; the period
in progress is not yet due (../shared/registry-format.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    NONE = "none"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive: the last day of the period
    label: str  # "2024", "2024-Q4", "2024-03"

    def __str__(self) -> str:
        return self.label

    @property
    def year(self) -> int:
        return self.start.year


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def period_containing(kind: PeriodKind, day: dt.date) -> Period:
    if kind is PeriodKind.YEAR:
        return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), f"{day.year}")
    if kind is PeriodKind.QUARTER:
        quarter = (day.month - 1) // 3 + 1
        first_month = 3 * quarter - 2
        return Period(
            dt.date(day.year, first_month, 1),
            _month_end(day.year, first_month + 2),
            f"{day.year}-Q{quarter}",
        )
    if kind is PeriodKind.MONTH:
        return Period(
            dt.date(day.year, day.month, 1),
            _month_end(day.year, day.month),
            f"{day.year}-{day.month:02d}",
        )
    raise ValueError(f"a period of kind {kind} has no bounds")


def judged_period(kind: PeriodKind, as_of: dt.date) -> Period:
    """The most recent period that ended strictly before ``as_of``."""
    current = period_containing(kind, as_of)
    return period_containing(kind, current.start - dt.timedelta(days=1))


def judged_periods(kind: PeriodKind, as_of: dt.date, history: int = 1) -> list[Period]:
    """The judged period and ``history - 1`` before it, newest first."""
    periods = [judged_period(kind, as_of)]
    while len(periods) < history:
        periods.append(period_containing(kind, periods[-1].start - dt.timedelta(days=1)))
    return periods


def parse_period(kind: PeriodKind, label: str) -> Period:
    """``2024``, ``2024-Q4`` or ``2024-03`` back into a period."""
    if kind is PeriodKind.YEAR:
        return period_containing(kind, dt.date(int(label), 1, 1))
    if kind is PeriodKind.QUARTER:
        year, quarter = label.split("-Q")
        return period_containing(kind, dt.date(int(year), 3 * int(quarter) - 2, 1))
    year, month = label.split("-")
    return period_containing(kind, dt.date(int(year), int(month), 1))
