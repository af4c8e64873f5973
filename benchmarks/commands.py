"""The user's commands as whole processes, each against a reference run in the same benchmark.

* ``compliance import DIR`` (into a migrated, empty SQLite database) against sqlite3's bare
  ``.import`` of the same CSV files into a new database (no parsing, no checks: the floor). When
  the sqlite3 shell is absent, the reference is Python's ``sqlite3`` ``executemany`` of the raw
  CSV rows in a process of its own, and the figure says so.
* ``compliance evaluate --as-of D --format jsonl`` with the eight contract rules against
  benchmarks/hand_sql.py (the same rules by hand in SQL, its own process, the same JSONL). The
  two outputs must be equal line for line, or the figure says MISMATCH.

Each is run ``runs`` times, alternating with its reference, and the medians are compared (the
machine is shared: a ratio from the same minutes means more than a time). Peak RSS is each
process's own (``os.wait4``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.evaluation import AS_OF, HAND_SQL, parameters

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_RULES = sorted(HAND_SQL)


def _compliance() -> list[str]:
    """The installed command when it is there (what users type), else ``python -m``."""
    script = Path(sys.executable).with_name("compliance")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from compliance.cli import app; app()"]


def timed(command: list[str], env: dict[str, str] | None = None, stdout: Path | None = None
          ) -> tuple[float, float, int]:  # fmt: skip
    """(seconds, peak RSS in MiB, exit code) of one process, its own figures only."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    if process.returncode:
        tail = errors.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{command[0]} exit {process.returncode}: " + " | ".join(tail))
    return seconds, usage.ru_maxrss / 1024, process.returncode


def timed_import(folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """``compliance import`` of ``folder`` into the database ``env`` names, migrated first
    (schema creation is not the import): (seconds, peak RSS in MiB)."""
    timed([*_compliance(), "db", "upgrade"], env)
    seconds, peak, _ = timed(
        [*_compliance(), "import", str(folder), "--no-progress",
         "--effective-date", AS_OF.isoformat()], env,
    )  # fmt: skip
    return seconds, peak


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _bare_import(folder: Path, database: Path) -> tuple[list[str], str]:
    """The reference command for an import and what it is."""
    tables = sorted(folder.glob("*.csv"))
    sqlite = shutil.which("sqlite3")
    if sqlite:
        imports = [f".import '{p}' {p.stem}" for p in tables]
        return [sqlite, str(database), ".mode csv", *imports], "sqlite3 .import"
    command = [sys.executable, str(ROOT / "benchmarks" / "bare_import.py"), str(database)]
    command.append(str(folder))
    return command, "Python sqlite3 executemany (no sqlite3 shell here)"


def _count_rows(folder: Path) -> int:
    total = 0
    for path in folder.glob("*.csv"):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            total += sum(1 for _ in csv.reader(handle)) - 1
    return total


def measure_import(folder: Path, work: Path, runs: int) -> dict[str, Any]:
    """``compliance import`` against the bare import, ``runs`` times each, alternating."""
    ours, bare, peaks, bare_peaks = [], [], [], []
    database = work / "import.db"
    env = {"COMPLIANCE_DATABASE_URL": f"sqlite:///{database}"}
    reference = ""
    for _ in range(runs):
        _fresh(database)
        seconds, peak = timed_import(folder, env)
        ours.append(seconds)
        peaks.append(peak)
        target = work / "bare.db"
        _fresh(target)
        command, reference = _bare_import(folder, target)
        seconds, peak, _ = timed(command)
        bare.append(seconds)
        bare_peaks.append(peak)
        _fresh(target)
    return {
        "rows": _count_rows(folder),
        "seconds": statistics.median(ours),
        "runs": ours,
        "rss_mib": max(peaks),
        "reference": reference,
        "reference_s": statistics.median(bare),
        "reference_runs": bare,
        "reference_rss_mib": max(bare_peaks),
        "database": str(database),
    }


def _hand_parameters(rules: Any) -> dict[str, Any]:
    """What hand_sql.py reads: the judged periods, the complaint deadlines, the versions."""
    import datetime as dt

    params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in parameters().items()}
    complaint = next(r for r in rules if r.id == "complaint.resolution").rule
    values = complaint.parameter_values(None)
    days, complex_days = values["resolution_days"], values["complex_resolution_days"]
    params.update(
        days=days,
        complex_days=complex_days,
        d30=(AS_OF - dt.timedelta(days=days)).isoformat(),
        d45=(AS_OF - dt.timedelta(days=complex_days)).isoformat(),
    )
    return {"params": params, "versions": {r.id: r.version for r in rules}}


def measure_evaluate(database: str, work: Path, runs: int) -> dict[str, Any]:
    """``compliance evaluate --format jsonl`` (eight rules) against hand_sql.py, alternating."""
    hand = [sys.executable, str(ROOT / "benchmarks" / "hand_sql.py"), database]
    return compare_evaluate(f"sqlite:///{database}", hand, work, runs)


def compare_evaluate(
    url: str, hand: list[str], work: Path, runs: int, prefix: str = ""
) -> dict[str, Any]:
    """``compliance evaluate`` on ``url`` against the ``hand`` command (given the parameter
    file last), ``runs`` times each, alternating; their outputs are PREFIX{evaluate,hand}.jsonl."""
    from compliance.rules.validate import load_rules

    rules = [r for r in load_rules() if r.id in HAND_SQL]
    given = work / "hand-params.json"
    given.write_text(json.dumps(_hand_parameters(rules)), encoding="utf-8")
    env = {"COMPLIANCE_DATABASE_URL": url}
    command = [*_compliance(), "evaluate", "--as-of", AS_OF.isoformat(), "--format", "jsonl"]
    for rule in CONTRACT_RULES:
        command += ["--rule", rule]
    hand = [*hand, str(given)]
    ours_out, hand_out = work / f"{prefix}evaluate.jsonl", work / f"{prefix}hand.jsonl"
    ours, theirs, peaks, hand_peaks = [], [], [], []
    for _ in range(runs):
        seconds, peak, _ = timed(command, env, stdout=ours_out)
        ours.append(seconds)
        peaks.append(peak)
        seconds, peak, _ = timed(hand, stdout=hand_out)
        theirs.append(seconds)
        hand_peaks.append(peak)
    mine = ours_out.read_text(encoding="utf-8").splitlines()
    return {
        "findings": len(mine),
        "seconds": statistics.median(ours),
        "runs": ours,
        "rss_mib": max(peaks),
        "reference_s": statistics.median(theirs),
        "reference_runs": theirs,
        "reference_rss_mib": max(hand_peaks),
        "mismatch": difference(mine, hand_out.read_text(encoding="utf-8").splitlines()),
        "output": str(ours_out),
    }


def difference(mine: list[str], reference: list[str], name: str = "hand SQL") -> str:
    """Empty when the two outputs are equal line for line, else what differs, with an example."""
    if mine == reference:
        return ""
    only_ours, only_hand = set(mine) - set(reference), set(reference) - set(mine)
    example = next(iter(only_ours or only_hand), "order differs")
    return (f"{len(only_ours):,} lines only from compliance, {len(only_hand):,} only "
            f"from {name}, e.g. {example[:160]}")  # fmt: skip


def measure(folder: Path, work: Path, runs: int) -> dict[str, Any]:
    """Both commands; the evaluation reads the database the last import wrote."""
    imported = measure_import(folder, work, runs)
    return {"import": imported, "evaluate": measure_evaluate(imported["database"], work, runs)}
