"""Lists that scale (issue 16.7): flagged units grouped by unit, sorted on the server, filtered
like tasks; the task board's table with its filters and pages."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from compliance.folding import fold
from compliance.review.grouped import SORT_KEYS, STATUS_ORDER
from compliance.review.queries import SEVERITY_ORDER
from compliance.settings import today
from tests.web.conftest import Reviewed

HTML = {"Accept": "text/html"}


def _all(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = client.get(path, params={**params, "page": page})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


def test_one_row_per_unit_with_all_its_findings(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    units = _all(client, "/api/units", status="all")
    tasks = _all(client, "/api/tasks", status="all")
    assert len(units) == len({u["unit"] for u in units})  # each unit once
    per_unit = Counter(t["unit"] for t in tasks)
    assert {u["unit"]: u["tasks"] for u in units} == dict(per_unit)
    busiest = max(units, key=lambda u: u["tasks"])
    assert busiest["tasks"] > 1  # a unit with several tasks is still one row
    own = [t for t in tasks if t["unit"] == busiest["unit"]]
    assert busiest["rules"] == dict(Counter(t["rule"] for t in own))
    assert busiest["first_due"] == min(t["due_on"] for t in own if t["due_on"])
    assert busiest["superior_name"] and busiest["province_code"] == "80"
    page = html.unescape(client.get("/units", params={"status": "all"}, headers=HTML).text)
    assert f"{len(units):,}".replace(",", ".") + " đơn vị" in page


def _sort_value(unit: dict[str, Any], key: str) -> Any:
    return {
        "unit": lambda: fold(unit["unit_name"] or unit["unit"]),
        "rules": lambda: len(unit["rules"]),
        "status": lambda: min(STATUS_ORDER[s] for s in unit["statuses"]),  # type: ignore[index]
        "tasks": lambda: unit["tasks"],
        "severity": lambda: SEVERITY_ORDER[unit["severity"]],
        "due": lambda: unit["first_due"],
        "superior": lambda: fold(unit["superior_name"] or unit["superior_code"] or "") or None,
        "province": lambda: unit["province_code"],
    }[key]()


@pytest.mark.parametrize("key", SORT_KEYS)
def test_every_column_sorts_on_the_server_both_ways(
    key: str, reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector66" if key == "province" else "admin")
    for direction in ("asc", "desc"):
        answer = client.get("/api/units", params={"status": "all", "sort": key, "dir": direction})
        assert answer.status_code == 200, answer.text
        values = [_sort_value(u, key) for u in answer.json()["items"]]
        known = [v for v in values if v is not None]  # the unknown last, either way
        assert values == known + [None] * (len(values) - len(known)), (key, direction)
        assert known == sorted(known, reverse=direction == "desc"), (key, direction)
    page = html.unescape(
        client.get("/units", params={"sort": key, "dir": "desc"}, headers=HTML).text
    )
    assert f'aria-sort="descending"><a href="/units?sort={key}&dir=asc"' in page
    assert f"/units/export.csv?sort={key}&dir=desc" in page  # the export keeps the order
    assert page.count('aria-sort="none"') == len(SORT_KEYS) - 1


def test_a_sort_that_does_not_exist_is_refused_in_vietnamese(
    client_for: Callable[..., TestClient],
) -> None:
    refused = client_for("viewer80").get("/api/units", params={"sort": "drop table"})
    assert refused.status_code == 422 and refused.json()["code"] == "web.invalid_input"
    assert "chỉ nhận" in refused.json()["detail"] and "sort" in refused.json()["detail"]


def _count(reviewed: Reviewed, where: str, **values: Any) -> int:
    with reviewed.engine.connect() as conn:
        return conn.execute(
            text(f"SELECT count(*) FROM follow_up_tasks WHERE province_code = '80' AND {where}"),
            values,
        ).scalar_one()


def test_overdue_due_before_and_assignee_by_name_filter_tasks_and_units(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("viewer80")
    active = "status IN ('open', 'in_progress', 'escalated')"
    overdue = _count(reviewed, f"{active} AND due_on < :today", today=today())
    assert client.get("/api/tasks", params={"overdue": "1"}).json()["total"] == overdue
    units = _all(client, "/api/units", overdue="1")
    assert sum(u["overdue"] for u in units) == overdue == sum(u["tasks"] for u in units)
    day = dt.date(2026, 11, 1)
    before = _count(reviewed, f"{active} AND due_on < :day", day=day)
    assert 0 < before < _count(reviewed, active)  # the filter narrows, and keeps some
    got = client.get("/api/tasks", params={"due_before": day.isoformat()}).json()
    assert got["total"] == before

    with reviewed.engine.connect() as conn:
        code, name = conn.execute(
            text("SELECT u.code, u.name FROM follow_up_tasks t JOIN unions u ON u.code = "
                 "t.assignee WHERE t.province_code = '80' GROUP BY u.code, u.name "
                 "ORDER BY count(*) DESC LIMIT 1")
        ).one()  # fmt: off
    expected = _count(reviewed, f"{active} AND assignee = :code", code=code)
    for typed in (name, fold(name), name.upper(), code):  # as typed, without diacritics, code
        found = client.get("/api/tasks", params={"assignee": typed}).json()
        assert found["total"] == expected, typed
    assert client.get("/api/tasks", params={"assignee": code[:-1]}).json()["total"] == 0
    # The type-ahead offers names, not codes, asked for when the field is used (not in the page)
    board = html.unescape(client.get("/tasks", headers=HTML).text)
    assert 'data-choices="/api/choices/assignees"' in board
    assert f'<option value="{name}">' not in board
    offered = client.get("/api/choices/assignees").json()
    assert {"value": code, "label": name} in offered


def test_the_task_table_pages_with_its_total_and_marks_every_due_date(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    total = client.get("/api/tasks").json()["total"]
    assert total > 60  # many tasks: the table is the default view
    page = html.unescape(client.get("/tasks", headers=HTML).text)
    assert 'data-view="table"' in page and 'data-testid="tasks-table"' in page
    assert f"25 / {total:,} việc".replace(",", ".") in page
    assert page.count('data-testid="task-row"') == 25 == page.count('data-testid="due"')
    overdue = client.get("/tasks", params={"overdue": "1", "view": "table"}, headers=HTML).text
    rows = overdue.count('data-testid="task-row"')
    assert rows and overdue.count('data-testid="overdue-mark"') == rows
    board = html.unescape(client.get("/tasks", params={"view": "board"}, headers=HTML).text)
    assert 'data-view="board"' in board and 'data-testid="tasks-table"' not in board
    cards = board.count('data-testid="card"')
    assert cards and board.count('data-testid="due"') == cards  # a due date on every card
    assert 'data-testid="tab-open"' in board and 'data-testid="tab-in_progress"' in board
    second = client.get("/tasks", params={"view": "board", "column": "in_progress"}, headers=HTML)
    assert 'class="column other" aria-labelledby="col-open"' in second.text
    assert client.get("/tasks", params={"view": "list"}, headers=HTML).status_code == 422
