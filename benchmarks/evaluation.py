"""Evaluation time: the rule engine against the same checks written by hand in SQL.

    .venv/bin/python benchmarks/evaluation.py                  # a province (50,000) and 1,000,000
    .venv/bin/python benchmarks/evaluation.py --sizes 50000

For each registry: the eight contract rules by the engine (set-based SQL, building findings with
their facts), the same eight written by hand as plain SQL on the same SQLite database, and the
whole catalogue. The ratio engine / hand-written is the figure (goal ≤ 1.5×). The hand-written
counts must equal the engine's, or the benchmark says so. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from compliance import db
from compliance.engine.evaluate import Selection, evaluate
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules
from compliance.vocabulary.periods import PeriodKind, judged_period

OUT = Path(__file__).parent / "out"
AS_OF = dt.date(2026, 10, 1)
console = Console()

ACTIVE_U = (
    "(u.founded_on IS NULL OR u.founded_on <= {d}) "
    "AND (u.dissolved_on IS NULL OR u.dissolved_on > {d})"
)
ACTIVE_E = "e.status = 'active' AND (e.registered_on IS NULL OR e.registered_on <= {d})"

HAND_SQL = {
    "union.establishment": f"""
        SELECT e.tax_code, NULL, 'violation' FROM enterprises e
        WHERE {ACTIVE_E.format(d=":d")} AND e.workers >= 25 AND NOT EXISTS (
            SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
            AND {ACTIVE_U.format(d=":d")})""",
    "finance.same_level_inspection": f"""
        SELECT u.code, :year, 'violation' FROM unions u
        WHERE u.kind IN ('direct_superior_union', 'provincial_federation')
        AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")} AND NOT EXISTS (
            SELECT 1 FROM inspections i WHERE i.target_code = u.code AND i.inspector_code = u.code
            AND i.kind = 'finance' AND i.date BETWEEN :y0 AND :y1)""",
    "review.quarterly": f"""
        SELECT u.code, :quarter, 'violation' FROM unions u
        WHERE u.kind = 'grassroots_union' AND {ACTIVE_U.format(d=":q0")}
        AND {ACTIVE_U.format(d=":q1")} AND NOT EXISTS (
            SELECT 1 FROM reviews r WHERE r.union_code = u.code AND r.date BETWEEN :q0 AND :q1)""",
    "rating.annual": f"""
        SELECT u.code, :year, 'violation' FROM unions u
        WHERE u.kind IN ('grassroots_union', 'direct_superior_union')
        AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")} AND NOT EXISTS (
            SELECT 1 FROM ratings r WHERE r.union_code = u.code AND r.year = :year_int)""",
    "workers_conference.annual": f"""
        SELECT e.tax_code, :year, 'violation' FROM enterprises e
        WHERE {ACTIVE_E.format(d=":y0")} AND EXISTS (
            SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
            AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")})
        AND NOT EXISTS (
            SELECT 1 FROM conferences c WHERE c.enterprise_tax_code = e.tax_code
            AND c.kind = 'workers_conference' AND c.date BETWEEN :y0 AND :y1)""",
    "collective_agreement.in_force": f"""
        SELECT tax_code, NULL, CASE WHEN until IS NULL THEN 'violation' ELSE 'at_risk' END
        FROM (SELECT e.tax_code, (
                SELECT MAX(COALESCE(a.expires_on, '9999-12-31')) FROM agreements a
                WHERE a.enterprise_tax_code = e.tax_code
                AND (a.signed_on IS NULL OR a.signed_on <= :d)
                AND (a.expires_on IS NULL OR a.expires_on >= :d)) AS until
              FROM enterprises e
              WHERE {ACTIVE_E.format(d=":d")} AND EXISTS (
                SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
                AND {ACTIVE_U.format(d=":d")})) AS agreement_until
        WHERE until IS NULL OR until <= :d90""",
    "complaint.resolution": """
        SELECT id, NULL, 'violation' FROM complaints
        WHERE accepted_on IS NOT NULL AND (resolved_on IS NULL OR resolved_on > :d)
        AND ((complex = TRUE AND accepted_on < :d45)
             OR (COALESCE(complex, FALSE) = FALSE AND accepted_on < :d30))""",
    "union_fee.paid": """
        SELECT enterprise_tax_code, period, 'violation' FROM fee_payments
        WHERE amount_due IS NOT NULL AND COALESCE(amount_paid, 0) < amount_due AND due_on < :d""",
}


def parameters() -> dict[str, object]:
    year = judged_period(PeriodKind.YEAR, AS_OF)
    quarter = judged_period(PeriodKind.QUARTER, AS_OF)
    day = dt.timedelta(days=1)
    # Dates as dates: SQLite stores them as ISO text and PostgreSQL as date, and the drivers
    # send each what its columns hold.
    return {
        "d": AS_OF,
        "y0": year.start,
        "y1": year.end,
        "year": year.label,
        "year_int": year.year,
        "q0": quarter.start,
        "q1": quarter.end,
        "quarter": quarter.label,
        "d90": AS_OF + 90 * day,
        "d30": AS_OF - 30 * day,
        "d45": AS_OF - 45 * day,
    }


def database(enterprises: int, province: str | None) -> Path:
    """A registry database imported once and kept under benchmarks/out/."""
    try:
        from import_throughput import registry  # run as a script: benchmarks/ is on sys.path
    except ImportError:
        from benchmarks.import_throughput import registry

    path = OUT / f"registry-{province or 'all'}-{enterprises}.db"
    if not path.exists():
        folder = registry(enterprises, province)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        engine = db.make_engine(f"sqlite:///{partial}")
        started = time.perf_counter()
        import_folder(engine, folder, effective_date=AS_OF)
        engine.dispose()
        partial.rename(path)
        console.print(f"imported {folder.name} in {time.perf_counter() - started:.1f} s")
    return path


def best_of(runs: int, work) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(path: Path, runs: int) -> None:
    engine = db.make_engine(f"sqlite:///{path}")
    rules = load_rules()
    contract = [r for r in rules if r.id in HAND_SQL]
    params = parameters()
    table = Table(title=f"{path.name}: evaluation as of {AS_OF} (best of {runs})")
    for heading in ("rule", "findings", "engine s", "hand SQL s", "ratio"):
        table.add_column(heading, justify="left" if heading == "rule" else "right")
    totals = [0.0, 0.0]
    mismatches = []
    with engine.connect() as conn:
        for loaded in contract:
            engine_s, findings = best_of(
                runs, lambda loaded=loaded: evaluate(conn, [loaded], AS_OF, Selection())
            )
            hand_s, rows = best_of(
                runs, lambda rid=loaded.id: conn.execute(text(HAND_SQL[rid]), params).all()
            )
            ours = {(f.unit, f.period, f.status) for f in findings}  # type: ignore[attr-defined]
            theirs = {tuple(r) for r in rows}  # type: ignore[union-attr]
            if ours != theirs:
                mismatches.append(f"{loaded.id}: engine {len(ours)} vs hand {len(theirs)}")
            totals[0] += engine_s
            totals[1] += hand_s
            table.add_row(loaded.id, f"{len(ours):,}", f"{engine_s:.3f}", f"{hand_s:.3f}",
                          f"{engine_s / hand_s:.2f}×")  # fmt: off
        table.add_row("[bold]eight contract rules[/bold]", "", f"{totals[0]:.3f}",
                      f"{totals[1]:.3f}", f"[bold]{totals[0] / totals[1]:.2f}×[/bold]")  # fmt: off
        whole_s, everything = best_of(runs, lambda: evaluate(conn, rules, AS_OF, Selection()))
        units = conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one()
        sample = (
            conn.execute(text("SELECT tax_code FROM enterprises ORDER BY tax_code LIMIT 200"))
            .scalars()
            .all()
        )
        latencies = []
        for code in sample[:50]:
            started = time.perf_counter()
            evaluate(conn, rules, AS_OF, Selection.of(units=[code]), method="durable")
            latencies.append(time.perf_counter() - started)
    console.print(table)
    console.print(
        f"whole catalogue ({len(rules)} rules, {len(everything):,} findings, "  # type: ignore[arg-type]
        f"{units:,} enterprises): [bold]{whole_s:.2f} s[/bold]; engine / hand-written SQL on the "
        f"eight contract rules: [bold]{totals[0] / totals[1]:.2f}×[/bold] (goal ≤ 1.5×)",
        highlight=False,
    )
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    console.print(
        f"single enterprise, whole catalogue, durable-rules worker: p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
        f"(n={len(latencies)})",
        highlight=False,
    )
    for line in mismatches:
        console.print(f"[red]MISMATCH {line}[/red]")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 1_000_000])
    parser.add_argument("--province", default="80")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        measure(database(size, args.province if size < 200_000 else None), args.runs)


if __name__ == "__main__":
    main()
