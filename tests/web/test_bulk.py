"""Bulk changes on the task board (issue 16.7): one audit entry per task, each refusal named."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from compliance.messages import message
from compliance.models.followup import TaskStatus
from compliance.review.bulk import from_statuses
from tests.web.conftest import Reviewed

HTML = {"Accept": "text/html"}


def _tasks(reviewed: Reviewed, rule: str, province: str = "66", count: int = 4) -> list[int]:
    """Open tasks of a rule no other test changes (each test here names its own)."""
    with reviewed.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT id FROM follow_up_tasks WHERE status = 'open' AND rule = :rule "
                     "AND province_code = :province ORDER BY id LIMIT :count"),
                {"rule": rule, "province": province, "count": count},
            ).scalars()
        )  # fmt: off


def _audit(reviewed: Reviewed, ids: list[int]) -> dict[int, list[Any]]:
    with reviewed.engine.connect() as conn:
        rows = conn.execute(text("SELECT task_id, actor, action FROM audit_log ORDER BY id")).all()
    return {i: [(r.actor, r.action) for r in rows if r.task_id == i] for i in ids}


def _status(reviewed: Reviewed, task_id: int) -> tuple[str, str | None]:
    with reviewed.engine.connect() as conn:
        row = conn.execute(
            text("SELECT status, assignee FROM follow_up_tasks WHERE id = :id"), {"id": task_id}
        ).one()
    return row.status, row.assignee


def test_a_bulk_status_change_writes_one_audit_entry_per_task_and_names_each_refusal(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector66")
    ids = _tasks(reviewed, "party.introduction")
    outside = _tasks(reviewed, "party.introduction", province="80", count=1)[0]
    dismissed = ids[-1]
    done = client.patch(f"/api/tasks/{dismissed}", json={"status": "dismissed", "reason": "Trùng"})
    assert done.status_code == 200, done.text
    before = _audit(reviewed, [*ids, outside])

    answer = client.post("/api/tasks/bulk", json={"ids": [*ids, outside], "status": "in_progress"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["changed"] == ids[:-1]
    refused = {r["id"]: r for r in body["refused"]}
    assert set(refused) == {dismissed, outside}
    assert refused[dismissed]["code"] == "task.transition_not_allowed"
    assert "bác bỏ" in refused[dismissed]["detail"]  # why, in Vietnamese
    assert refused[dismissed]["unit_name"]  # named, not only numbered
    assert refused[outside]["code"] == "task.not_in_scope"
    assert refused[outside]["unit"] is None  # nothing told about a task outside the scope
    done = message("task.bulk_done", changed=3)
    refusal = message("task.bulk_refused", refused=2, tasks="")
    assert body["summary"].startswith(f"{done} {refusal}")
    assert f"#{dismissed} {refused[dismissed]['unit_name']}:" in body["summary"]

    after = _audit(reviewed, [*ids, outside])
    for task_id in ids[:-1]:
        assert after[task_id][len(before[task_id]) :] == [("inspector66", "updated")]
        assert _status(reviewed, task_id)[0] == "in_progress"
    assert after[dismissed] == before[dismissed] and after[outside] == before[outside]
    assert _status(reviewed, dismissed)[0] == "dismissed"
    assert _status(reviewed, outside)[0] == "open"


def test_a_bulk_assignment_to_a_body(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector66")
    ids = _tasks(reviewed, "training.new_chair", count=3)
    before = _audit(reviewed, ids)
    answer = client.post("/api/tasks/bulk", json={"ids": ids, "assignee": reviewed.direct_superior})
    assert answer.status_code == 200 and answer.json()["changed"] == ids, answer.text
    after = _audit(reviewed, ids)
    for task_id in ids:
        assert _status(reviewed, task_id) == ("open", reviewed.direct_superior)
        assert len(after[task_id]) == len(before[task_id]) + 1


def test_a_bulk_change_needs_tasks_a_change_a_reviewer_and_the_csrf_token(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    ids = _tasks(reviewed, "rating.annual", count=2)
    client = client_for("inspector66")
    nothing = client.post("/api/tasks/bulk", json={"ids": ids})
    assert nothing.status_code == 400 and nothing.json()["code"] == "task.bulk_no_change"
    empty = client.post("/api/tasks/bulk", json={"ids": [], "status": "in_progress"})
    assert empty.status_code == 422 and "ids" in empty.json()["detail"]
    many = client.post("/api/tasks/bulk", json={"ids": list(range(1, 502)), "status": "open"})
    assert many.status_code == 422
    viewer = client_for("viewer80")
    assert viewer.post("/api/tasks/bulk", json={"ids": ids, "status": "open"}).status_code == 403
    stranger = client_for("inspector66")
    del stranger.headers["X-CSRF-Token"]
    assert stranger.post("/api/tasks/bulk", json={"ids": ids, "status": "open"}).status_code == 403
    assert all(_status(reviewed, i) == ("open", _status(reviewed, i)[1]) for i in ids)


def test_the_bulk_form_changes_only_what_was_confirmed(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector66")
    client.follow_redirects = False
    token = client.headers.pop("X-CSRF-Token")
    ids = _tasks(reviewed, "womens_committee.established", count=3)
    form: dict[str, Any] = {"csrf_token": token, "ids": ids, "status": "in_progress"}
    back = "/tasks?view=table&rule=womens_committee.established"

    unconfirmed = client.post("/tasks/bulk", data={**form, "confirmed": 2, "back": back})
    assert unconfirmed.status_code == 303 and unconfirmed.headers["location"] == back
    page = client.get(back, headers=HTML).text
    assert message("task.bulk_unconfirmed", chosen=3) in page
    assert all(_status(reviewed, i)[0] == "open" for i in ids)

    none = client.post("/tasks/bulk", data={"csrf_token": token, "status": "open", "back": back})
    assert none.status_code == 303
    assert message("task.bulk_nothing_chosen") in client.get(back, headers=HTML).text

    done = client.post("/tasks/bulk", data={**form, "confirmed": 3, "back": back})
    assert done.status_code == 303
    page = client.get(back, headers=HTML).text
    assert message("task.bulk_done", changed=3) in page
    assert all(_status(reviewed, i)[0] == "in_progress" for i in ids)
    again = client.post("/tasks/bulk", data={**form, "confirmed": 3, "back": back})
    assert again.status_code == 303
    page = html.unescape(client.get(back, headers=HTML).text)
    refused = message("task.bulk_refused", refused=3, tasks=f"#{ids[0]} ")
    assert refused in page  # each named, with why
    stranger = client_for("inspector66")
    del stranger.headers["X-CSRF-Token"]  # the form's field only, and a wrong one
    forged = stranger.post("/tasks/bulk", data={**form, "csrf_token": "sai", "confirmed": 3})
    assert forged.status_code == 403


def test_the_form_offers_only_statuses_every_selected_task_can_take(
    client_for: Callable[..., TestClient],
) -> None:
    assert from_statuses(TaskStatus.IN_PROGRESS) == ["open", "escalated"]
    assert "resolved" in from_statuses(TaskStatus.DISMISSED)
    page = client_for("inspector80").get("/tasks", params={"view": "table"}, headers=HTML).text
    assert '<option value="in_progress" data-from="open escalated">' in page
    assert (
        'value="resolved"' not in page.split('data-testid="bulk-status"')[1].split("</select>")[0]
    )
