"""The moves a run makes, through record_and_sync and the escalation check on a tiny registry:
found → open, violation ↔ at risk, waiver in force and lapsed, compliant → resolved (saying which
fact changed), recurred → reopened, overdue → escalated; dismissed and unchanged stay put."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from compliance.followup.escalate import escalate_overdue
from compliance.followup.manage import update_task
from compliance.rules.validate import load_rules
from compliance.settings import today
from tests.factories import TASKS, deliver, history, migrated_sqlite, run

RULES = ("union.establishment", "collective_agreement.in_force")


def _day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Engine]:
    engine = migrated_sqlite(tmp_path / "registry.db")
    rows = {
        "enterprises": [
            {"tax_code": "E1", "name": "Công ty TNHH Minh Phát", "workers": 30,
             "status": "active", "province_code": "80"},
            {"tax_code": "E2", "name": "Công ty CP Sao Mai", "workers": 120,
             "status": "active", "province_code": "80"},
        ],
        "unions": [
            {"code": "LDLD-80", "kind": "provincial_federation", "province_code": "80",
             "name": "Liên đoàn Lao động tỉnh Tây Ninh"},
            {"code": "KCN-80", "kind": "direct_superior_union", "superior_code": "LDLD-80",
             "province_code": "80", "name": "Công đoàn các Khu công nghiệp"},
            {"code": "U2", "kind": "grassroots_union", "superior_code": "KCN-80",
             "enterprise_tax_code": "E2", "province_code": "80", "name": "CĐCS Sao Mai",
             "founded_on": dt.date(2020, 1, 1)},
        ],
        "agreements": [
            {"id": "A2", "enterprise_tax_code": "E2", "signed_on": dt.date(2024, 1, 1),
             "expires_on": _day(30)},
        ],
    }  # fmt: off
    deliver(engine, tmp_path / "first", rows, today())
    yield engine
    engine.dispose()


def _run(engine: Engine, offset: int) -> dict[str, int]:
    rules = [r for r in load_rules() if r.id in RULES]
    return run(engine, _day(offset), rules).summary


def _task(engine: Engine, rule: str, unit: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(TASKS).where(TASKS.c.rule == rule, TASKS.c.unit == unit)).one()


def _moves(summary: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in summary.items() if k in ("opened", "reopened", "resolved", "updated")}


def test_a_run_moves_tasks_through_the_lifecycle(registry: Engine, tmp_path: Path) -> None:
    union_task = ("union.establishment", "E1")
    agreement_task = ("collective_agreement.in_force", "E2")

    # found → open: E1 has no union; E2's agreement ends within the warning days
    assert _moves(_run(registry, 0)) == {"opened": 2, "reopened": 0, "resolved": 0, "updated": 0}
    agreement = _task(registry, *agreement_task)
    assert (agreement.status, agreement.finding_status) == ("open", "at_risk")
    assert [e.action for e in history(registry, agreement.id)] == ["opened"]

    # the same registry again: nothing moves, nothing is written
    events = len(history(registry, agreement.id))
    assert set(_moves(_run(registry, 1)).values()) == {0}
    assert len(history(registry, agreement.id)) == events

    # at risk → violation: the task stays open and says so
    assert _moves(_run(registry, 31))["updated"] == 1
    agreement = _task(registry, *agreement_task)
    assert (agreement.status, agreement.finding_status) == ("open", "violation")
    last = history(registry, agreement.id)[-1]
    assert (last.action, last.before, last.after) == (
        "updated", {"finding_status": "at_risk"}, {"finding_status": "violation"}
    )  # fmt: off

    # waived: left alone while the waiver holds, reopened the day after it lapses
    update_task(registry, agreement.id, actor="ubkt", status="waived", reason="Đang thương lượng",
                approver="Chủ tịch", waived_until=_day(40))  # fmt: off
    assert _moves(_run(registry, 40))["reopened"] == 0
    assert _task(registry, *agreement_task).status == "waived"
    assert _moves(_run(registry, 41))["reopened"] == 1
    agreement = _task(registry, *agreement_task)
    assert (agreement.status, agreement.reason, agreement.waived_until) == (
        "open", "miễn trừ đã hết hạn", None
    )  # fmt: off
    assert agreement.due_on == _day(41 + 60)  # due again from the run that reopened it

    # compliant → resolved, saying which fact changed
    union = {"code": "U1", "kind": "grassroots_union", "superior_code": "KCN-80",
             "enterprise_tax_code": "E1", "province_code": "80", "founded_on": _day(41)}  # fmt: off
    deliver(registry, tmp_path / "founded", {"unions": [union]}, today())
    assert _moves(_run(registry, 42))["resolved"] == 1
    resolved = _task(registry, *union_task)
    assert resolved.status == "resolved" and resolved.closed_run_id is not None
    assert resolved.reason.startswith(f"Lần chạy #{resolved.closed_run_id} ngày ")
    assert "không → có" in resolved.reason

    # recurred → reopened
    deliver(registry, tmp_path / "gone", {"unions": [union | {"dissolved_on": _day(43)}]}, today())
    assert _moves(_run(registry, 44))["reopened"] == 1
    reopened = _task(registry, *union_task)
    assert (reopened.status, reopened.reason, reopened.closed_run_id) == (
        "open", "vi phạm tái diễn", None
    )  # fmt: off
    assert [e.action for e in history(registry, reopened.id)] == ["opened", "resolved", "reopened"]

    # dismissed: a later run leaves it as it is
    update_task(registry, reopened.id, actor="ubkt", status="dismissed", reason="Sai số liệu")
    assert set(_moves(_run(registry, 45)).values()) == {0}
    assert _task(registry, *union_task).status == "dismissed"

    # overdue → escalated, to the body above, due again later
    overdue_on = agreement.due_on + dt.timedelta(days=1)
    outcome = escalate_overdue(registry, overdue_on, extension_days=15)
    assert outcome.count("escalated") == 1
    escalated = _task(registry, *agreement_task)
    assert (escalated.status, escalated.escalation_level) == ("escalated", 1)
    assert (escalated.responsible_code, escalated.assignee) == ("LDLD-80", "LDLD-80")
    assert escalated.due_on == overdue_on + dt.timedelta(days=15)
    last = history(registry, escalated.id)[-1]
    assert last.action == "escalated" and last.before["responsible_code"] == "KCN-80"
    assert escalate_overdue(registry, overdue_on).count("escalated") == 0  # same day: no-op
