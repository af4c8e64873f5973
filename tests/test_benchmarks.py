"""The benchmark command runs end to end on a tiny registry (figures are not checked: no timing
asserts in tests)."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmarks import web_national
from benchmarks.run import mark
from benchmarks.web_national import LOGIN
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_command_prints_every_figure(tmp_path):
    command = [sys.executable, "-m", "benchmarks", "--scale", "province", "--enterprises", "300",
               "--out", str(tmp_path), "--latency-samples", "3", "--runs", "1", "--phases",
               "commands,runs,web,evaluate,run,latency", "--nights", "2", "--web-seconds", "2",
               "--web-reviewers", "2"]  # fmt: off
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    for figure in ("import", "engine / hand SQL", "naive durable / engine", "task churn on rerun",
                   "single unit, durable worker", "compliance import ≤ 4× bare import",
                   "compliance evaluate --format jsonl (8 rules) ≤ 1.5× hand SQL",
                   "compliance run, first", "rerun, nothing changed ≤ 30 % of the first",
                   "database growth on the rerun ≤ 1 MB", "running `prefect server start`",
                   "compliance report --format pdf", "a year of nightly runs",
                   "review UI, 2 reviewers, province 80", "review UI, 2 reviewers, country",
                   "slowest: GET "):  # fmt: off
        assert figure in done.stdout
    assert "FAILED" not in done.stdout and "MISMATCH" not in done.stdout


def _figures(p95: float, errors: int = 0) -> dict[str, Any]:
    page = {"count": 10, "errors": errors, "p50": p95 / 2, "p95": p95, "p99": p95, "max": p95}
    login = {**page, "errors": 0, "p95": 5000.0}
    labels = {"GET /units?q=…": page, "GET /api/findings": {**page, "p95": 1.0}, LOGIN: login}
    return {"elapsed_s": 10.0, "labels": labels, "all": page, "pages": page, "scope": "x"}


def test_web_phase_is_skipped_without_a_run_database(tmp_path):
    def phase(*arguments: object) -> dict[str, Any]:
        raise AssertionError(f"no server may start: {arguments}")

    args = argparse.Namespace(web_reviewers=50, web_seconds=30.0)
    (tmp_path / "run.db").touch()
    for runs in ({}, {"error": "compliance run exit 1"}):
        assert "skipped" in web_national.measure(phase, tmp_path, runs, args)
    assert "skipped" in web_national.measure(phase, tmp_path / "none", {"first": {}}, args)
    called = web_national.measure(lambda *a: {"arguments": a}, tmp_path, {"first": {}}, args)
    assert called == {"arguments": ("web", tmp_path / "run.db", 50, 30)}


def test_web_report_marks_each_scope_and_names_the_slowest_page():
    out = io.StringIO()
    console = Console(file=out, width=300, no_color=True)
    figures = {"reviewers": 50, "seconds": 30, "province": _figures(120), "country": _figures(900)}
    web_national.report(console, mark, "national", "registry-all", figures)
    rows = out.getvalue().splitlines()
    province = next(r for r in rows if "review UI" in r and "p95 120 ms" in r)
    country = next(r for r in rows if "review UI" in r and "p95 900 ms" in r)
    assert "met" in province and "missed" not in province
    assert "missed" in country
    assert "slowest: GET /units?q=… p95 900 ms" in country  # the login is not a page

    out.truncate(0)
    web_national.report(console, mark, "national", "registry-all", {"skipped": "no run database"})
    assert "web: skipped" in out.getvalue()
