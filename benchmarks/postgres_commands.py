"""The user's commands as whole processes on PostgreSQL, against SQLite's in the same invocation.

Issue 15: "PostgreSQL: each figure above within 1.5× of SQLite's on the same machine, and a
province evaluation within 2× hand SQL". With ``--database postgresql+psycopg://…/postgres``,
after the SQLite figures (benchmarks/commands.py, benchmarks/run_commands.py), on a new
database of that server for each import (created and dropped like run.py's):

* ``compliance db upgrade`` (not timed), then ``compliance import DIR``, ``runs`` times;
* ``compliance evaluate --format jsonl`` (eight rules) on the last import against
  benchmarks/hand_sql_pg.py (the same SQL as hand_sql.py in PostgreSQL's dialect), alternating;
  the output must equal hand SQL's and SQLite's ``compliance evaluate``, line for line;
* ``compliance run --as-of D`` first and again with nothing changed (temporary Prefect server
  with a fresh ``PREFECT_HOME``, as SQLite's first run had), on the imported database itself;
* ``compliance report --format html|xlsx|pdf`` from that run.

The commands get ``COMPLIANCE_DATABASE_URL``; nothing else differs from SQLite's. Figures
only; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.commands import _compliance, compare_evaluate, difference, timed, timed_import
from benchmarks.evaluation import AS_OF
from benchmarks.run_commands import run_env

ROOT = Path(__file__).resolve().parent.parent
Database = Callable[[str, Path], tuple[str, Callable[[], None]]]


def measure_guarded(
    folder: Path, work: Path, args: Any, commands: dict[str, Any]
) -> dict[str, Any]:
    """``measure`` for run.py: on the server ``args.database``, a failure printed as a figure."""
    from benchmarks.run import _database, console

    console.print("[dim]… the same commands on PostgreSQL[/dim]")
    sqlite_output = commands.get("evaluate", {}).get("output")
    try:
        return measure(args.database, _database, folder, work, args.runs, sqlite_output)
    except Exception as exc:  # a failed command is a figure too: print it, keep going
        return {"error": f"{type(exc).__name__}: {exc}"}


def measure(admin: str, new_database: Database, folder: Path, work: Path, runs: int,
            sqlite_output: str | None) -> dict[str, Any]:  # fmt: skip
    """Every figure on PostgreSQL; ``sqlite_output`` is SQLite's ``compliance evaluate`` JSONL."""
    drop: Callable[[], None] = lambda: None  # noqa: E731
    times, peaks = [], []
    try:
        for _ in range(runs):
            drop()
            url, drop = new_database(admin, work)
            seconds, peak = timed_import(folder, {"COMPLIANCE_DATABASE_URL": url})
            times.append(seconds)
            peaks.append(peak)
        result: dict[str, Any] = {
            "import": {"seconds": statistics.median(times), "runs": times, "rss_mib": max(peaks)}
        }
        hand = [sys.executable, str(ROOT / "benchmarks" / "hand_sql_pg.py"), url]
        evaluated = compare_evaluate(url, hand, work, runs, prefix="pg-")
        if sqlite_output:
            mine = Path(evaluated["output"]).read_text(encoding="utf-8").splitlines()
            theirs = Path(sqlite_output).read_text(encoding="utf-8").splitlines()
            evaluated["sqlite_mismatch"] = difference(mine, theirs, "SQLite")
        result["evaluate"] = evaluated
        result.update(_runs(url, work))
        return result
    finally:
        drop()


def _last_run(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        counts = conn.execute(
            "SELECT counts FROM compliance_runs WHERE kind = 'compliance' ORDER BY id DESC"
        ).fetchone()[0]  # type: ignore[index]
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
    counts = json.loads(counts) if isinstance(counts, str) else counts or {}
    churn = sum(counts.get(k, 0) for k in ("opened", "reopened", "resolved", "updated"))
    return {"counts": counts, "churn": churn, "bytes": size}


def _runs(url: str, work: Path) -> dict[str, Any]:
    reports = work / "pg-reports"
    reports.mkdir(exist_ok=True)
    env = run_env(url, reports, work / "prefect-temporary-pg")
    # the temporary server, as for SQLite's figures: no PREFECT_API_URL while it runs
    saved = os.environ.pop("PREFECT_API_URL", None)
    try:
        return _timed_runs(url, work, env)
    finally:
        if saved is not None:
            os.environ["PREFECT_API_URL"] = saved


def _timed_runs(url: str, work: Path, env: dict[str, str]) -> dict[str, Any]:
    run = [*_compliance(), "run", "--as-of", AS_OF.isoformat()]
    seconds, peak, _ = timed(run, env)
    first = {"seconds": seconds, "rss_mib": peak, **_last_run(url)}
    seconds, peak, _ = timed(run, env)
    again = {"seconds": seconds, "rss_mib": peak, **_last_run(url)}
    again["growth_bytes"] = again["bytes"] - first["bytes"]
    made = {}
    for fmt in ("html", "xlsx", "pdf"):
        out = work / f"pg-report.{fmt}"
        command = [*_compliance(), "report", "--as-of", AS_OF.isoformat(), "--format", fmt]
        seconds, peak, _ = timed([*command, "--out", str(out)], env)
        made[fmt] = {"seconds": seconds, "rss_mib": peak, "bytes": out.stat().st_size}
    return {"first": first, "rerun": again, "reports": made}


def report(scale: str, registry: str, pg: dict[str, Any], commands: dict[str, Any],
           runs: dict[str, Any]) -> None:  # fmt: skip
    """The table "PostgreSQL vs SQLite (whole processes)": each figure, SQLite's, the ratio."""
    from rich.table import Table

    from benchmarks.run import _s, console, mark

    table = Table(title=f"{scale}: {registry}, PostgreSQL vs SQLite (whole processes)")
    for heading in ("figure (goal ≤ 1.5× SQLite's)", "PostgreSQL", "SQLite", "ratio", ""):
        table.add_column(heading, justify="left" if heading.startswith("figure") else "right")
    if "error" in pg:
        table.add_row("PostgreSQL commands: FAILED", pg["error"][:160], "", "", "")
        console.print(table)
        return

    def row(figure: str, ours: float, theirs: float | None, rss: bool = False) -> None:
        shown = (lambda v: f"{v:,.0f} MiB") if rss else _s
        if theirs is None:
            table.add_row(figure, shown(ours), "(failed)", "", "")
            return
        ratio = ours / theirs
        table.add_row(figure, shown(ours), shown(theirs), f"{ratio:.2f}×",
                      "" if rss else mark(ratio <= 1.5))  # fmt: skip

    def sqlite(*path: str) -> float | None:
        value: Any = runs if path[0] in ("first", "rerun", "reports") else commands
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value)

    i, e, first, again = pg["import"], pg["evaluate"], pg["first"], pg["rerun"]
    row("compliance import", i["seconds"], sqlite("import", "seconds"))
    row("  peak RSS (client process only)", i["rss_mib"], sqlite("import", "rss_mib"), rss=True)
    row("compliance evaluate --format jsonl (8 rules)", e["seconds"], sqlite("evaluate", "seconds"))
    row("  peak RSS", e["rss_mib"], sqlite("evaluate", "rss_mib"), rss=True)
    row("compliance run, first", first["seconds"], sqlite("first", "seconds"))
    row("  peak RSS", first["rss_mib"], sqlite("first", "rss_mib"), rss=True)
    row("compliance run again, nothing changed", again["seconds"], sqlite("rerun", "seconds"))
    for fmt in ("html", "xlsx", "pdf"):
        rep = pg["reports"][fmt]
        row(f"compliance report --format {fmt}", rep["seconds"], sqlite("reports", fmt, "seconds"))
    ratio = e["seconds"] / e["reference_s"]
    table.add_row(
        "PostgreSQL: compliance evaluate ≤ 2× hand SQL",
        _s(e["seconds"]), f"{_s(e['reference_s'])} (hand_sql_pg.py)", f"{ratio:.2f}×",
        mark(ratio <= 2),
    )  # fmt: skip
    share = again["seconds"] / first["seconds"]
    table.add_row(
        "PostgreSQL: rerun ≤ 30 % of the first", f"{share:.0%}", "", "", mark(share <= 0.3)
    )
    table.add_row("PostgreSQL: task churn on the rerun = 0", f"{again['churn']:,}", "", "",
                  mark(again["churn"] == 0))  # fmt: skip
    growth = again["growth_bytes"] / 2**20
    table.add_row("PostgreSQL: database growth on the rerun ≤ 1 MB (pg_database_size)",
                  f"{growth:,.2f} MiB", f"database {first['bytes'] / 2**20:,.0f} MiB", "",
                  mark(growth <= 1))  # fmt: skip
    for name, line in (("hand SQL", e["mismatch"]), ("SQLite", e.get("sqlite_mismatch", ""))):
        if line:
            table.add_row(f"  [red]MISMATCH[/red] evaluate vs {name}", line[:160], "", "", "")
    for label, ours, theirs in (
        ("import", i["runs"], commands.get("import", {}).get("runs", [])),
        ("evaluate", e["runs"], commands.get("evaluate", {}).get("runs", [])),
    ):
        shown = ", ".join(f"{v:.1f}" for v in ours) + " / " + ", ".join(f"{v:.1f}" for v in theirs)
        table.add_row(f"  runs, {label} PostgreSQL / SQLite (s)", shown, "", "", "")
    hand = ", ".join(
        f"{a:.1f}/{b:.1f}" for a, b in zip(e["runs"], e["reference_runs"], strict=True)
    )
    table.add_row("  runs, evaluate / hand_sql_pg.py (s)", hand, "", "", "")
    console.print(table)
