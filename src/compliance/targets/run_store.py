"""A run's scorecard sums, stored once by the run and read by every report of it (issue 15).

The run measures every target in one set-based pass (:mod:`compliance.targets.batch`) and
stores the sums per target (``run_scorecards``); a report of that run and day reads them back
and only lays them out. A target the run did not store — added or edited since (its
``definition`` differs) — is measured afresh, read-only, so a report is never wrong about a
target file, only slower for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from compliance.models import RunScorecard
from compliance.rules.target_format import Target
from compliance.targets.batch import measure_all, scorecards
from compliance.targets.load import LoadedTarget
from compliance.targets.scorecard import Measured, Scorecard, Shortfall, history_start

_TABLE: Any = RunScorecard.__table__  # type: ignore[attr-defined]


def definition(target: Target) -> str:
    """A digest of what the sums depend on: a target edited since the run is not read back."""
    parts = [
        target.population.model_dump() if target.population else None, target.measure,
        target.waiver_rule, target.year, target.periodic, target.comparison, target.no_data,
        target.province.code,
    ]  # fmt: skip
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _row(run_id: int, loaded: LoadedTarget, measured: Measured) -> dict[str, Any]:
    groups = {
        str(year): [[g, *sums] for g, sums in by_group.items()]
        for year, by_group in measured.groups.items()
    }
    shortfall = [[s.unit, s.name, s.group_code, s.group_name, s.num, s.den]
                 for s in measured.shortfall]  # fmt: skip
    return {"run_id": run_id, "province_code": loaded.target.province.code,
            "target_id": loaded.id, "definition": definition(loaded.target), "groups": groups,
            "shortfall": shortfall, "shortfall_total": measured.shortfall_total}  # fmt: skip


def store(
    conn: Connection, run_id: int, targets: Iterable[LoadedTarget], measured: dict[str, Measured]
) -> int:
    """Replace run ``run_id``'s stored sums with ``measured``; returns the rows written."""
    rows = [_row(run_id, t, measured[t.id]) for t in targets if t.id in measured]
    conn.execute(delete(_TABLE).where(_TABLE.c.run_id == run_id))
    if rows:
        conn.execute(insert(_TABLE), rows)
    return len(rows)


def load(conn: Connection, run_id: int, targets: Iterable[LoadedTarget]) -> dict[str, Measured]:
    """Target id → its sums as run ``run_id`` stored them (targets unchanged since only)."""
    wanted = {t.id: definition(t.target) for t in targets}
    statement = select(
        _TABLE.c.target_id, _TABLE.c.definition, _TABLE.c.groups, _TABLE.c.shortfall,
        _TABLE.c.shortfall_total,
    ).where(_TABLE.c.run_id == run_id)  # fmt: skip
    found: dict[str, Measured] = {}
    for target_id, digest, groups, shortfall, total in conn.execute(statement):
        if wanted.get(target_id) != digest:
            continue
        found[target_id] = Measured(
            {
                int(year): {g: (float(n), float(d), int(x)) for g, n, d, x in rows}
                for year, rows in groups.items()
            },
            [
                Shortfall(u, name, g, gname, float(n), float(d))
                for u, name, g, gname, n, d in shortfall
            ],  # fmt: skip
            int(total),
        )
    return found


def measure_and_store(
    conn: Connection, run_id: int, as_of: dt.date, targets: Sequence[LoadedTarget]
) -> dict[str, Measured]:
    """The run's step: every target measured in one set-based pass, stored for its reports."""
    measured = measure_all(conn, as_of, targets, start=history_start(conn))
    store(conn, run_id, targets, measured)
    return measured


def run_scorecards(
    conn: Connection,
    as_of: dt.date,
    targets: Sequence[LoadedTarget],
    provinces: Sequence[str],
    run: Any | None,
) -> list[Scorecard]:
    """The scorecards of ``provinces``: from ``run``'s stored sums when the run judged this very
    day, measuring (read-only) only what it did not store; all measured without such a run."""
    chosen = [t for t in targets if t.target.province.code in set(provinces)]
    stored = load(conn, run.id, chosen) if run is not None and run.as_of == as_of else {}
    missing = [t for t in chosen if t.id not in stored and not t.target.no_data]
    if missing:
        stored |= measure_all(conn, as_of, missing, start=history_start(conn))
    return scorecards(conn, as_of, targets, provinces, stored)
