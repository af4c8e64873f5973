"""A run is atomic and runs do not race: kill -9 part-way, and two runs started at once.

The runs here are real processes (``tests/flows/run_once.py``: evaluate, then record and sync
under the run lock) killed with SIGKILL at different moments; the database must be exactly as
before or exactly as after, and the next run must converge.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from compliance import db
from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.importer import import_folder
from tests.registry.helpers import snapshot

AS_OF = "2026-10-01"
RUN_ONCE = Path(__file__).with_name("run_once.py")
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated province registry, imported once."""
    folder = tmp_path_factory.mktemp("registry")
    generate_registry(folder / "files", GenerateOptions(provinces=("80",), enterprises=6_000))
    path = folder / "registry.db"
    engine = db.make_engine(f"sqlite:///{path}")
    import_folder(engine, folder / "files")
    engine.dispose()
    return path


def fresh(template: Path, tmp_path: Path) -> tuple[str, Engine]:
    path = tmp_path / "registry.db"
    path.write_bytes(template.read_bytes())
    url = f"sqlite:///{path}"
    return url, db.make_engine(url)


def start(url: str, *extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "COMPLIANCE_DATABASE_URL": url,
        "COMPLIANCE_RULES_DIR": str(ROOT / "rules"),
    }
    return subprocess.Popen(
        [sys.executable, str(RUN_ONCE), AS_OF, *extra], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: off


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("compliance_runs", "findings", "follow_up_tasks", "task_events")
        }


def consistent(engine: Engine) -> bool:
    """Every task has its 'opened' event, every run its findings (stored as changes: a row whose
    span covers the run, an open span running to the latest whole run): nothing half-written."""
    with engine.connect() as conn:
        orphans = conn.execute(text(
            "SELECT count(*) FROM follow_up_tasks t WHERE NOT EXISTS "
            "(SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.action = 'opened')"
        )).scalar_one()  # fmt: off
        empty_runs = conn.execute(text(
            "SELECT count(*) FROM compliance_runs r WHERE NOT EXISTS "
            "(SELECT 1 FROM findings f WHERE f.run_id <= r.id "
            "AND (f.last_run_id IS NULL OR f.last_run_id >= r.id))"
        )).scalar_one()  # fmt: off
    return orphans == 0 and empty_runs == 0


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4, 0.8])
def test_a_run_killed_part_way_leaves_nothing_and_the_next_run_completes(template, tmp_path, delay):
    url, engine = fresh(template, tmp_path)
    before = snapshot(engine)
    process = start(url, "--pause-in-transaction", "1.5")
    assert process.stdout is not None
    line = process.stdout.readline()  # printed inside the transaction, after the first writes
    assert line.startswith("in transaction"), line + process.stderr.read()
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()  # reaps it and closes its pipes
    assert process.returncode == -signal.SIGKILL
    assert snapshot(engine) == before  # no run, no finding, no task, no event
    done = start(url)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    after = counts(engine)
    assert after["compliance_runs"] == 1 and after["follow_up_tasks"] > 0
    assert consistent(engine)
    engine.dispose()


def test_two_runs_at_once_open_each_task_once(template, tmp_path):
    url, engine = fresh(template, tmp_path)
    first, second = start(url), start(url)
    results = [p.communicate(timeout=300) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, results
    opened = sorted(int(out.split("opened=")[1].split()[0]) for out, _ in results)
    tasks = counts(engine)["follow_up_tasks"]
    assert opened == [0, tasks]  # one run opened everything, the other found it all open
    with engine.connect() as conn:
        duplicates = conn.execute(text(
            "SELECT count(*) FROM (SELECT rule, unit, period_key FROM follow_up_tasks "
            "GROUP BY rule, unit, period_key HAVING count(*) > 1)"
        )).scalar_one()  # fmt: off
    assert duplicates == 0 and consistent(engine)
    engine.dispose()
