"""Role × scope × endpoint: no request outside the caller's scope or role succeeds.

What is "inside" is computed here independently of ``compliance.review.scope`` (plain Python
over the registry rows and today's hierarchy), so a wrong SQL filter cannot agree with itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from compliance.settings import today
from tests.web.conftest import PASSWORD, Reviewed

ACCOUNTS = {
    "admin": ("admin", None),
    "operator80": ("operator", "80"),
    "inspector80": ("inspector", "80"),
    "viewer80": ("viewer", "80"),
    "inspector66": ("inspector", "66"),
    "inspector_dsu": ("inspector", "<dsu>"),
    "viewer_fed66": ("viewer", "<federation>"),
}


class Oracle:
    """Which tasks and units each scope holds, from the rows themselves."""

    def __init__(self, reviewed: Reviewed) -> None:
        day = today().isoformat()
        with reviewed.engine.connect() as conn:
            self.tasks = [
                dict(r) for r in conn.execute(text("SELECT * FROM follow_up_tasks")).mappings()
            ]
            spans = conn.execute(
                text(
                    "SELECT union_code, superior_code, valid_from, valid_until FROM union_superiors"
                )
            ).all()
            self.union_province = dict(
                conn.execute(text("SELECT code, province_code FROM unions")).all()
            )
            self.enterprise_union: dict[str, set[str]] = defaultdict(set)
            for code, tax_code in conn.execute(
                text(
                    "SELECT code, enterprise_tax_code FROM unions "
                    "WHERE enterprise_tax_code IS NOT NULL"
                )
            ):
                self.enterprise_union[tax_code].add(code)
            self.enterprise_province = dict(
                conn.execute(text("SELECT tax_code, province_code FROM enterprises")).all()
            )
            self.event_union = {
                row_id: union
                for table in ("complaints", "chair_elections")
                for row_id, union in conn.execute(text(f"SELECT id, union_code FROM {table}"))
            }
        self.children: dict[str, set[str]] = defaultdict(set)
        for union, superior, valid_from, valid_until in spans:
            start = str(valid_from) if valid_from else ""
            end = str(valid_until) if valid_until else "9999-12-31"
            if superior and start <= day < end:
                self.children[superior].add(union)
        self.scope_code = {
            "<dsu>": reviewed.direct_superior,
            "<federation>": reviewed.federation_66,
        }

    def resolve(self, scope: str | None) -> str | None:
        return self.scope_code.get(scope, scope) if scope else None

    def below(self, code: str) -> set[str]:
        seen, todo = {code}, [code]
        while todo:
            for child in self.children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    def owner_unions(self, unit: str) -> set[str]:
        if unit in self.union_province:
            return {unit}
        if unit in self.event_union:
            return {self.event_union[unit]}
        return self.enterprise_union.get(unit, set())

    def unit_province(self, unit: str) -> str | None:
        if unit in self.enterprise_province:
            return self.enterprise_province[unit]
        if unit in self.union_province:
            return self.union_province[unit]
        return self.union_province.get(self.event_union.get(unit, ""))

    def task_inside(self, scope: str | None, task: dict[str, Any]) -> bool:
        if scope is None:
            return True
        if scope in ("80", "66"):
            return task["province_code"] == scope
        below = self.below(scope)
        return task["responsible_code"] in below or bool(self.owner_unions(task["unit"]) & below)

    def unit_inside(self, scope: str | None, unit: str) -> bool:
        if scope is None:
            return True
        if scope in ("80", "66"):
            return self.unit_province(unit) == scope
        return bool(self.owner_unions(unit) & self.below(scope)) or any(
            t["unit"] == unit and self.task_inside(scope, t) for t in self.tasks
        )


@pytest.fixture(scope="module")
def oracle(reviewed: Reviewed) -> Oracle:
    return Oracle(reviewed)


def _all_pages(client: TestClient, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.get(
            path, params={"page": page, "status": "all"} if "tasks" in path else {"page": page}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if not body["items"] or len(items) >= body["total"]:
            return items
        page += 1


@pytest.mark.parametrize("name", list(ACCOUNTS))
def test_lists_hold_exactly_the_scope(
    name: str, client_for: Callable[..., TestClient], oracle: Oracle
) -> None:
    scope = oracle.resolve(ACCOUNTS[name][1])
    client = client_for(name)
    listed = {t["id"] for t in _all_pages(client, "/api/tasks")}
    expected = {t["id"] for t in oracle.tasks if oracle.task_inside(scope, t)}
    assert listed == expected
    assert expected, f"{name}: the fixture should give every scope some tasks"
    findings = _all_pages(client, "/api/findings")
    assert findings and all(oracle.unit_inside(scope, f["unit"]) for f in findings)
    if scope is not None:
        assert len(expected) < len(oracle.tasks)


@pytest.mark.parametrize("name", list(ACCOUNTS))
def test_nothing_outside_the_scope_succeeds(
    name: str, client_for: Callable[..., TestClient], oracle: Oracle
) -> None:
    role, raw_scope = ACCOUNTS[name]
    scope = oracle.resolve(raw_scope)
    client = client_for(name)
    outside = [t for t in oracle.tasks if not oracle.task_inside(scope, t)]
    inside = [t for t in oracle.tasks if oracle.task_inside(scope, t)]
    if scope is None:
        assert not outside
    for task in outside[:: max(1, len(outside) // 15)]:
        unit_out = not oracle.unit_inside(scope, task["unit"])
        calls = [
            client.get(f"/api/tasks/{task['id']}"),
            client.patch(f"/api/tasks/{task['id']}", json={"assignee": "kẻ lạ"}),
            client.post(
                f"/api/tasks/{task['id']}/decision",
                json={"decision": "dismiss", "reason": "ngoài phạm vi"},
            ),
            client.post(
                f"/tasks/{task['id']}",
                data={"assignee": "kẻ lạ", "csrf_token": client.headers["X-CSRF-Token"]},
            ),
        ]
        if unit_out:
            calls += [
                client.get(f"/api/units/{task['unit']}"),
                client.get("/api/decisions", params={"unit": task["unit"]}),
                client.get(f"/units/{task['unit']}", headers={"Accept": "text/html"}),
                client.post("/api/runs", json={"unit": task["unit"]}),
            ]
        for response in calls:
            assert response.status_code in (400, 403, 404), (
                name,
                response.request.url,
                response.text,
            )
    # Inside the scope the same calls answer, as far as the role allows.
    sample = inside[0]
    assert client.get(f"/api/tasks/{sample['id']}").status_code == 200
    assert client.get(f"/api/units/{sample['unit']}").status_code == 200
    assert (
        client.get(f"/units/{sample['unit']}", headers={"Accept": "text/html"}).status_code == 200
    )
    change = client.patch(f"/api/tasks/{sample['id']}", json={"assignee": f"cán bộ {name}"})
    assert change.status_code == (200 if role in ("admin", "inspector") else 403)
    decision = client.post(f"/api/tasks/{sample['id']}/decision", json={"decision": "confirm"})
    assert decision.status_code in ((200, 400) if role in ("admin", "inspector") else (403,))
    unknown = client.get("/api/units/KHONG-CO-DON-VI-NAY")
    assert unknown.status_code in (403, 404)


def test_outside_tasks_were_not_changed(
    client_for: Callable[..., TestClient], oracle: Oracle, reviewed: Reviewed
) -> None:
    """After every refused write above, no task carries the stranger's assignee."""
    with reviewed.engine.connect() as conn:
        strangers = conn.execute(
            text("SELECT count(*) FROM follow_up_tasks WHERE assignee = 'kẻ lạ'")
        ).scalar_one()
        refused_decisions = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE note = 'ngoài phạm vi'")
        ).scalar_one()
    assert strangers == 0
    assert refused_decisions == 0


ENDPOINTS = [
    ("GET", "/api/me"),
    ("GET", "/api/findings"),
    ("GET", "/api/tasks"),
    ("GET", "/api/tasks/1"),
    ("PATCH", "/api/tasks/1"),
    ("POST", "/api/tasks/1/decision"),
    ("GET", "/api/units/X"),
    ("GET", "/api/decisions"),
    ("POST", "/api/runs"),
    ("GET", "/api/runs/1"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_api_endpoint_needs_a_session(
    method: str, path: str, client_for: Callable[..., TestClient]
) -> None:
    response = client_for().request(method, path, json={})
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/", "/units", "/units/X", "/tasks", "/runs", "/audit"])
def test_every_page_sends_strangers_to_the_login(
    path: str, client_for: Callable[..., TestClient]
) -> None:
    response = client_for().get(path, headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_state_changes_need_the_csrf_token(
    client_for: Callable[..., TestClient], oracle: Oracle
) -> None:
    client = client_for("admin")
    task_id = oracle.tasks[0]["id"]
    token = client.headers.pop("X-CSRF-Token")
    assert client.patch(f"/api/tasks/{task_id}", json={"assignee": "x"}).status_code == 403
    assert client.post(f"/tasks/{task_id}", data={"assignee": "x"}).status_code == 403
    assert (
        client.post(f"/tasks/{task_id}", data={"assignee": "x", "csrf_token": "sai"}).status_code
        == 403
    )
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/me").status_code == 401


def test_roles_limit_what_an_account_may_do(
    client_for: Callable[..., TestClient], oracle: Oracle
) -> None:
    inside_80 = next(t for t in oracle.tasks if t["province_code"] == "80")
    viewer, operator, inspector = (client_for(n) for n in ("viewer80", "operator80", "inspector80"))
    for client in (viewer, operator):
        assert (
            client.post(
                f"/api/tasks/{inside_80['id']}/decision", json={"decision": "confirm"}
            ).status_code
            == 403
        )
    for client in (viewer, inspector):
        assert client.post("/api/runs", json={"unit": inside_80["unit"]}).status_code == 403


def test_wrong_passwords_lock_the_account_for_a_while(
    client_for: Callable[..., TestClient], reviewed: Reviewed
) -> None:
    from compliance.accounts import add_user

    add_user(reviewed.engine, "locked_out", "viewer", PASSWORD, "80")
    client = client_for()
    answers = [
        client.post("/login", data={"username": "locked_out", "password": "sai-mật-khẩu"})
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [401] * 5
    assert answers[0].json()["code"] == "account.wrong_password"
    # the right password no longer helps until the lock-out ends
    locked = client.post("/login", data={"username": "locked_out", "password": PASSWORD})
    assert locked.status_code == 429
    assert "tạm khóa" in locked.json()["detail"]
    assert locked.json()["code"] == "account.throttled_name"
