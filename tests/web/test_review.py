"""Reviewing through the API: decisions, the audit log, the dashboard's figures, run now."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from compliance.cli import app as cli
from compliance.engine.evaluate import Selection, evaluate
from compliance.followup.sync import RunOrder, record_and_sync
from compliance.rules.validate import load_rules
from compliance.settings import get_settings, today
from compliance.web.app import create_app
from tests.web.conftest import PASSWORD, Reviewed, login


def _task(reviewed: Reviewed, where: str, offset: int = 0) -> dict[str, Any]:
    """A task no other test picks: each test names its own rule or offset."""
    with reviewed.engine.connect() as conn:
        row = (
            conn.execute(
                text(
                    f"SELECT * FROM follow_up_tasks WHERE status = 'open' AND {where} "
                    f"ORDER BY id LIMIT 1 OFFSET {offset}"
                )
            )
            .mappings()
            .first()
        )
    assert row is not None, where
    return dict(row)


def test_confirm_dismiss_and_waive_are_recorded_with_before_and_after(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    confirm = _task(reviewed, "province_code = '80' AND rule = 'union.establishment'")
    dismiss = _task(reviewed, "province_code = '80' AND rule = 'union.establishment'", 1)
    waive = _task(reviewed, "province_code = '80' AND rule = 'union.establishment'", 2)

    done = client.post(f"/api/tasks/{confirm['id']}/decision", json={"decision": "confirm"})
    assert done.status_code == 200 and done.json()["status"] == "in_progress"

    refused = client.post(f"/api/tasks/{dismiss['id']}/decision", json={"decision": "dismiss"})
    assert refused.status_code == 400 and "lý do" in refused.json()["detail"]
    dismissed = client.post(
        f"/api/tasks/{dismiss['id']}/decision",
        json={"decision": "dismiss", "reason": "Doanh nghiệp đã giải thể"},
    )
    assert dismissed.json()["status"] == "dismissed"

    until = today() + dt.timedelta(days=60)
    missing = client.post(
        f"/api/tasks/{waive['id']}/decision",
        json={"decision": "waive", "reason": "Đang sáp nhập", "until": until.isoformat()},
    )
    assert missing.status_code == 400 and "phê duyệt" in missing.json()["detail"]
    past = client.post(
        f"/api/tasks/{waive['id']}/decision",
        json={"decision": "waive", "reason": "x", "approver": "Chủ nhiệm UBKT",
              "until": today().isoformat()},
    )  # fmt: off
    assert past.status_code == 400
    waived = client.post(
        f"/api/tasks/{waive['id']}/decision",
        json={"decision": "waive", "reason": "Đang sáp nhập", "approver": "Chủ nhiệm UBKT",
              "until": until.isoformat()},
    )  # fmt: off
    assert (
        waived.json()["status"] == "waived" and waived.json()["waived_until"] == until.isoformat()
    )

    audit = client.get("/api/decisions", params={"unit": waive["unit"]}).json()
    entry = next(a for a in audit if a["task_id"] == waive["id"])
    assert entry["actor"] == "inspector80" and entry["action"] == "waived"
    assert entry["before"]["status"] == "open"
    assert entry["after"] == {
        "status": "waived",
        "reason": "Đang sáp nhập",
        "waived_until": until.isoformat(),
        "approver": "Chủ nhiệm UBKT",
    }
    case = client.get(f"/api/units/{confirm['unit']}").json()
    assert any(a["action"] == "confirmed" for a in case["audit"])
    history = next(t for t in case["tasks"] if t["id"] == confirm["id"])["events"]
    assert [e["action"] for e in history][-1] == "confirmed"


def test_the_audit_log_and_task_histories_refuse_update_and_delete_in_the_database(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector66")
    task = _task(reviewed, "province_code = '66'", 3)
    client.patch(f"/api/tasks/{task['id']}", json={"assignee": "Nguyễn Thị Hoa"})
    with reviewed.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    for statement in (
        "UPDATE audit_log SET actor = 'ai đó' WHERE task_id = :id",
        "DELETE FROM audit_log WHERE task_id = :id",
        "DELETE FROM audit_log",
        "UPDATE task_events SET actor = 'ai đó' WHERE task_id = :id",
        "DELETE FROM task_events WHERE task_id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), reviewed.engine.begin() as conn:
            conn.execute(text(statement), {"id": task["id"]})
    with reviewed.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == before
        actor = conn.execute(
            text("SELECT actor FROM audit_log WHERE task_id = :id"), {"id": task["id"]}
        ).scalar_one()
    assert actor == "inspector66"


def test_a_lapsed_waiver_brings_the_finding_back(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("admin")
    task = _task(reviewed, "rule = 'union.establishment' AND province_code = '66'")
    until = today() + dt.timedelta(days=10)
    waived = client.post(
        f"/api/tasks/{task['id']}/decision",
        json={"decision": "waive", "reason": "Chờ số liệu BHXH", "approver": "Phó Chủ tịch",
              "until": until.isoformat()},
    )  # fmt: off
    assert waived.json()["status"] == "waived"
    rules = [r for r in load_rules() if r.id == "union.establishment"]
    for day, expected in ((until, "waived"), (until + dt.timedelta(days=1), "open")):
        with reviewed.engine.connect() as conn:
            findings = evaluate(conn, rules, day)
        only = Selection.of([task["rule"]], [task["unit"]], None)
        findings = [f for f in findings if f.unit == task["unit"]]
        record_and_sync(reviewed.engine, rules, findings, RunOrder(as_of=day, scope=only))
        assert client.get(f"/api/tasks/{task['id']}").json()["status"] == expected, day


def test_dashboard_figures_equal_a_count_of_the_tasks(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    data = client_for("viewer80").get("/api/dashboard").json()
    with reviewed.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT rule, severity, status, due_on FROM follow_up_tasks "
                 "WHERE province_code = '80'")
        ).all()  # fmt: off
    active = [r for r in rows if r.status in ("open", "in_progress", "escalated")]
    by_rule: dict[str, int] = {}
    for r in active:
        by_rule[r.rule] = by_rule.get(r.rule, 0) + 1
    assert {row["key"]: row["tasks"] for row in data["by_rule"]} == by_rule
    assert [row["key"] for row in data["by_province"]] == ["80"]
    assert data["overdue"] == sum(1 for r in active if r.due_on and str(r.due_on) < str(today()))
    assert data["trend"] and data["trend"][0]["violations"] > 0
    data_quality = sum(n for rule, n in by_rule.items() if rule.startswith("data_quality."))
    assert data["data_quality"] == data_quality > 0  # the generator delivers implausible rows


def test_data_quality_findings_are_filtered_apart_from_compliance(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("viewer80")
    every = client.get("/api/tasks").json()["total"]
    apart = {
        family: client.get("/api/tasks", params={"family": family}).json()
        for family in ("compliance", "data_quality")
    }
    assert apart["compliance"]["total"] + apart["data_quality"]["total"] == every
    assert apart["data_quality"]["total"] > 0
    assert {t["rule"].split(".")[0] for t in apart["data_quality"]["items"]} == {"data_quality"}
    assert all(not t["rule"].startswith("data_quality.") for t in apart["compliance"]["items"])
    page = client.get("/units", params={"family": "data_quality"})
    assert page.status_code == 200 and "lỗi dữ liệu" in page.text
    dashboard = client.get("/").text
    assert 'href="/units?family=data_quality"' in dashboard


def test_login_answers_json_to_scripts_and_redirects_browsers(
    client_for: Callable[..., TestClient],
) -> None:
    client = client_for()
    wrong = client.post("/login", data={"username": "viewer80", "password": "sai"})
    assert wrong.status_code == 401 and "không đúng" in wrong.json()["detail"]
    browser = client.post(
        "/login",
        data={"username": "viewer80", "password": PASSWORD, "next": "//evil.example/"},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert browser.status_code == 303 and browser.headers["location"] == "/"
    assert client.get("/api/me").json() == {"name": "viewer80", "role": "viewer", "scope": "80"}


def test_many_failures_from_one_address_are_throttled(app_for: Any) -> None:
    # an address of its own: the counts are in the database, shared with the other tests
    with TestClient(app_for, client=("192.0.2.20", 50000)) as client:
        codes = [
            client.post("/login", data={"username": f"không-có-{i}", "password": "x"}).status_code
            for i in range(21)
        ]
    assert codes[:20] == [401] * 20 and codes[20] == 429


def test_the_api_is_documented(client_for: Callable[..., TestClient]) -> None:
    paths = client_for().get("/openapi.json").json()["paths"]
    for path in ("/login", "/api/findings", "/api/units/{code}", "/api/tasks/{task_id}/decision"):
        assert path in paths


def test_users_add_reads_the_password_from_stdin(
    reviewed: Reviewed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "COMPLIANCE_DATABASE_URL", reviewed.engine.url.render_as_string(hide_password=False)
    )
    get_settings.cache_clear()
    runner = CliRunner()
    added = runner.invoke(
        cli, ["users", "add", "cli_user", "--role", "viewer", "--scope", "66", "--password-stdin"],
        input="một-mật-khẩu-dài\n",
    )  # fmt: off
    assert added.exit_code == 0, added.output
    assert "cli_user" in added.output
    for args, message in (
        (["users", "add", "x1", "--role", "viewer", "--password-stdin"], "ít nhất 8"),
        (["users", "add", "x2", "--role", "viewer", "--scope", "ZZ", "--password-stdin"],
         "Phạm vi 'ZZ'"),
        (["users", "add", "cli_user", "--role", "viewer", "--password-stdin"], "đã có"),
        (["users", "add", "x3", "--role", "viewer"], "--password-stdin"),
    ):  # fmt: off
        refused = runner.invoke(cli, args, input="ngắn\n" if "x1" in args else "dài-đủ-rồi-nhé\n")
        assert refused.exit_code != 0 and message in refused.output, refused.output
    bad_role = runner.invoke(cli, ["users", "add", "x4", "--role", "boss", "--password-stdin"])
    assert bad_role.exit_code != 0


def test_run_now_starts_a_real_flow_run_and_shows_its_state(sqlite_reviewed: Reviewed) -> None:
    """One database kind is enough for the Prefect round trip (the flow's own tests cover both)."""
    reviewed = sqlite_reviewed
    client = TestClient(create_app(reviewed.engine))
    client.headers["X-CSRF-Token"] = login(client, "operator80")
    unit = _task(reviewed, "province_code = '80' AND rule = 'collective_agreement.in_force'")
    refused = client.post("/api/runs", json={"province": "66"})
    assert refused.status_code == 400 and "ngoài phạm vi" in refused.json()["detail"]
    with reviewed.engine.connect() as conn:
        requests_before = conn.execute(text("SELECT count(*) FROM run_requests")).scalar_one()
    for body, code in (
        ({"unit": "9999999999"}, "run.unknown_unit"),
        ({"rule": "review.quartely"}, "run.unknown_rule"),
        ({"as_of": "2026-07-01"}, "run.backdated"),  # before the fixture's whole run
    ):
        typo = client.post("/api/runs", json=body)
        assert typo.status_code == 400 and typo.json()["code"] == code, typo.json()
    page = client.post(
        "/runs",
        data={"csrf_token": client.headers["X-CSRF-Token"], "unit": "9999999999",
              "as_of": "2026-10-01"},
        headers={"Accept": "text/html"},
    )  # fmt: off
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert "Không có đơn vị mã &#39;9999999999&#39;" in page.text or "9999999999" in page.text
    assert 'value="9999999999"' in page.text  # what was typed is kept
    with reviewed.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM run_requests")).scalar_one() == (
            requests_before
        )
    started = client.post("/api/runs", json={"unit": unit["unit"], "as_of": "2026-10-01"})
    assert started.status_code == 202
    request_id = started.json()["id"]
    deadline = time.monotonic() + 120
    state = client.get(f"/api/runs/{request_id}").json()
    while state["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(1)
        state = client.get(f"/api/runs/{request_id}").json()
    assert state["status"] == "completed", state
    assert state["compliance_run_id"] is not None
    with reviewed.engine.connect() as conn:
        run = conn.execute(
            text("SELECT scope, flow_run_id FROM compliance_runs WHERE id = :id"),
            {"id": state["compliance_run_id"]},
        ).one()
    assert unit["unit"] in str(run.scope) and run.flow_run_id
    page = client.get(f"/runs/{request_id}", headers={"Accept": "text/html"})
    assert "hoàn thành" in page.text
    other = TestClient(create_app(reviewed.engine))
    login(other, "inspector66")
    assert other.get(f"/api/runs/{request_id}").status_code == 403
    client.close()
    other.close()
