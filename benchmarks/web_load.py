"""Load on the review UI: concurrent reviewers against `compliance serve`, latency figures.

    .venv/bin/python benchmarks/web_load.py     # 50 reviewers, 60 s, 20,000 enterprises
    .venv/bin/python benchmarks/web_load.py --think 0 --seconds 30      # no reading: saturation
    .venv/bin/python benchmarks/web_load.py --database run.db --scope country   # a run's database

A generated province is imported and run once (cached in benchmarks/out/), accounts are added,
and the real server is started as its own process (uvicorn, the command users run). Each
reviewer is an httpx client with its own session doing what a committee member does: the
dashboard, the flagged list with a filter, a page further, a search, a case file, the JSON API,
and (inspectors) a task change. Like locust's users, a reviewer reads each page before the next
(``--think``, 1–3 s by default) and the reviewers arrive over ``--ramp`` seconds (they do not
all log in in the same second). Every request's latency is recorded; the figures are printed.
With ``--database``, a database that already holds a recorded run (the national benchmark's,
``python -m benchmarks`` phase ``web``) is loaded instead, by country-scoped accounts or by
those of the province with the most open tasks (added when missing).
Goal (issue 5): p95 < 300 ms with 50 reviewers on 2 cores, zero errors. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from compliance import db
from compliance.accounts import add_user
from compliance.engine.evaluate import evaluate
from compliance.followup.sync import RunOrder, record_and_sync
from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules

OUT = Path(__file__).parent / "out"
AS_OF = dt.date(2026, 10, 1)
PASSWORD = "benchmark-mật-khẩu"
LOGIN = "POST /login"
console = Console()


def prepare(enterprises: int) -> Path:
    """A province registry with one recorded run and accounts, built once and kept."""
    path = OUT / f"web-load-80-{enterprises}.db"
    if path.exists():  # kept from an earlier version: brought to this version's schema
        engine = db.make_engine(f"sqlite:///{path}")
        db.upgrade(engine)
        engine.dispose()
        return path
    OUT.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{partial}")
    db.upgrade(engine)
    folder = OUT / f"web-load-80-{enterprises}"
    if not folder.exists():
        with console.status("Generating the province…"):
            generate_registry(folder, GenerateOptions(provinces=("80",), enterprises=enterprises))
    with console.status("Importing, evaluating, recording…"):
        import_folder(engine, folder, effective_date=AS_OF)
        rules = load_rules()
        with engine.connect() as conn:
            findings = evaluate(conn, rules, AS_OF)
        record_and_sync(engine, rules, findings, RunOrder(as_of=AS_OF))
    for i in range(50):
        role = "inspector" if i % 2 == 0 else "viewer"
        add_user(engine, f"reviewer{i:02d}", role, PASSWORD, "80")
    engine.dispose()
    with closing(sqlite3.connect(partial)) as raw:  # fold the WAL in before the rename
        raw.execute("PRAGMA journal_mode=DELETE")
    partial.rename(path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Recorder:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    @staticmethod
    def reading(rng: random.Random, think: tuple[float, float]):  # type: ignore[no-untyped-def]
        async def pause() -> None:
            await asyncio.sleep(rng.uniform(*think))

        return pause

    async def call(self, client: httpx.AsyncClient, label: str, method: str, url: str, **kw):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            response = await client.request(method, url, **kw)
            ok = response.status_code < 400
        except httpx.HTTPError:
            response, ok = None, False
        self.latency[label].append(time.perf_counter() - start)
        if not ok:
            self.errors[label] += 1
        return response


@dataclass(frozen=True)
class Load:
    base: str
    stop: float
    think: tuple[float, float]
    ramp: float
    reviewers: int


@dataclass(frozen=True)
class Target:
    """Who logs in (accounts ``prefix``00, ``prefix``01, …) and what they open: units and open
    tasks inside the accounts' scope (a 403 would count as an error, not as a page read)."""

    prefix: str
    scope_code: str | None
    units: list[str]
    tasks: list[int]

    @property
    def label(self) -> str:
        return "country" if self.scope_code is None else f"province {self.scope_code}"


@dataclass(frozen=True)
class Options:
    reviewers: int = 50
    seconds: float = 60
    workers: int = 1
    think: tuple[float, float] = (1.0, 3.0)
    ramp: float = 10.0


async def reviewer(index: int, load: Load, recorder: Recorder, target: Target) -> None:
    rng = random.Random(index)
    html = {"Accept": "text/html"}
    await asyncio.sleep(load.ramp * index / load.reviewers)
    stop = load.stop
    units, tasks = target.units, target.tasks
    async with httpx.AsyncClient(base_url=load.base, timeout=30) as client:
        read = recorder.reading(rng, load.think)
        login = await recorder.call(
            client, LOGIN, "POST", "/login",
            data={"username": f"{target.prefix}{index:02d}", "password": PASSWORD},
        )  # fmt: off
        if login is None or login.status_code != 200:
            return
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        inspector = index % 2 == 0
        while time.monotonic() < stop:
            unit = rng.choice(units)
            await read()
            await recorder.call(client, "GET / (dashboard)", "GET", "/", headers=html)
            await read()
            await recorder.call(
                client, "GET /units?rule=…", "GET", "/units",
                params={"rule": rng.choice(["union.establishment", "review.quarterly",
                                            "union_fee.paid", "rating.annual"])},
                headers=html,
            )  # fmt: off
            await read()
            await recorder.call(
                client, "GET /units?page=N", "GET", "/units",
                params={"page": rng.randint(2, 20)}, headers=html,
            )  # fmt: off
            await read()
            await recorder.call(
                client, "GET /units?q=…", "GET", "/units", params={"q": "Công ty"}, headers=html
            )
            await read()
            await recorder.call(client, "GET /units/{code}", "GET", f"/units/{unit}", headers=html)
            await read()
            await recorder.call(client, "GET /api/findings", "GET", "/api/findings")
            await read()
            await recorder.call(client, "GET /api/units/{code}", "GET", f"/api/units/{unit}")
            if inspector:
                await read()
                await recorder.call(
                    client, "PATCH /api/tasks/{id}", "PATCH", f"/api/tasks/{rng.choice(tasks)}",
                    json={"assignee": f"Cán bộ {index:02d}"},
                )  # fmt: off


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def drive(load: Load, target: Target) -> Recorder:
    recorder = Recorder()
    await asyncio.gather(*(reviewer(i, load, recorder, target) for i in range(load.reviewers)))
    return recorder


def targets(path: Path, prefix: str, scope_code: str | None) -> Target:
    """The units and open tasks the accounts can reach (all of them for a country account)."""
    engine = db.make_engine(f"sqlite:///{path}")
    where = "status IN ('open', 'in_progress', 'escalated')"
    params = {}
    if scope_code is not None:
        where += " AND province_code = :scope"
        params["scope"] = scope_code
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, unit FROM follow_up_tasks WHERE {where}"), params)  # noqa: S608
        tasks, units = [], set()
        for task, unit in rows:
            tasks.append(task)
            units.add(unit)
    engine.dispose()
    return Target(prefix, scope_code, sorted(units), tasks)


def busiest_province(path: Path) -> str:
    """The province with the most open tasks: its reviewers read the longest lists."""
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute(
            "SELECT province_code FROM follow_up_tasks"
            " WHERE status IN ('open', 'in_progress', 'escalated') AND province_code IS NOT NULL"
            " GROUP BY province_code ORDER BY count(*) DESC, province_code LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit(f"{path}: no open task with a province: record a run first")
    return str(row[0])


def existing(path: Path, scope: str, reviewers: int) -> Target:
    """Accounts of ``scope`` (country or the busiest province) on a database that already holds
    a recorded run, added when missing (names say the scope, so both kinds live side by side)."""
    code = None if scope == "country" else busiest_province(path)
    prefix = "country-reviewer" if code is None else f"p{code}-reviewer"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM users")).scalars())
    for i in range(reviewers):
        if f"{prefix}{i:02d}" not in names:
            role = "inspector" if i % 2 == 0 else "viewer"
            add_user(engine, f"{prefix}{i:02d}", role, PASSWORD, code)
    engine.dispose()
    return targets(path, prefix, code)


def _peak_mib(pid: int) -> float | None:
    """The server's peak RSS (VmHWM) while it still runs; None where /proc does not say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_load(path: Path, target: Target, options: Options) -> dict[str, Any]:
    """``compliance serve`` on ``path`` under the reviewers' load: the figures, per request label
    and for all requests (milliseconds), the wall time and the server's peak RSS."""
    url = f"sqlite:///{path}"
    port = free_port()
    env = dict(os.environ, COMPLIANCE_DATABASE_URL=url)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "compliance"), "serve", "--port", str(port),
         "--workers", str(options.workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: off
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
            if time.monotonic() > deadline or server.poll() is not None:
                assert server.stderr is not None
                server.kill()
                error = server.stderr.read()[-2000:].decode(errors="replace")
                raise SystemExit(f"compliance serve did not start: {error}")
        started = time.perf_counter()
        load = Load(
            base, time.monotonic() + options.ramp + options.seconds, options.think, options.ramp,
            options.reviewers,
        )  # fmt: off
        recorder = asyncio.run(drive(load, target))
        elapsed = time.perf_counter() - started
        peak = _peak_mib(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return summarise(recorder, elapsed) | {"server_rss_mib": peak, "scope": target.label}


def summarise(recorder: Recorder, elapsed: float) -> dict[str, Any]:
    def figures(values: list[float], errors: int) -> dict[str, float]:
        if not values:
            return {"count": 0, "errors": errors, "p50": 0, "p95": 0, "p99": 0, "max": 0}
        return {
            "count": len(values), "errors": errors, "p50": pct(values, 0.5),
            "p95": pct(values, 0.95), "p99": pct(values, 0.99), "max": max(values) * 1000,
            "mean": statistics.mean(values) * 1000,
        }  # fmt: off

    everything = [x for values in recorder.latency.values() for x in values]
    pages = [x for label, values in recorder.latency.items() if label != LOGIN for x in values]
    page_errors = sum(n for label, n in recorder.errors.items() if label != LOGIN)
    return {
        "elapsed_s": elapsed,
        "labels": {
            label: figures(values, recorder.errors.get(label, 0))
            for label, values in sorted(recorder.latency.items())
        },
        "all": figures(everything, sum(recorder.errors.values())),
        # a short load has more logins among its requests (argon2 is slow on purpose)
        "pages": figures(pages, page_errors),
    }


def print_table(figures: dict[str, Any], options: Options, enterprises: int) -> None:
    table = Table(
        title=f"Review UI under load: {options.reviewers} reviewers ({figures['scope']}) reading "
        f"{options.think[0]:g}–{options.think[1]:g} s a page, {figures['elapsed_s']:.0f} s, "
        f"{enterprises:,} enterprises, {options.workers} server process(es), SQLite"
    )
    for column in ("request", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "request" else "right")
    for label, f in [*figures["labels"].items(), ("all requests", figures["all"])]:
        table.add_row(
            label, f"{f['count']:,}", f"{f['errors']:,}", f"{f['p50']:.0f}", f"{f['p95']:.0f}",
            f"{f['p99']:.0f}", f"{f['max']:.0f}",
        )  # fmt: off
    console.print(table)
    every = figures["all"]
    p95, errors = every["p95"], every["errors"]
    console.print(
        f"{every['count'] / figures['elapsed_s']:.0f} requests/s · "
        f"mean {every.get('mean', 0):.0f} ms · "
        f"goal p95 < 300 ms and 0 errors: {'met' if p95 < 300 and errors == 0 else 'MISSED'} "
        f"(p95 {p95:.0f} ms, {errors} errors)"
    )


def enterprise_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM enterprises").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(1.0, 3.0), help="seconds reading each page"
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds for all to arrive")
    parser.add_argument(
        "--database", type=Path,
        help="a SQLite file holding a recorded run (instead of the generated province)",
    )  # fmt: off
    parser.add_argument(
        "--scope", choices=["country", "province"], default="province",
        help="with --database: country-scoped accounts, or the busiest province's",
    )  # fmt: off
    args = parser.parse_args()
    options = Options(args.reviewers, args.seconds, args.workers, tuple(args.think), args.ramp)
    if args.database is None:
        path = prepare(args.enterprises)
        target = targets(path, "reviewer", None)
        target = Target(target.prefix, "80", target.units, target.tasks)
    else:
        path = args.database
        if not path.is_file():
            raise SystemExit(f"{path}: no such database")
        target = existing(path, args.scope, args.reviewers)
    figures = run_load(path, target, options)
    print_table(figures, options, enterprise_count(path))


if __name__ == "__main__":
    main()
