"""Load on the review UI: concurrent reviewers against `compliance serve`, latency figures.

    .venv/bin/python benchmarks/web_load.py     # 50 reviewers, 60 s, 20,000 enterprises
    .venv/bin/python benchmarks/web_load.py --think 0 --seconds 30      # no reading: saturation

A generated province is imported and run once (cached in benchmarks/out/), accounts are added,
and the real server is started as its own process (uvicorn, the command users run). Each
reviewer is an httpx client with its own session doing what a committee member does: the
dashboard, the flagged list with a filter, a page further, a search, a case file, the JSON API,
and (inspectors) a task change. Like locust's users, a reviewer reads each page before the next
(``--think``, 1–3 s by default) and the reviewers arrive over ``--ramp`` seconds (they do not
all log in in the same second). Every request's latency is recorded; the figures are printed.
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


async def reviewer(
    index: int, load: Load, recorder: Recorder, units: list[str], tasks: list[int]
) -> None:
    rng = random.Random(index)
    html = {"Accept": "text/html"}
    await asyncio.sleep(load.ramp * index / load.reviewers)
    stop = load.stop
    async with httpx.AsyncClient(base_url=load.base, timeout=30) as client:
        read = recorder.reading(rng, load.think)
        login = await recorder.call(
            client, "POST /login", "POST", "/login",
            data={"username": f"reviewer{index:02d}", "password": PASSWORD},
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


async def drive(load: Load, units: list[str], tasks: list[int]) -> Recorder:
    recorder = Recorder()
    await asyncio.gather(
        *(reviewer(i, load, recorder, units, tasks) for i in range(load.reviewers))
    )
    return recorder


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
    args = parser.parse_args()

    path = prepare(args.enterprises)
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    with engine.connect() as conn:
        units = [u for (u,) in conn.execute(text("SELECT DISTINCT unit FROM follow_up_tasks"))]
        tasks = [t for (t,) in conn.execute(text("SELECT id FROM follow_up_tasks"))]
        counts = conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one()
    engine.dispose()

    port = free_port()
    env = dict(os.environ, COMPLIANCE_DATABASE_URL=url)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "compliance"), "serve", "--port", str(port),
         "--workers", str(args.workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: off
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
            if time.monotonic() > deadline or server.poll() is not None:
                assert server.stderr is not None
                error = server.stderr.read()[-2000:].decode(errors="replace")
                raise SystemExit(f"compliance serve did not start: {error}")
        started = time.perf_counter()
        load = Load(
            base, time.monotonic() + args.ramp + args.seconds, tuple(args.think), args.ramp,
            args.reviewers,
        )  # fmt: off
        recorder = asyncio.run(drive(load, units, tasks))
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    everything = [x for values in recorder.latency.values() for x in values]
    table = Table(
        title=f"Review UI under load: {args.reviewers} reviewers reading {args.think[0]:g}–"
        f"{args.think[1]:g} s a page, {elapsed:.0f} s, "
        f"{counts:,} enterprises, {args.workers} server process(es), SQLite"
    )
    for column in ("request", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "request" else "right")
    for label, values in [*sorted(recorder.latency.items()), ("all requests", everything)]:
        errors = (
            recorder.errors.get(label, 0)
            if label != "all requests"
            else sum(recorder.errors.values())
        )
        table.add_row(
            label, f"{len(values):,}", f"{errors:,}", f"{pct(values, 0.5):.0f}",
            f"{pct(values, 0.95):.0f}", f"{pct(values, 0.99):.0f}", f"{max(values) * 1000:.0f}",
        )  # fmt: off
    console.print(table)
    p95 = pct(everything, 0.95)
    errors = sum(recorder.errors.values())
    console.print(
        f"{len(everything) / elapsed:.0f} requests/s · "
        f"mean {statistics.mean(everything) * 1000:.0f} ms · "
        f"goal p95 < 300 ms and 0 errors: {'met' if p95 < 300 and errors == 0 else 'MISSED'} "
        f"(p95 {p95:.0f} ms, {errors} errors)"
    )


if __name__ == "__main__":
    main()
