"""The benchmark command runs end to end on a tiny registry (figures are not checked: no timing
asserts in tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_command_prints_every_figure(tmp_path):
    command = [sys.executable, "-m", "benchmarks", "--scale", "province", "--enterprises", "300",
               "--out", str(tmp_path), "--latency-samples", "3", "--runs", "1", "--phases",
               "commands,runs,evaluate,run,latency", "--nights", "2"]  # fmt: off
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    for figure in ("import", "engine / hand SQL", "naive durable / engine", "task churn on rerun",
                   "single unit, durable worker", "compliance import ≤ 4× bare import",
                   "compliance evaluate --format jsonl (8 rules) ≤ 1.5× hand SQL",
                   "compliance run, first", "rerun, nothing changed ≤ 30 % of the first",
                   "database growth on the rerun ≤ 1 MB", "running `prefect server start`",
                   "compliance report --format pdf", "a year of nightly runs"):  # fmt: off
        assert figure in done.stdout
    assert "FAILED" not in done.stdout and "MISMATCH" not in done.stdout
