"""The compliance run as real Prefect flow runs (test harness): tasks follow the registry."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from sqlalchemy import Engine, func, select, text

from compliance import db
from compliance.engine.cases import write_registry
from compliance.engine.evaluate import evaluate
from compliance.engine.programme_rules import catalogue
from compliance.flows.compliance_run import RunParameters, compliance_run
from compliance.flows.escalation import escalation_check
from compliance.followup.manage import update_task
from compliance.models.followup import FollowUpTask, NotificationTarget, TaskEvent
from compliance.registry.importer import import_folder
from compliance.settings import get_settings

AS_OF = dt.date(2025, 3, 1)
REGISTRY: dict[str, list[dict[str, Any]]] = {
    "enterprises": [
        {"tax_code": "E1", "name": "Công ty TNHH Minh Phát", "workers": 30, "status": "active",
         "province_code": "80"},
        {"tax_code": "E2", "name": "Công ty CP Sao Mai", "workers": 120, "status": "active",
         "province_code": "80"},
    ],
    "unions": [
        {"code": "LDLD-80", "kind": "provincial_federation", "province_code": "80",
         "name": "Liên đoàn Lao động tỉnh Tây Ninh"},
        {"code": "KCN-80", "kind": "direct_superior_union", "superior_code": "LDLD-80",
         "province_code": "80", "name": "Công đoàn các Khu công nghiệp"},
        {"code": "U2", "kind": "grassroots_union", "superior_code": "KCN-80",
         "enterprise_tax_code": "E2", "province_code": "80", "name": "CĐCS Sao Mai"},
    ],
    "agreements": [
        {"id": "A2", "enterprise_tax_code": "E2", "signed_on": dt.date(2024, 1, 1),
         "expires_on": dt.date(2026, 12, 31)},
    ],
}  # fmt: off


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = db.make_engine(url)
    write_registry(tmp_path / "delivery", REGISTRY)
    import_folder(engine, tmp_path / "delivery", effective_date=AS_OF)
    yield engine
    engine.dispose()


def deliver(engine: Engine, folder: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    write_registry(folder, rows)
    import_folder(engine, folder, effective_date=AS_OF)


def active_tasks(engine: Engine) -> set[tuple[str, str, str]]:
    t = FollowUpTask.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.rule, t.c.unit, t.c.period_key).where(
                t.c.status.in_(["open", "in_progress", "escalated"])
            )
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]


def findings(engine: Engine, as_of: dt.date = AS_OF) -> set[tuple[str, str, str]]:
    """What a run judges: the rules and the programme items (rules/programmes/)."""
    with engine.connect() as conn:
        return {(f.rule, f.unit, f.period or "") for f in evaluate(conn, catalogue(), as_of)}


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def task_of(engine: Engine, rule: str, unit: str) -> Any:
    t = FollowUpTask.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return conn.execute(select(t).where(t.c.rule == rule, t.c.unit == unit)).one()


def run(**kwargs: Any) -> dict[str, Any]:
    return compliance_run(RunParameters(as_of=kwargs.pop("as_of", AS_OF), **kwargs))


def test_run_twice_then_fix_one_unit_then_break_it_again(registry, tmp_path):
    first = run()
    assert first["opened"] == len(findings(registry)) > 0
    assert any("/" in rule for rule, _, _ in active_tasks(registry))  # programme items too
    assert active_tasks(registry) == findings(registry)
    events = count(registry, TaskEvent)

    second = run()
    assert {k: second[k] for k in ("opened", "reopened", "resolved", "updated")} == dict.fromkeys(
        ("opened", "reopened", "resolved", "updated"), 0
    )
    assert count(registry, TaskEvent) == events  # nothing about any task changed
    assert active_tasks(registry) == findings(registry)

    # E1 founds its union: exactly E1's union.establishment task closes.
    deliver(registry, tmp_path / "fix", {"unions": [
        {"code": "U1", "kind": "grassroots_union", "enterprise_tax_code": "E1",
         "superior_code": "KCN-80", "founded_on": dt.date(2024, 12, 1)}]})  # fmt: off
    before = active_tasks(registry)
    third = run()
    assert third["resolved"] == 1
    assert before - active_tasks(registry) == {("union.establishment", "E1", "")}
    task = task_of(registry, "union.establishment", "E1")
    assert task.status == "resolved" and task.closed_run_id == third["run_id"]
    assert "có công đoàn cơ sở đang hoạt động: không → có" in task.reason
    assert active_tasks(registry) == findings(registry)

    # The union is dissolved: the violation comes back and the same task reopens.
    deliver(registry, tmp_path / "break", {"unions": [
        {"code": "U1", "kind": "grassroots_union", "enterprise_tax_code": "E1",
         "superior_code": "KCN-80", "founded_on": dt.date(2024, 12, 1),
         "dissolved_on": dt.date(2025, 2, 1)}]})  # fmt: off
    fourth = run()
    assert fourth["reopened"] == 1
    again = task_of(registry, "union.establishment", "E1")
    assert again.id == task.id and again.status == "open"
    with registry.connect() as conn:
        actions = (
            conn.execute(
                text("SELECT action FROM task_events WHERE task_id = :id ORDER BY id"),
                {"id": task.id},
            )
            .scalars()
            .all()
        )
    assert actions == ["opened", "resolved", "reopened"]


def test_an_implausible_row_opens_a_data_quality_task_that_its_correction_resolves(
    registry, tmp_path
):
    """registry-format.md, "Implausible is not broken": loaded, warned, found, corrected."""
    sao_mai = {"code": "U2", "kind": "grassroots_union", "superior_code": "KCN-80",
               "enterprise_tax_code": "E2", "province_code": "80",
               "name": "CĐCS Sao Mai"}  # fmt: off
    write_registry(
        tmp_path / "typo", {"unions": [{**sao_mai, "members": 40, "female_members": 400}]}
    )
    report = import_folder(registry, tmp_path / "typo", effective_date=AS_OF)
    [warning] = [w for w in report.warnings if w.code.startswith("row.")]
    assert (warning.code, warning.row, warning.column) == (
        "row.part_exceeds_whole",
        2,
        "female_members",
    )
    first = run()
    task = task_of(registry, "data_quality.union_members", "U2")
    assert task.status == "open" and task.finding_status == "violation"
    assert (task.responsible_kind, task.responsible_code) == ("direct_superior_union", "KCN-80")
    assert "400 đoàn viên nữ" in task.body and "unions.csv:2" in task.body  # which row to correct
    assert first["opened"] == len(findings(registry))

    deliver(
        registry,
        tmp_path / "fixed",
        {"unions": [{**sao_mai, "members": 400, "female_members": 40}]},
    )
    second = run()
    assert second["resolved"] == 1
    assert task_of(registry, "data_quality.union_members", "U2").status == "resolved"
    assert active_tasks(registry) == findings(registry)


def _run_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM compliance_runs")).scalar_one()


def _tasks(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM follow_up_tasks ORDER BY id"))]


TYPOS = [
    ({"province": "Tây Ninh"}, "run.province_name", "80 (Tây Ninh)"),
    ({"province": "99"}, "run.unknown_province", "mã tỉnh hai chữ số"),
    ({"units": ["9999999999"]}, "run.unknown_unit", "9999999999"),
    ({"units": ["E3"]}, "run.unknown_unit", "Có phải 'E2' hay 'E1'?"),
    ({"rules": ["review.quartely"]}, "run.unknown_rule", "Có phải 'review.quarterly'"),
]


def test_a_typo_is_refused_before_anything_runs(registry):
    from compliance.exceptions import RunRefused

    run()
    before, tasks = _run_count(registry), _tasks(registry)
    for parameters, code, hint in TYPOS:
        with pytest.raises(RunRefused) as refused:
            run(**parameters)
        assert refused.value.code == code and hint in str(refused.value), parameters
        assert "Không có gì được chạy" in str(refused.value)
        assert (_run_count(registry), _tasks(registry)) == (before, tasks)


def test_a_province_run_never_replaces_the_whole_run_view(registry):
    from compliance.review.queries import latest_whole_run

    whole = run()
    run(province="80")
    run(units=["E1"])
    with registry.connect() as conn:
        assert latest_whole_run(conn) == (whole["run_id"], AS_OF)


def test_a_backdated_run_is_refused_unless_historical_and_then_changes_no_task(registry):
    from compliance.exceptions import RunRefused
    from compliance.review.queries import latest_whole_run

    whole = run()
    tasks = _tasks(registry)
    earlier = AS_OF - dt.timedelta(days=120)
    for dry_run in (False, True):  # a dry run would tell bodies their tasks were resolved
        with pytest.raises(RunRefused) as refused:
            run(as_of=earlier, dry_run=dry_run)
        assert refused.value.code == "run.backdated" and "01/03/2025" in str(refused.value)
    history = run(as_of=earlier, historical=True)
    assert history["violations"] > 0 and history["reports"] == []
    assert _tasks(registry) == tasks  # recorded its findings, changed no task
    with registry.connect() as conn:
        recorded = conn.execute(
            text("SELECT count(*) FROM findings WHERE run_id = :id"), {"id": history["run_id"]}
        ).scalar_one()
        assert recorded == history["violations"] + history["at_risk"]
        assert latest_whole_run(conn) == (whole["run_id"], AS_OF)
    later = run(as_of=AS_OF + dt.timedelta(days=1))  # forward is always fine
    assert later["run_id"] > history["run_id"]


async def latest_artifact(key: str) -> Any:
    async with get_client() as client:
        return await Artifact.aget(key, client=client)


def test_a_whole_run_publishes_the_scorecard_and_writes_its_reports(registry):
    result = run()
    written = [Path(p) for p in result["reports"]]
    # the national report and the registry's province's (80), in HTML and XLSX; each PDF is
    # laid out when first opened, from the HTML the run leaves beside them
    assert sorted(p.name for p in written) == sorted(
        f"bao-cao-{scope}-{AS_OF}.{ext}" for scope in ("ca-nuoc", "80") for ext in ("html", "xlsx")
    )
    folder = Path(get_settings().reports_dir)
    assert all(p.parent == folder and p.stat().st_size for p in written)
    assert all((folder / f".bao-cao-{s}-{AS_OF}.pdf.html").is_file() for s in ("ca-nuoc", "80"))
    assert (
        "Độc lập - Tự do - Hạnh phúc" in next(p for p in written if p.suffix == ".html").read_text()
    )
    summary = asyncio.run(latest_artifact("compliance-run-summary"))
    assert (
        f"Rà soát tuân thủ ngày {AS_OF:%d/%m/%Y}" in summary.data and "Vi phạm: **" in summary.data
    )
    by_rule = asyncio.run(latest_artifact("compliance-run-findings-by-rule"))
    rows = json.loads(by_rule.data) if isinstance(by_rule.data, str) else by_rule.data
    assert set(rows[0]) == {"Quy tắc", "Loại", "Số phát hiện"}  # Vietnamese columns
    artifact = asyncio.run(latest_artifact("compliance-scorecard"))
    assert artifact is not None and "Kết quả thực hiện chỉ tiêu — Tây Ninh" in str(artifact.data)
    table = asyncio.run(latest_artifact("compliance-scorecard-table"))
    assert table is not None and "target.union_coverage" in str(table.data)
    scoped = run(units=["E1"])
    assert scoped["reports"] == []  # a run for one unit is no report


def test_tasks_go_to_the_body_the_hierarchy_names(registry):
    run()
    # No union of its own: the province's federation must act.
    assert task_of(registry, "union.establishment", "E1").responsible_code == "LDLD-80"
    # A grassroots union's quarterly review is owed by its direct-superior union.
    review = task_of(registry, "review.quarterly", "U2")
    assert (review.responsible_code, review.responsible_kind) == ("KCN-80", "direct_superior_union")
    assert review.title == "Chưa làm việc định kỳ với CĐCS Sao Mai trong quý 2024-Q4"
    assert review.due_on == AS_OF + dt.timedelta(days=30)


def test_a_waiver_holds_until_it_expires(registry):
    run()
    task = task_of(registry, "union.establishment", "E1")
    update_task(registry, task.id, actor="kiểm tra viên", status="waived",
                reason="Doanh nghiệp đang giải thể", approver="Chủ nhiệm UBKT",
                waived_until=dt.date.today() + dt.timedelta(days=10))  # fmt: off
    assert run()["reopened"] == 0
    assert task_of(registry, "union.establishment", "E1").status == "waived"
    later = run(as_of=dt.date.today() + dt.timedelta(days=11))
    assert later["reopened"] >= 1
    lapsed = task_of(registry, "union.establishment", "E1")
    assert lapsed.status == "open" and lapsed.reason == "miễn trừ đã hết hạn"


def test_dry_run_writes_nothing_and_returns_the_digests(registry):
    result = run(dry_run=True)
    assert result["opened"] > 0
    assert count(registry, FollowUpTask) == 0
    with registry.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM compliance_runs")).scalar_one() == 0
    digests = {d.splitlines()[0].removeprefix("Kính gửi: "): d for d in result["digests"]}
    federation = digests["Liên đoàn Lao động tỉnh Tây Ninh"]
    assert "Vận động thành lập công đoàn cơ sở tại Công ty TNHH Minh Phát" in federation
    committee = digests["Ủy ban kiểm tra Liên đoàn Lao động tỉnh Tây Ninh"]
    assert "chưa tự kiểm tra tài chính cùng cấp năm 2024" in committee
    assert "Minh Phát" not in committee
    assert "compliance tasks" not in federation  # a body is not told to type a command
    assert "giao diện rà soát" in federation  # no COMPLIANCE_BASE_URL: no link, but where


def test_digests_link_each_body_to_its_tasks_and_count_in_vietnamese(registry, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_BASE_URL", "https://giamsat.example.vn/")
    get_settings.cache_clear()
    result = run(dry_run=True)
    # the union's own digest (a programme's class lead names these unions too)
    kcn = next(
        d for d in result["digests"] if d.startswith("Kính gửi: Công đoàn các Khu công nghiệp\n")
    )
    assert "https://giamsat.example.vn/units?assignee=KCN-80" in kcn


class _Inbox(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        _Inbox.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_each_body_gets_its_digest_through_apprise(registry):
    server = HTTPServer(("127.0.0.1", 0), _Inbox)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Inbox.received.clear()
    with registry.begin() as conn:
        conn.execute(
            NotificationTarget.__table__.insert(),  # type: ignore[attr-defined]
            [{"body_code": "KCN-80", "url": f"json://127.0.0.1:{server.server_port}/kcn"}],
        )
    try:
        run()
    finally:
        server.shutdown()
        server.server_close()
    [message] = _Inbox.received
    assert message["title"].startswith("[Tuân thủ công đoàn] Công đoàn các Khu công nghiệp:")
    assert "việc mới" in message["title"] and "opened" not in message["title"]
    assert "Chưa làm việc định kỳ với CĐCS Sao Mai" in message["message"]
    assert "Minh Phát" not in message["message"]  # the federation's task is not KCN's


def test_overdue_tasks_escalate_once_per_due_date(registry):
    run()
    review = task_of(registry, "review.quarterly", "U2")
    late = review.due_on + dt.timedelta(days=1)
    result = escalation_check(as_of=late)
    assert result["escalated"] >= 1
    moved = task_of(registry, "review.quarterly", "U2")
    assert (moved.status, moved.responsible_code, moved.escalation_level) == (
        "escalated", "LDLD-80", 1)  # fmt: off
    assert moved.due_on == late + dt.timedelta(days=15)
    assert escalation_check(as_of=late)["escalated"] == 0


def test_a_scoped_run_touches_only_its_scope(registry, tmp_path):
    run()
    deliver(registry, tmp_path / "fix", {"unions": [
        {"code": "U1", "kind": "grassroots_union", "enterprise_tax_code": "E1",
         "superior_code": "KCN-80", "founded_on": dt.date(2024, 1, 1)}]})  # fmt: off
    other = run(rules=["review.quarterly"])
    assert other["resolved"] == 0 and other["opened"] == 1  # U1's review, nothing else
    assert task_of(registry, "union.establishment", "E1").status == "open"
    assert run(units=["E1"])["resolved"] == 1


def test_a_late_entry_still_closes_an_older_periods_task(registry, tmp_path):
    run(as_of=dt.date(2025, 1, 1))  # judges 2024-Q4: no review of U2
    run(as_of=dt.date(2025, 4, 1))  # judges 2025-Q1; the 2024-Q4 task stays open
    t = FollowUpTask.__table__  # type: ignore[attr-defined]

    def status(period: str) -> str:
        with registry.connect() as conn:
            return conn.execute(
                select(t.c.status).where(
                    t.c.rule == "review.quarterly", t.c.unit == "U2", t.c.period_key == period
                )
            ).scalar_one()

    assert (status("2024-Q4"), status("2025-Q1")) == ("open", "open")
    deliver(registry, tmp_path / "late", {"reviews": [
        {"id": "R1", "union_code": "U2", "date": dt.date(2024, 11, 5)}]})  # fmt: off
    third = run(as_of=dt.date(2025, 4, 1))
    assert third["resolved"] == 1
    assert (status("2024-Q4"), status("2025-Q1")) == ("resolved", "open")
