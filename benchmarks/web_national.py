"""The review UI under load with a run's database behind it (issue 15): phase ``web``.

After the runs phase (benchmarks/run_commands.py), its database (``run.db``: the registry, the
recorded runs, the open tasks) is served by ``compliance serve`` and loaded by reviewers as
benchmarks/web_load.py does it, twice: accounts scoped to the province with the most open
tasks, then accounts scoped to the country (every list and count over the whole registry).
One row per scope: the p95 of all requests against the goal (≤ 300 ms, no errors), the slowest
request and the figures of each request. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

GOAL_MS = 300.0
SCOPES = ("province", "country")
LOGIN = "POST /login"  # web_load's label (imported lazily: it brings the whole package)


def phase_web(database: str, reviewers: int, seconds: int) -> dict[str, Any]:
    """Both scopes, one after the other, each with a server of its own (its own process)."""
    from benchmarks.web_load import Options, existing, run_load

    path = Path(database)
    options = Options(reviewers=reviewers, seconds=seconds)
    result: dict[str, Any] = {"reviewers": reviewers, "seconds": seconds}
    for scope in SCOPES:
        try:
            result[scope] = run_load(path, existing(path, scope, reviewers), options)
        except (Exception, SystemExit) as exc:  # a failed scope is a figure too: keep going
            result[scope] = {"error": f"{type(exc).__name__}: {exc}"}
    return result


def measure(
    phase: Callable[..., dict[str, Any]], work: Path, runs: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    """The phase on ``work``/run.db, or why not (the runs phase did not leave a database)."""
    database = work / "run.db"
    if not runs or "error" in runs or not database.is_file():
        return {"skipped": "no run database: select the phases commands,runs before web"}
    return phase("web", database, args.web_reviewers, round(args.web_seconds))


def slowest(figures: dict[str, Any]) -> tuple[str, dict[str, float]]:
    """The request label with the highest p95 (logins excluded: argon2 is slow on purpose)."""
    labels = {k: v for k, v in figures["labels"].items() if k != LOGIN}
    if not labels:
        return "—", {"p95": 0.0}
    label = max(labels, key=lambda k: labels[k]["p95"])
    return label, labels[label]


def report(
    console: Console, mark: Callable[[bool], str], scale: str, registry: str, w: dict[str, Any]
) -> None:
    national = scale == "national"
    if "skipped" in w or "error" in w:
        title = f"{scale}: {registry}, the review UI under load"
    else:
        title = (
            f"{scale}: {registry}, the review UI under load "
            f"({w['reviewers']} reviewers, {w['seconds']} s a scope, SQLite)"
        )
    table = Table(title=title)
    for heading in ("goal (issue 15)", "measured", "reference", ""):
        table.add_column(heading, justify="left" if heading.startswith("goal") else "right")
    if "skipped" in w or "error" in w:
        word = "skipped" if "skipped" in w else "FAILED"
        table.add_row(f"web: {word}", str(w.get("skipped") or w.get("error"))[:160], "", "")
        console.print(table)
        return
    for scope in SCOPES:
        figures = w[scope]
        if "error" in figures:
            table.add_row(f"web ({scope}): FAILED", figures["error"][:160], "", "")
            continue
        every = figures["all"]
        met = every["p95"] <= GOAL_MS and every["errors"] == 0
        goal = f"p95 ≤ {GOAL_MS:.0f} ms, 0 errors" if national else "(goal is national)"
        label, worst = slowest(figures)
        table.add_row(
            f"review UI, {w['reviewers']} reviewers, {figures['scope']}: {goal}",
            f"p95 {every['p95']:,.0f} ms (pages only {figures['pages']['p95']:,.0f}), "
            f"{every['count']:,} requests, {every['errors']:,} errors",
            f"slowest: {label} p95 {worst['p95']:,.0f} ms",
            mark(met) if national else "",
        )  # fmt: skip
        for name, f in figures["labels"].items():
            table.add_row(
                f"  {name}", f"p50 {f['p50']:,.0f} / p95 {f['p95']:,.0f} / p99 {f['p99']:,.0f} ms",
                f"{f['count']:,} requests, {f['errors']:,} errors", "",
            )  # fmt: skip
        rss = figures.get("server_rss_mib")
        table.add_row(
            "  server peak RSS", "?" if rss is None else f"{rss:,.0f} MiB",
            f"{every['count'] / figures['elapsed_s']:,.0f} requests/s", "",
        )  # fmt: skip
    console.print(table)
