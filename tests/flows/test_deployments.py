"""prefect.yaml: what operators schedule, checked statically and by a real deploy and run."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.flows import load_flow_from_entrypoint
from prefect.server.schemas.schedules import CronSchedule
from sqlalchemy import text

from compliance import db
from compliance.engine.cases import write_registry
from compliance.registry.importer import import_folder

ROOT = Path(__file__).parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")
TZ = "Asia/Ho_Chi_Minh"


def deployments() -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]


def fire_times(deployment: dict[str, Any], start: dt.datetime, n: int) -> list[dt.datetime]:
    [schedule] = deployment["schedules"]
    schedule_ = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    return asyncio.run(schedule_.get_dates(n=n, start=start))  # a coroutine in Prefect 3.8


def test_every_deployment_loads_its_flow_and_its_parameters_validate():
    names = [d["name"] for d in deployments()]
    assert len(names) == len(set(names))
    for deployment in deployments():
        flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
        flow.validate_parameters(deployment.get("parameters") or {})
        assert deployment["work_pool"]["name"] == "compliance-pool"
        for schedule in deployment.get("schedules", []):
            assert schedule["timezone"] == TZ
        if "rules" in (deployment.get("parameters") or {}).get("parameters", {}):
            from compliance.rules.validate import load_rules

            known = {r.id for r in load_rules([ROOT / "rules"])}
            assert set(deployment["parameters"]["parameters"]["rules"]) <= known


def test_the_repository_entry_points_are_the_package_flows():
    """prefect.yaml deploys flows/*.py; they only hand over the package's flow objects, so an
    installed wheel and a checkout run the same code."""
    from compliance.flows.compliance_run import compliance_run
    from compliance.flows.escalation import escalation_check

    expected = {"compliance_run": compliance_run, "escalation_check": escalation_check}
    for entrypoint in {d["entrypoint"] for d in deployments()}:
        name = entrypoint.rsplit(":", 1)[1]
        assert load_flow_from_entrypoint(str(ROOT / entrypoint)) is expected[name]


def test_the_cli_and_the_web_ui_load_both_package_flows():
    """``compliance run``/``escalate`` and "run now" reach the flows through load_flows; in a
    fresh process, so nothing imported here makes up for a submodule it forgot to import."""
    probe = (
        "from compliance.orchestration import load_flows; f = load_flows(); "
        "print(f.compliance_run.compliance_run.name, f.compliance_run.RunParameters.__name__, "
        "f.escalation.escalation_check.name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["compliance-run", "RunParameters", "escalation-check"]


def test_the_schedules_are_the_ones_operators_expect():
    by_name = {d["name"]: d for d in deployments()}
    start = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    nightly = fire_times(by_name["nightly"], start, 2)
    assert [(t.day, t.hour) for t in nightly] == [(2, 2), (3, 2)]  # 02:00 Vietnam time, daily
    quarterly = fire_times(by_name["quarterly-review"], start, 4)
    assert [(t.month, t.day) for t in quarterly] == [(4, 1), (7, 1), (10, 1), (1, 1)]
    finance = fire_times(by_name["yearly-finance-round"], start, 2)
    assert [(t.year, t.month) for t in finance] == [(2025, 1), (2026, 1)]
    escalation = fire_times(by_name["escalation-daily"], start, 2)
    assert all(t.hour == 7 for t in escalation)
    assert "schedules" not in by_name["ad-hoc"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"Prefect server at {url} not healthy after {seconds} s")


def test_deploy_all_to_a_local_server_and_a_process_worker_runs_it(tmp_path):
    """prefect deploy --all, prefect deployment run, prefect worker start: the operators' path."""
    registry = tmp_path / "registry.db"
    engine = db.make_engine(f"sqlite:///{registry}")
    write_registry(tmp_path / "delivery", {"enterprises": [
        {"tax_code": "E1", "workers": 30, "status": "active"}]})  # fmt: off
    import_folder(engine, tmp_path / "delivery")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "COMPLIANCE_"))},
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_PORT": str(port),
        # the worker gets the CLI's settings (README, "Schedules"): another database and
        # another reports folder than the defaults, both honoured by the deployed run
        "COMPLIANCE_DATABASE_URL": f"sqlite:///{registry}",
        "COMPLIANCE_REPORTS_DIR": str(tmp_path / "elsewhere" / "reports"),
    }
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: off

    def prefect(*args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    try:
        _wait_healthy(api, 120)
        prefect("work-pool", "create", "compliance-pool", "--type", "process")
        out = prefect("--no-prompt", "deploy", "--all", timeout=300)
        for name in ("nightly", "quarterly-review", "yearly-finance-round", "escalation-daily",
                     "ad-hoc"):  # fmt: off
            assert name in out
        params = json.dumps({"parameters": {"as_of": "2025-01-01"}})  # a whole run: reports
        prefect("deployment", "run", "compliance-run/ad-hoc", "--params", params)
        prefect("worker", "start", "--pool", "compliance-pool", "--run-once", timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(tmp_path / "prefect", ignore_errors=True)
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT flow_run_id, as_of FROM compliance_runs")).all()
        tasks = conn.execute(
            text("SELECT rule, unit, status FROM follow_up_tasks WHERE unit = 'E1'")
        ).all()
    engine.dispose()
    assert len(runs) == 1 and runs[0].flow_run_id and str(runs[0].as_of) == "2025-01-01"
    assert [tuple(t) for t in tasks] == [("union.establishment", "E1", "open")]
    reports = tmp_path / "elsewhere" / "reports"
    written = sorted(p.name.rsplit(".", 2)[-2 if p.name.startswith(".") else -1]
                     for p in reports.rglob("*bao-cao-*"))  # fmt: skip
    assert {"html", "pdf", "xlsx"} <= set(written), written  # the PDF: its HTML, till opened


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
