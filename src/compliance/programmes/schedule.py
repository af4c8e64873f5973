"""The occurrences an item is owed: its deadlines, and one per year or quarter it recurs.

Kept apart from the evaluation (``progb``) so the programme page, the reports and the
evaluation count the same periods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compliance.programmes.timephrase import quarter_end

if TYPE_CHECKING:
    from compliance.programmes.load import LoadedItem, LoadedProgramme


@dataclass(frozen=True)
class Occurrence:
    period: str | None  # '2024', '2024-Q3', a milestone's 'YYYY-MM-DD', None for one deadline
    due: dt.date
    start: dt.date | None  # the first day of a recurring period; None for a deadline


def occurrences(
    loaded: LoadedProgramme, item: LoadedItem, up_to: dt.date | None = None
) -> list[Occurrence]:
    """Every occurrence, sorted by due date.

    Recurring items run from the period containing ``issued_on`` to ``until``; a programme
    without ``until`` recurs up to the period containing ``up_to`` (the as-of day), and only in
    its first period when neither is known. "Thường xuyên" adds nothing: it has no deadline.
    """
    programme = loaded.programme
    schedule = item.schedule
    found = [Occurrence(d.period, d.due, None) for d in schedule.deadlines]
    last = programme.until or up_to or programme.issued_on
    first = programme.issued_on
    if schedule.yearly:
        found += [
            Occurrence(str(year), dt.date(year, 12, 31), dt.date(year, 1, 1))
            for year in range(first.year, last.year + 1)
        ]
    if schedule.quarterly:
        year, quarter = first.year, (first.month - 1) // 3 + 1
        while (year, quarter) <= (last.year, (last.month - 1) // 3 + 1):
            start = dt.date(year, quarter * 3 - 2, 1)
            found.append(Occurrence(f"{year}-Q{quarter}", quarter_end(year, quarter), start))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return sorted(found, key=lambda o: (o.due, o.period or ""))
