"""How the web answers a refused task change: "not found" is a 404, every other refusal a 400,
both with the stable code and the Vietnamese text."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from compliance.followup.errors import TaskError, TaskNotFound, TransitionNotAllowed
from compliance.web.app import create_app
from tests.factories import migrated_sqlite


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (TaskNotFound(7), 404, "task.not_found"),
        (TransitionNotAllowed("đã khắc phục", "xác nhận"), 400, "task.transition_not_allowed"),
        (TaskError("task.reason_required", change="Bác bỏ"), 400, "task.reason_required"),
    ],
)
def test_refused_task_changes_keep_their_code_and_status(
    tmp_path: Path, error: TaskError, status: int, code: str
) -> None:
    app = create_app(migrated_sqlite(tmp_path / "web.db"))

    def refuse() -> None:
        raise error

    app.add_api_route("/api/test-refusal", refuse)
    with TestClient(app) as client:
        answer = client.get("/api/test-refusal")
    assert answer.status_code == status
    assert answer.json() == {"detail": str(error), "code": code}
    assert "--" not in answer.json()["detail"]
