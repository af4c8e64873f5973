"""``compliance run`` and ``compliance report`` as whole processes, and a year of nightly runs.

On a copy of the database ``compliance import`` wrote (benchmarks/commands.py):

* ``compliance run --as-of D``, the first run: a real Prefect flow run on a temporary local
  server (what a new user gets), wall time and peak RSS of the whole process;
* the same command again, nothing changed: its share of the first, the task churn it caused
  (the run's recorded counts) and how much the database grew (file size after a checkpoint);
* the same rerun once more against a running ``prefect server start`` (``PREFECT_API_URL``):
  the difference is what the temporary server costs every command;
* ``compliance report --format html|xlsx|pdf`` of the country from that run;
* nightly runs: each night 1 % of the enterprises and 1 % of the unions change (workers,
  members), the day moves on, the run is recorded (evaluation, findings, tasks: the flow's
  steps in one process, without Prefect and reports, which add no rows); the database's growth
  per night is extrapolated to 365 nights and compared with the registry's own size.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from benchmarks.commands import _compliance, timed
from benchmarks.evaluation import AS_OF
from benchmarks.web_load import free_port

ROOT = Path(__file__).resolve().parent.parent


def db_size(path: Path) -> int:
    """Bytes of the database once the write-ahead log is folded in (what it really holds)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def _last_run(path: Path) -> dict[str, Any]:
    with closing(sqlite3.connect(path)) as conn:
        run_id, counts = conn.execute(
            "SELECT id, counts FROM compliance_runs WHERE kind = 'compliance' ORDER BY id DESC"
        ).fetchone()
        findings = conn.execute("SELECT count(*) FROM findings").fetchone()[0]
    counts = json.loads(counts or "{}")
    churn = sum(counts.get(k, 0) for k in ("opened", "reopened", "resolved", "updated"))
    return {"run_id": run_id, "counts": counts, "churn": churn, "finding_rows": findings}


def _running_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``prefect server start`` as an operator runs it, on a free port; its API URL."""
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return server, api
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("prefect server start did not answer in 120 s")


def run_env(url: str, reports: Path, prefect_home: Path) -> dict[str, str]:
    """What ``compliance run`` and ``report`` get: the database, the reports folder, and a
    Prefect home of their own (a temporary server unless PREFECT_API_URL is added)."""
    return {
        "COMPLIANCE_DATABASE_URL": url,
        "COMPLIANCE_REPORTS_DIR": str(reports),
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }


def measure_runs(imported: Path, work: Path, report_runs: int = 1) -> dict[str, Any]:
    """The run commands on a copy of ``imported`` (a migrated SQLite registry)."""
    database = work / "run.db"
    with closing(sqlite3.connect(imported)) as source, closing(sqlite3.connect(database)) as copy:
        source.backup(copy)
    registry_bytes = db_size(database)
    reports = work / "reports"
    reports.mkdir(exist_ok=True)
    env = run_env(f"sqlite:///{database}", reports, work / "prefect-temporary")
    # the temporary server first (what a new user gets): no PREFECT_API_URL while it runs
    saved = os.environ.pop("PREFECT_API_URL", None)
    try:
        return _runs(database, work, env, registry_bytes, report_runs)
    finally:
        if saved is not None:
            os.environ["PREFECT_API_URL"] = saved


def _runs(
    database: Path, work: Path, env: dict[str, str], registry_bytes: int, report_runs: int
) -> dict[str, Any]:
    run = [*_compliance(), "run", "--as-of", AS_OF.isoformat()]
    result: dict[str, Any] = {"registry_bytes": registry_bytes}
    seconds, peak, _ = timed(run, env)
    result["first"] = {"seconds": seconds, "rss_mib": peak, **_last_run(database)}
    after_first = db_size(database)
    result["first"]["bytes"] = after_first
    seconds, peak, _ = timed(run, env)
    result["rerun"] = {"seconds": seconds, "rss_mib": peak, **_last_run(database)}
    result["rerun"]["growth_bytes"] = db_size(database) - after_first
    server, api = _running_server(work / "prefect-server")
    try:
        before = db_size(database)
        seconds, peak, _ = timed(run, {**env, "PREFECT_API_URL": api})
        result["rerun_server"] = {"seconds": seconds, "rss_mib": peak, **_last_run(database)}
        result["rerun_server"]["growth_bytes"] = db_size(database) - before
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    result["reports"] = {}
    for fmt in ("html", "xlsx", "pdf"):
        out = work / f"report.{fmt}"
        times, peaks = [], []
        for _ in range(report_runs):
            command = [*_compliance(), "report", "--as-of", AS_OF.isoformat(), "--format", fmt]
            seconds, peak, _ = timed([*command, "--out", str(out)], env)
            times.append(seconds)
            peaks.append(peak)
        result["reports"][fmt] = {
            "seconds": statistics.median(times), "rss_mib": max(peaks), "bytes": out.stat().st_size
        }  # fmt: skip
    return result


# -- nightly runs (its own process: ``python -m benchmarks.run_commands nightly DB NIGHTS``) ----


def _change_one_percent(conn: sqlite3.Connection, rng: random.Random) -> int:
    """1 % of the enterprises and of the unions change what a run reads (workers, members)."""
    changed = 0
    for table, key, column in (("enterprises", "tax_code", "workers"),
                               ("unions", "code", "members")):  # fmt: skip
        keys = [k for (k,) in conn.execute(f"SELECT {key} FROM {table}")]  # noqa: S608
        picked = rng.sample(keys, max(1, len(keys) // 100))
        conn.executemany(
            f"UPDATE {table} SET {column} = coalesce({column}, 0) + ? WHERE {key} = ?",  # noqa: S608
            [(rng.choice((-3, -1, 1, 2, 5, 30)), k) for k in picked],
        )
        changed += len(picked)
    conn.commit()
    return changed


def nightly(path: Path, nights: int) -> dict[str, Any]:
    from compliance import db
    from compliance.engine.evaluate import evaluate
    from compliance.engine.programme_rules import catalogue
    from compliance.followup.sync import RunOrder, record_and_sync

    engine = db.make_engine(f"sqlite:///{path}")
    rules = catalogue()
    rng = random.Random(15)
    sizes, seconds, written = [db_size(path)], [], []
    for night in range(1, nights + 1):
        with closing(sqlite3.connect(path)) as raw:
            _change_one_percent(raw, rng)
            rows_before = raw.execute("SELECT count(*) FROM findings").fetchone()[0]
        day = AS_OF + dt.timedelta(days=night)
        started = time.perf_counter()
        with engine.connect() as conn:
            findings = evaluate(conn, rules, day)
        record_and_sync(engine, rules, findings, RunOrder(as_of=day))
        seconds.append(time.perf_counter() - started)
        sizes.append(db_size(path))
        with closing(sqlite3.connect(path)) as raw:
            written.append(raw.execute("SELECT count(*) FROM findings").fetchone()[0] - rows_before)
    engine.dispose()
    return {"nights": nights, "sizes": sizes, "seconds": seconds, "finding_rows_written": written}


def measure_nightly(work: Path, nights: int) -> dict[str, Any]:
    """Nightly runs on the database the run commands left (it holds their runs already)."""
    database = work / "run.db"
    with tempfile.NamedTemporaryFile("w+", suffix=".json", dir=work) as out:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.run_commands", "nightly", str(database),
             str(nights), out.name],
            cwd=ROOT, check=True,
        )  # fmt: skip
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def extrapolate(nightly_figures: dict[str, Any], registry_bytes: int) -> dict[str, Any]:
    """A year of nights from the measured ones: the median growth of a night × 365, on top of
    the database after the first run (the first nights' growth includes the free pages SQLite
    reuses later, so the median, not the mean)."""
    sizes = nightly_figures["sizes"]
    growth = [b - a for a, b in zip(sizes, sizes[1:], strict=False)]
    per_night = statistics.median(growth) if growth else 0
    year = sizes[0] + 365 * per_night
    return {"per_night_bytes": per_night, "year_bytes": year, "ratio": year / registry_bytes}


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "nightly":
    figures = nightly(Path(sys.argv[2]), int(sys.argv[3]))
    Path(sys.argv[4]).write_text(json.dumps(figures), encoding="utf-8")
