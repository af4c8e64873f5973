"""All the figures of issues 7 and 15 in one command, with the goals met or missed.

    .venv/bin/python -m benchmarks                                   # a province, then the country
    .venv/bin/python -m benchmarks --scale province                  # 50,000 enterprises only
    .venv/bin/python -m benchmarks --scale national --database postgresql+psycopg://…/postgres

For each scale, first the commands users type, as whole processes against a reference in the
same run (benchmarks/commands.py: ``compliance import`` against sqlite3's bare ``.import``,
``compliance evaluate --format jsonl`` against the same rules by hand in SQL, medians of
``--runs``, peak RSS of each process; with a PostgreSQL ``--database``, the same commands on
it too, against SQLite's: benchmarks/postgres_commands.py). Then, on a freshly imported database
(SQLite in a temporary folder, or a new database on the PostgreSQL server given): import
throughput; the whole catalogue evaluated; the eight contract rules by the engine, by
hand-written SQL and by naive durable-rules (every unit's facts in one ruleset state), all on
the same data in the same run; a full run (findings recorded, tasks synced, without Prefect) and
a rerun with nothing changed; single-unit latency through the durable-rules worker; and the
partitioned evaluation on Dask through Prefect with one and with two local workers. Each phase
runs in a process of its own, so its peak RSS is its own. After the runs, the review UI under
load on their database, province- then country-scoped reviewers (benchmarks/web_national.py).

Prints figures; asserts nothing (timed asserts do not belong in tests).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks import web_national

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out"
console = Console(width=150)
SCALES = {"province": (50_000, "80"), "national": (1_000_000, None)}
GB1_5, GB2 = 1.5e9 / 2**20, 2e9 / 2**20  # the "1.5 GB" and "2 GB" in MiB (decimal GB)


# Phases: each runs in its own process (``--phase NAME``) and prints one JSON line ------------


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _as_of() -> Any:
    from benchmarks.evaluation import AS_OF

    return AS_OF


def phase_import(url: str, folder: str) -> dict[str, Any]:
    from compliance import db
    from compliance.registry.importer import import_folder

    engine = db.make_engine(url)
    db.upgrade(engine)  # schema creation is not part of the import figure
    started = time.perf_counter()
    report = import_folder(engine, Path(folder), effective_date=_as_of())
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"rows": report.rows_read, "seconds": seconds}


def phase_evaluate(url: str, naive_limit: int) -> dict[str, Any]:
    from sqlalchemy import text

    from benchmarks.evaluation import HAND_SQL, parameters
    from benchmarks.evaluation import best_of as _best
    from benchmarks.naive import naive_durable
    from compliance import db
    from compliance.engine.evaluate import evaluate
    from compliance.rules.validate import load_rules

    engine = db.make_engine(url)
    rules = load_rules()
    contract = [r for r in rules if r.id in HAND_SQL]
    params = parameters()
    as_of = _as_of()
    result: dict[str, Any] = {"mismatches": []}
    with engine.connect() as conn:
        whole_s, everything = _best(2, lambda: evaluate(conn, rules, as_of))
        result.update(catalogue_s=whole_s, catalogue_findings=len(everything))
        engine_s = hand_s = 0.0
        ours: set[tuple[Any, ...]] = set()
        for loaded in contract:
            e_s, found = _best(2, lambda loaded=loaded: evaluate(conn, [loaded], as_of))
            h_s, rows = _best(2, lambda r=loaded.id: conn.execute(text(HAND_SQL[r]), params).all())
            mine = {(f.unit, f.period, f.status) for f in found}
            if mine != {tuple(r) for r in rows}:
                result["mismatches"].append(f"{loaded.id}: engine {len(mine)} vs hand {len(rows)}")
            ours.update((f.rule, f.unit, f.period, f.status) for f in found)
            engine_s += e_s
            hand_s += h_s
        result.update(engine_s=engine_s, hand_s=hand_s, contract_findings=len(ours))
        try:
            naive = naive_durable(conn, contract, as_of, naive_limit)
        except Exception as exc:  # the baseline may fail outright: report it, keep going
            result["naive_error"] = f"{type(exc).__name__}: {exc}"
        else:
            expected = {k for k in ours if k[:3] in naive["sliced_keys"]}
            naive["wrong"] = len(expected ^ naive.pop("findings"))
            naive.pop("sliced_keys")
            result["naive"] = naive
    engine.dispose()
    return result


def phase_run(url: str) -> dict[str, Any]:
    """One scheduled run as the flow does it, without Prefect: evaluate, then record and sync."""
    from compliance import db
    from compliance.engine.evaluate import evaluate
    from compliance.followup import sync
    from compliance.rules.validate import load_rules

    engine = db.make_engine(url)
    rules = load_rules()
    started = time.perf_counter()
    with engine.connect() as conn:
        findings = evaluate(conn, rules, _as_of())
    evaluated = time.perf_counter() - started
    outcome = sync.record_and_sync(engine, rules, findings, sync.RunOrder(as_of=_as_of()))
    seconds = time.perf_counter() - started
    engine.dispose()
    churn = sum(outcome.summary[k] for k in ("opened", "reopened", "resolved", "updated"))
    return {"seconds": seconds, "evaluate_s": evaluated, "findings": len(findings),
            "churn": churn, **outcome.summary}  # fmt: off


def phase_latency(url: str, samples: int) -> dict[str, Any]:
    from sqlalchemy import text

    from compliance import db
    from compliance.engine.evaluate import Selection, evaluate
    from compliance.rules.validate import load_rules

    engine = db.make_engine(url)
    rules = load_rules()
    with engine.connect() as conn:
        query = "SELECT tax_code FROM enterprises ORDER BY tax_code LIMIT :n"
        codes = conn.execute(text(query), {"n": samples + 1}).scalars().all()
        latencies = []
        for number, code in enumerate(codes):
            started = time.perf_counter()
            evaluate(conn, rules, _as_of(), Selection.of(units=[code]), method="durable")
            if number:  # the first call starts the durable-rules worker: not a latency
                latencies.append(time.perf_counter() - started)
    engine.dispose()
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
        "n": len(latencies),
    }


def phase_partitioned(url: str, shares: int) -> dict[str, Any]:
    """The partitioned part of the flow, on Dask through Prefect, with 1 then 2 local workers."""
    os.environ["COMPLIANCE_DATABASE_URL"] = url
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from compliance.rules.validate import load_rules

    rules = load_rules()
    result: dict[str, Any] = {}
    # One Prefect server for the flow and the Dask workers, as in production (a Prefect worker
    # has PREFECT_API_URL). Without an API URL each Dask worker would start an ephemeral server
    # of its own inside its first share (~10 s on 2 cores), timed as if it were evaluation.
    server = SubprocessASGIServer()
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        for workers in (1, 2):
            result[f"w{workers}"] = _partitioned_once(rules, shares, workers)
    server.stop()
    return result


def _partitioned_once(rules: Any, shares: int, workers: int) -> dict[str, Any]:
    from compliance.engine.evaluate import Selection
    from compliance.flows.compliance_run import RunParameters, dask_runner, evaluate_partitioned

    runner = dask_runner(RunParameters(partitions=shares, workers=workers))
    started = time.perf_counter()
    evaluation = evaluate_partitioned.with_options(task_runner=runner)(
        rules, _as_of(), Selection(), shares
    )
    return {
        "seconds": evaluation.seconds,
        "with_startup_s": time.perf_counter() - started,
        "findings": len(evaluation.findings),
        "shares": evaluation.shares,
    }


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "import": phase_import,
    "evaluate": phase_evaluate,
    "run": phase_run,
    "latency": phase_latency,
    "partitioned": phase_partitioned,
    "web": web_national.phase_web,
}


def _phase_main(name: str, arguments: list[str]) -> None:
    values: list[Any] = [int(a) if a.isdigit() else a for a in arguments]
    result = PHASES[name](*values)
    result["rss_mib"] = _peak_mib()
    print("PHASE " + json.dumps(result, default=str), flush=True)


# The driver ------------------------------------------------------------------------------------


def _phase(name: str, *arguments: object, env: dict[str, str] | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.run", "--phase", name, *map(str, arguments)]
    console.print(f"[dim]… {name}[/dim]", highlight=False)
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    for line in done.stdout.splitlines():
        if line.startswith("PHASE "):
            return dict(json.loads(line[6:]))
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {done.returncode}: " + " | ".join(tail)}


def _registry(enterprises: int, province: str | None, out: Path) -> Path:
    from compliance.generate import GenerateOptions, generate_registry

    folder = out / f"registry-{province or 'all'}-{enterprises}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        options = GenerateOptions(
            provinces=(province,) if province else (), enterprises=enterprises
        )
        generate_registry(folder, options)
        (folder / ".complete").touch()
    return folder


def _database(kind: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    from sqlalchemy import create_engine, text

    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(kind, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return kind.rsplit("/", 1)[0] + f"/{name}", drop


def measure(scale: str, enterprises: int, province: str | None, args: argparse.Namespace) -> None:
    folder = _registry(enterprises, province, args.out)
    prefect_home = args.out / "prefect-home"
    prefect_env = {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
    keep = args.out / f"work-{scale}" if args.keep else None
    if keep:  # the databases, the run's reports and outputs, kept to compare with another version
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
    with tempfile.TemporaryDirectory() if keep is None else nullcontext(str(keep)) as tmp:
        commands: dict[str, Any] = {}
        runs: dict[str, Any] = {}
        postgres: dict[str, Any] = {}
        if "commands" in args.phases.split(","):
            commands = _commands(folder, Path(tmp), args)
            if "runs" in args.phases.split(",") and "import" in commands:
                runs = _runs(Path(commands["import"]["database"]), Path(tmp), args)
            if args.database != "sqlite":
                from benchmarks.postgres_commands import measure_guarded

                postgres = measure_guarded(folder, Path(tmp), args, commands)
        web: dict[str, Any] = {}
        if "web" in args.phases.split(","):  # the review UI on the runs' database
            web = web_national.measure(_phase, Path(tmp), runs, args)
        url, drop = _database(args.database, Path(tmp))
        try:
            phases = {"import": _phase("import", url, folder)}
            wanted = set(args.phases.split(","))
            if "evaluate" in wanted:
                phases["evaluate"] = _phase("evaluate", url, args.naive_limit)
            if "run" in wanted:
                phases["run"] = _phase("run", url)
                phases["rerun"] = _phase("run", url)
            if "latency" in wanted:
                phases["latency"] = _phase("latency", url, args.latency_samples)
            if "partitioned" in wanted and args.shares:
                phases["partitioned"] = _phase("partitioned", url, args.shares, env=prefect_env)
        finally:
            drop()
    report(scale, folder.name, "SQLite" if args.database == "sqlite" else "PostgreSQL", phases)
    if commands:
        report_commands(scale, folder.name, commands)
    if runs:
        report_runs(scale, folder.name, runs)
    if web:
        web_national.report(console, mark, scale, folder.name, web)
    if postgres:
        from benchmarks.postgres_commands import report as report_postgres

        report_postgres(scale, folder.name, postgres, commands, runs)


def _commands(folder: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The user's commands as whole processes (benchmarks/commands.py), on SQLite: with a
    PostgreSQL ``--database`` too, they are its reference (benchmarks/postgres_commands.py)."""
    from benchmarks.commands import measure as measure_commands

    console.print("[dim]… commands (import, evaluate) as whole processes[/dim]")
    try:
        return measure_commands(folder, work, args.runs)
    except Exception as exc:  # a failed command is a figure too: print it, keep going
        return {"error": f"{type(exc).__name__}: {exc}"}


def _runs(database: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """``compliance run`` (first, rerun, with a running server), ``compliance report``, and the
    nightly runs (benchmarks/run_commands.py), on SQLite, as whole processes."""
    from benchmarks import run_commands

    console.print("[dim]… compliance run (first, rerun), reports, nightly runs[/dim]")
    try:
        figures = run_commands.measure_runs(database, work)
        if args.nights:
            nights = run_commands.measure_nightly(work, args.nights)
            figures["nightly"] = nights | run_commands.extrapolate(
                nights, figures["registry_bytes"]
            )
        return figures
    except Exception as exc:  # a failed command is a figure too: print it, keep going
        return {"error": f"{type(exc).__name__}: {exc}"}


def report_runs(scale: str, registry: str, r: dict[str, Any]) -> None:
    national = scale == "national"
    table = Table(
        title=f"{scale}: {registry}, compliance run and reports (whole processes, SQLite)"
    )
    for heading in ("goal (issue 15)", "measured", "reference", ""):
        table.add_column(heading, justify="left" if heading.startswith("goal") else "right")

    if "error" in r:
        table.add_row("runs: FAILED", r["error"][:160], "", "")
        console.print(table)
        return
    first, again, served = r["first"], r["rerun"], r["rerun_server"]
    goal = "≤ 45 s, ≤ 2 GB" if national else "(goal is national)"
    table.add_row(
        f"compliance run, first {goal}",
        f"{_s(first['seconds'])}, {first['rss_mib']:,.0f} MiB",
        f"{first['counts'].get('opened', 0):,} tasks opened",
        mark(first["seconds"] <= 45 and first["rss_mib"] <= GB2) if national else "",
    )  # fmt: skip
    share = again["seconds"] / first["seconds"]
    table.add_row("  rerun, nothing changed ≤ 30 % of the first", _s(again["seconds"]),
                  f"{share:.0%} of {_s(first['seconds'])}", mark(share <= 0.30))  # fmt: skip
    table.add_row(
        "  task churn on the rerun = 0", f"{again['churn']:,}", "", mark(again["churn"] == 0)
    )
    growth = again["growth_bytes"] / 2**20
    table.add_row("  database growth on the rerun ≤ 1 MB", f"{growth:,.2f} MiB",
                  f"database {first['bytes'] / 2**20:,.0f} MiB", mark(growth <= 1))  # fmt: skip
    cost = again["seconds"] - served["seconds"]
    table.add_row("  rerun with a running `prefect server start`", _s(served["seconds"]),
                  f"temporary server costs {_s(cost)}", "")  # fmt: skip
    for fmt, limit in (("html", 5), ("xlsx", 5), ("pdf", 15)):
        rep = r["reports"][fmt]
        table.add_row(
            f"compliance report --format {fmt} (country) ≤ {limit} s" if national
            else f"compliance report --format {fmt} (country)",
            _s(rep["seconds"]), f"{rep['rss_mib']:,.0f} MiB, {rep['bytes'] / 1024:,.0f} KiB",
            mark(rep["seconds"] <= limit) if national else "",
        )  # fmt: skip
    if "nightly" in r:
        n = r["nightly"]
        table.add_row(
            "a year of nightly runs (1 % of units change) ≤ 2× the registry",
            f"{n['year_bytes'] / 2**30:,.2f} GiB = {n['ratio']:.2f}× the registry",
            f"{n['nights']} nights measured: median {n['per_night_bytes'] / 2**20:,.2f} MiB/night,"
            f" {statistics.median(n['finding_rows_written']):,.0f} finding rows/night",
            mark(n["ratio"] <= 2),
        )  # fmt: skip
    console.print(table)


def report_commands(scale: str, registry: str, c: dict[str, Any]) -> None:
    table = Table(title=f"{scale}: {registry}, the commands users type (whole processes, SQLite)")
    for heading in ("goal (issue 15)", "measured (median)", "reference (median)", "ratio", ""):
        table.add_column(heading, justify="left" if heading.startswith("goal") else "right")

    if "error" in c:
        table.add_row("commands: FAILED", c["error"][:120], "", "", "")
        console.print(table)
        return
    i, e = c["import"], c["evaluate"]
    ratio = i["seconds"] / i["reference_s"]
    table.add_row(
        "compliance import ≤ 4× bare import",
        f"{_s(i['seconds'])}, {i['rows']:,} rows ({i['rows'] / i['seconds']:,.0f} rows/s)",
        f"{_s(i['reference_s'])} ({i['reference']})", f"{ratio:.1f}×", mark(ratio <= 4),
    )  # fmt: skip
    peak = i["rss_mib"]
    table.add_row("  import peak RSS ≤ 1.5 GB", f"{peak:,.0f} MiB",
                  f"{i['reference_rss_mib']:,.0f} MiB", "", mark(peak <= GB1_5))  # fmt: skip
    ratio = e["seconds"] / e["reference_s"]
    table.add_row(
        "compliance evaluate --format jsonl (8 rules) ≤ 1.5× hand SQL",
        f"{_s(e['seconds'])}, {e['findings']:,} findings",
        f"{_s(e['reference_s'])} (hand_sql.py)", f"{ratio:.2f}×", mark(ratio <= 1.5),
    )  # fmt: skip
    table.add_row("  evaluate peak RSS", f"{e['rss_mib']:,.0f} MiB",
                  f"{e['reference_rss_mib']:,.0f} MiB", "", "")  # fmt: skip
    if e["mismatch"]:
        table.add_row("  [red]MISMATCH[/red] evaluate vs hand SQL", e["mismatch"], "", "", "")
    runs = ", ".join(
        f"{a:.1f}/{b:.1f}" for a, b in zip(i["runs"], i["reference_runs"], strict=True)
    )
    table.add_row("  runs, import / reference (s)", runs, "", "", "")
    runs = ", ".join(
        f"{a:.1f}/{b:.1f}" for a, b in zip(e["runs"], e["reference_runs"], strict=True)
    )
    table.add_row("  runs, evaluate / reference (s)", runs, "", "", "")
    console.print(table)


def mark(met: bool) -> str:
    return "[green]met[/green]" if met else "[red]missed[/red]"


def _s(value: float) -> str:
    return f"{value:,.2f} s"


def report(scale: str, registry: str, database: str, p: dict[str, dict[str, Any]]) -> None:
    table = Table(title=f"{scale}: {registry} on {database}", show_lines=False)
    for heading in ("figure", "measured", "goal", ""):
        table.add_column(heading, justify="left" if heading in ("figure", "") else "right")

    def row(figure: str, measured: str, goal: str = "", met: bool | None = None) -> None:
        table.add_row(figure, measured, goal, "" if met is None else mark(met))

    def failed(name: str) -> bool:
        if "error" in p.get(name, {}):
            row(f"{name}: FAILED", p[name]["error"][:120])
            return True
        return name not in p

    if not failed("import"):
        i = p["import"]
        rate = i["rows"] / i["seconds"]
        row("import", f"{i['rows']:,} rows in {_s(i['seconds'])} = {rate:,.0f} rows/s",
            "≥ 100,000 rows/s", rate >= 100_000)  # fmt: off
        row("  peak RSS (import)", f"{i['rss_mib']:,.0f} MiB")
    if not failed("evaluate"):
        e = p["evaluate"]
        row(
            "whole catalogue evaluated",
            f"{_s(e['catalogue_s'])}, {e['catalogue_findings']:,} findings",
        )
        ratio = e["engine_s"] / e["hand_s"]
        row("8 contract rules: engine", _s(e["engine_s"]))
        row("8 contract rules: hand-written SQL", _s(e["hand_s"]))
        row("  engine / hand SQL", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5)
        for line in e["mismatches"]:
            row("  [red]MISMATCH[/red]", line)
        if "naive" in e:
            n = e["naive"]
            sliced = n["asserted"] < n["facts"]
            label = (f"extrapolated from {n['asserted']:,} of {n['facts']:,} facts"
                     if sliced else f"all {n['facts']:,} facts")  # fmt: off
            row("8 contract rules: naive durable-rules", f"{_s(n['estimated_s'])} ({label})")
            row(
                "  of which: facts read by SQL / asserted",
                f"{_s(n['read_s'])} / {_s(n['assert_s'])}",
            )
            row("  naive: facts refused / findings wrong", f"{n['rejected']:,} / {n['wrong']:,}")
            speed = n["estimated_s"] / e["engine_s"]
            row("  naive durable / engine", f"{speed:.1f}× slower", "≥ 5×", speed >= 5)
        else:
            row("naive durable-rules: FAILED", e.get("naive_error", "?")[:120])
        row("  peak RSS (evaluation phase)", f"{e['rss_mib']:,.0f} MiB")
    if not failed("run"):
        r = p["run"]
        row("full run (evaluate + record + sync)",
            f"{_s(r['seconds'])} (evaluate {_s(r['evaluate_s'])}); {r['findings']:,} findings, "
            f"{r['opened']:,} tasks opened", "≤ 20 s" if scale == "national" else "",
            r["seconds"] <= 20 if scale == "national" else None)  # fmt: off
        row("  peak RSS (full run)", f"{r['rss_mib']:,.0f} MiB",
            "≤ 2 GB" if scale == "national" else "",
            r["rss_mib"] <= GB2 if scale == "national" else None)  # fmt: off
    if not failed("rerun") and "run" in p and "error" not in p["run"]:
        r, first = p["rerun"], p["run"]
        ratio = r["seconds"] / first["seconds"]
        row("rerun, registry unchanged", f"{_s(r['seconds'])} = {ratio:.0%} of the first",
            "≤ 30 %", ratio <= 0.30)  # fmt: off
        row("  task churn on rerun", f"{r['churn']:,}", "0", r["churn"] == 0)
        row("  peak RSS (rerun)", f"{r['rss_mib']:,.0f} MiB")
    if not failed("latency"):
        lat = p["latency"]
        shown = f"p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms (n={lat['n']})"
        row("single unit, durable worker", shown, "p95 ≤ 50 ms", lat["p95_ms"] <= 50)
    if "partitioned" in p and not failed("partitioned"):
        w1, w2 = p["partitioned"]["w1"], p["partitioned"]["w2"]
        if w1["shares"] < 2:
            row("partitioned evaluation", "one province: nothing to split (see national)")
            console.print(table)
            return
        speedup = w1["seconds"] / w2["seconds"]
        row(f"partitioned evaluation, {w1['shares']} shares, Dask 1 worker",
            f"{_s(w1['seconds'])} ({_s(w1['with_startup_s'])} with cluster start)")  # fmt: off
        row(
            "  Dask 2 local workers", f"{_s(w2['seconds'])} ({_s(w2['with_startup_s'])} with start)"
        )
        row("  speedup, 2 workers", f"{speedup:.2f}×", "≥ 1.6×", speedup >= 1.6)
        if w1["findings"] != w2["findings"]:
            row("  [red]MISMATCH[/red]", f"{w1['findings']:,} vs {w2['findings']:,} findings")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: off
    parser.add_argument("--scale", choices=["province", "national", "both"], default="both")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (a temporary file), or the admin URL of a PostgreSQL server",
    )
    parser.add_argument("--enterprises", type=int, help="override the province size")
    parser.add_argument(
        "--naive-limit",
        type=int,
        default=50_000,
        help="facts per rule asserted by the naive baseline (rest extrapolated)",
    )
    parser.add_argument("--latency-samples", type=int, default=50)
    parser.add_argument(
        "--shares", type=int, default=4, help="partitions of the Dask measurement; 0 skips it"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where generated registries are kept")
    parser.add_argument(
        "--phases",
        default="commands,runs,web,evaluate,run,latency,partitioned",
        help="what to measure after the import (comma-separated)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each whole-process command (median)"
    )
    parser.add_argument(
        "--nights", type=int, default=12, help="nightly runs simulated (0 skips them)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep OUT/work-SCALE: databases, reports"
    )
    parser.add_argument("--web-seconds", type=float, default=30, help="web load per scope")
    parser.add_argument("--web-reviewers", type=int, default=50)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.phase:
        _phase_main(args.phase, rest)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for scale in ("province", "national") if args.scale == "both" else (args.scale,):
        enterprises, province = SCALES[scale]
        if scale == "province" and args.enterprises:
            enterprises = args.enterprises
        measure(scale, enterprises, province, args)


if __name__ == "__main__":
    main()
