"""Runs over programme items: tasks open for the lead body, resolve once a `done` report is
imported (saying what changed), are judged again for older periods, escalate to the issuing body
when overdue, and reach the bodies' digests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from compliance.engine.programme_rules import catalogue
from compliance.followup.escalate import escalate_overdue
from compliance.followup.notify import digests
from compliance.registry.importer import import_folder
from compliance.settings import get_settings
from tests.engine.programme_fixture import PROGRAMME, report_rows, write_reports, write_rules
from tests.factories import TASKS, history, migrated_sqlite, run

ONE_OFF, YEARLY = f"{PROGRAMME}/1", f"{PROGRAMME}/2"


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    rules_dir = write_rules(tmp_path / "rules")
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(rules_dir))
    get_settings.cache_clear()
    engine = migrated_sqlite(tmp_path / "registry.db")
    import_folder(engine, write_reports(tmp_path / "first", report_rows(("1",))))
    yield engine
    engine.dispose()


def _rules() -> list[Any]:
    return [r for r in catalogue() if r.id in (ONE_OFF, YEARLY)]


def _task(engine: Engine, rule: str, unit: str, period: str = "") -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(TASKS).where(
                TASKS.c.rule == rule, TASKS.c.unit == unit, TASKS.c.period_key == period
            )
        ).one()


def test_a_run_opens_resolves_and_escalates_programme_tasks(
    registry: Engine, tmp_path: Path
) -> None:
    # 01/10/2023: the one-off item (due 30/09) is missing for B (late), C (in progress) and D;
    # the yearly item's 2022 for all four.
    first = run(registry, dt.date(2023, 10, 1), _rules())
    assert first.summary["opened"] == 3 + 4
    task = _task(registry, ONE_OFF, "Ban C")
    assert (task.status, task.responsible_kind) == ("open", "programme_lead")
    assert (task.responsible_code, task.assignee) == ("ban_c", "ban_c")
    assert task.due_on == dt.date(2023, 10, 16)
    assert task.title == "Ban C: 1. Nhiệm vụ số 1 của chương trình"
    assert task.facts["report_status"] == "in_progress"
    mail = {d.body_key: d for d in digests(registry, first.changes, first.as_of, first.run_id)}
    assert mail["ban_c"].body_label == "Ban C"
    assert "1. Nhiệm vụ số 1 của chương trình" in mail["ban_c"].text

    # C files its done report; B's late one (15/11) is dated before the next run: both resolve.
    write_reports(
        tmp_path / "second",
        [[PROGRAMME, "1", "", "Ban C", "18/11/2023", "Đã hoàn thành", "https://vb/c", ""]],
    )
    import_folder(registry, tmp_path / "second")
    second = run(registry, dt.date(2023, 11, 20), _rules())
    assert second.summary["resolved"] == 2 and second.summary["opened"] == 0
    resolved = _task(registry, ONE_OFF, "Ban C")
    assert resolved.status == "resolved"
    assert resolved.reason.startswith("Lần chạy #2 ngày 20/11/2023: ")
    assert "Tình hình thực hiện: đang thực hiện → đã hoàn thành" in resolved.reason
    assert "Ngày báo cáo hoàn thành: chưa có → 18/11/2023" in resolved.reason
    assert _task(registry, ONE_OFF, "Ban D").status == "open"

    # Overdue (due 16/10): D's task and the four 2022 ones go to the programme's issuer.
    escalated = escalate_overdue(registry, dt.date(2023, 11, 21), extension_days=15)
    assert escalated.count("escalated") == 5
    task = _task(registry, ONE_OFF, "Ban D")
    assert (task.status, task.escalation_level) == ("escalated", 1)
    assert (task.responsible_kind, task.responsible_code, task.assignee) == (
        "programme_issuer",
        "btv",
        "btv",
    )
    assert history(registry, task.id)[-1].note == (
        "Quá hạn 36 ngày; chuyển Ban D → Ban Thường vụ Tỉnh ủy Thử"
    )
    again = escalate_overdue(registry, dt.date(2023, 12, 7), extension_days=15)
    assert _task(registry, ONE_OFF, "Ban D").responsible_code == "btv"  # nowhere above it
    assert again.count("escalated") == 5

    # 15/01/2024 judges 2023; the 2022 tasks are judged again and stay (nobody reported 2022).
    third = run(registry, dt.date(2024, 1, 15), _rules())
    assert third.summary["opened"] == 4 and third.summary["resolved"] == 0
    assert _task(registry, YEARLY, "Ban A", "2022").status == "escalated"
    assert _task(registry, YEARLY, "Ban A", "2023").status == "open"
