"""People's changes to a task on a real SQLite database: every manual move of the lifecycle
table from every status, and each refusal with its own code and nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from compliance.accounts import Account
from compliance.followup.errors import TaskError, TaskNotFound, TransitionNotAllowed
from compliance.followup.manage import get_task, update_task
from compliance.models.followup import TaskStatus
from compliance.review.decisions import decide
from compliance.settings import today
from tests.factories import audit_entries, history, insert_task, migrated_sqlite, task

ANY = [str(s) for s in TaskStatus]
ACTIVE = ("open", "in_progress", "escalated")
WAIVER = {"reason": "Đang sáp nhập", "approver": "Chủ nhiệm UBKT"}


def _until() -> dt.date:
    return today() + dt.timedelta(days=30)


# What a person asks for, as keyword arguments of update_task.
REQUESTS: dict[str, Any] = {
    "confirm": lambda: {"confirm": True},
    "start": lambda: {"status": "in_progress"},
    "reopen": lambda: {"status": "open"},
    "waive": lambda: {"status": "waived", "waived_until": _until(), **WAIVER},
    "dismiss": lambda: {"status": "dismissed", "reason": "Doanh nghiệp đã giải thể"},
}
# (from, request) → (to, history action); a pair that is not here is refused.
ALLOWED = {
    ("open", "confirm"): ("in_progress", "confirmed"),
    ("in_progress", "confirm"): ("in_progress", "confirmed"),
    ("escalated", "confirm"): ("escalated", "confirmed"),
    ("open", "start"): ("in_progress", "updated"),
    ("escalated", "start"): ("in_progress", "updated"),
    **{(s, "reopen"): ("open", "updated") for s in ANY},
    **{(s, "waive"): ("waived", "waived") for s in ANY},
    **{(s, "dismiss"): ("dismissed", "dismissed") for s in ANY},
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = migrated_sqlite(Path(tmp_path_factory.mktemp("manage")) / "tasks.db")
    yield engine
    engine.dispose()


def _task_in(engine: Engine, status: str) -> int:
    waived = {"waived_until": _until(), "reason": "cũ"} if status == "waived" else {}
    return insert_task(engine, status=status, **waived)


@pytest.mark.parametrize("request_name", list(REQUESTS))
@pytest.mark.parametrize("status", ANY)
def test_every_manual_move_from_every_status(engine: Engine, status: str, request_name: str):
    task_id = _task_in(engine, status)
    ask = REQUESTS[request_name]()
    expected = ALLOWED.get((status, request_name))
    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            update_task(engine, task_id, actor="ubkt", **ask)
        assert refused.value.code == "task.transition_not_allowed"
        assert task(engine, task_id).status == status
        assert history(engine, task_id) == [] and audit_entries(engine, task_id) == []
        return
    to, action = expected
    update_task(engine, task_id, actor="ubkt", **ask)
    row = task(engine, task_id)
    assert row.status == to
    [event] = history(engine, task_id)
    assert (event.action, event.actor) == (action, "ubkt")
    [audit] = audit_entries(engine, task_id)
    assert audit.action == action
    if to == "waived":
        assert row.waived_until == _until() and event.after["approver"] == WAIVER["approver"]
    else:
        assert row.waived_until is None or (status == "waived" and request_name == "confirm")


def test_confirming_keeps_the_reason_and_starting_clears_it(engine: Engine) -> None:
    confirmed = insert_task(engine, status="open", reason="lần chạy #1")
    update_task(engine, confirmed, actor="ubkt", confirm=True, reason="đã đối chiếu")
    assert task(engine, confirmed).reason == "lần chạy #1"
    assert history(engine, confirmed)[-1].note == "đã đối chiếu"
    started = insert_task(engine, status="open", reason="lần chạy #1")
    update_task(engine, started, actor="ubkt", status="in_progress")
    assert task(engine, started).reason is None


def test_assigning_is_not_a_move(engine: Engine) -> None:
    task_id = insert_task(engine, status="resolved")
    due = dt.date(2031, 1, 1)
    update_task(engine, task_id, actor="ubkt", assignee="Nguyễn Văn A", due_on=due)
    row = task(engine, task_id)
    assert (row.status, row.assignee, row.due_on) == ("resolved", "Nguyễn Văn A", due)
    [event] = history(engine, task_id)
    assert event.action == "updated" and event.before == {"assignee": "LDLD-80",
                                                          "due_on": "2030-01-01"}  # fmt: off


ACCOUNT = Account(1, "ubkt", "inspector", None)  # type: ignore[arg-type]


def _refusals() -> list[tuple[str, Any]]:
    """(code, a change that must be refused with it) — one per way a change can fail."""
    past = today()
    return [
        ("task.not_found", lambda e, t: update_task(e, 10**9, actor="a", status="open")),
        ("task.not_found", lambda e, t: get_task(e, 10**9)),
        ("task.resolved_by_run", lambda e, t: update_task(e, t, actor="a", status="resolved")),
        ("task.unknown_status", lambda e, t: update_task(e, t, actor="a", status="escalated")),
        ("task.unknown_status", lambda e, t: update_task(e, t, actor="a", status="xong")),
        ("task.reason_required", lambda e, t: update_task(
            e, t, actor="a", status="waived", waived_until=_until(), approver="b")),
        ("task.reason_required", lambda e, t: update_task(e, t, actor="a", status="dismissed")),
        ("task.waiver_needs_approver", lambda e, t: update_task(
            e, t, actor="a", status="waived", waived_until=_until(), reason="r")),
        ("task.waiver_needs_expiry", lambda e, t: update_task(
            e, t, actor="a", status="waived", **WAIVER)),
        ("task.waiver_expiry_in_past", lambda e, t: update_task(
            e, t, actor="a", status="waived", waived_until=past, **WAIVER)),
        ("task.confirm_with_status", lambda e, t: update_task(
            e, t, actor="a", status="open", confirm=True)),
        ("task.transition_not_allowed", lambda e, t: [
            update_task(e, t, actor="a", status="in_progress") for _ in range(2)]),
        ("task.no_change", lambda e, t: update_task(e, t, actor="a")),
        ("task.unknown_decision", lambda e, t: decide(e, t, ACCOUNT, "approve")),
        ("task.invalid_expiry_date", lambda e, t: decide(
            e, t, ACCOUNT, "waive", reason="r", approver="b", until="31/12/2026")),
    ]  # fmt: off


@pytest.mark.parametrize(("code", "change"), _refusals(), ids=[c for c, _ in _refusals()])
def test_each_refusal_has_its_own_code_and_writes_nothing(engine: Engine, code: str, change):
    task_id = insert_task(engine, status="open")
    with pytest.raises(TaskError) as refused:
        change(engine, task_id)
    assert refused.value.code == code
    assert isinstance(refused.value, TaskNotFound) == (code == "task.not_found")
    assert str(refused.value) and "--" not in str(refused.value)
    events = history(engine, task_id)
    if code == "task.transition_not_allowed":  # the first start went through; the second not
        assert [e.action for e in events] == ["updated"]
    else:
        assert events == [] and task(engine, task_id).status == "open"


def test_every_failure_code_is_distinct() -> None:
    codes = {code for code, _ in _refusals()}
    # Thirteen places refused with one code before; "not found" is one failure raised in two.
    assert len(codes) == 12 and "task.invalid_change" not in codes
