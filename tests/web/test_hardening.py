"""One test per hole issue 17 found in the web UI (items 6–8): each failed before the fix.

Rendering that guessed types, unbounded input, login throttling that a success reset or a
header dodged, cookies that outlived logout, cross-origin forms, missing security headers,
reports anyone could start by GET.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from compliance.accounts import add_user
from compliance.cli import app as cli
from compliance.settings import get_settings
from compliance.web.app import create_app
from tests.web.conftest import PASSWORD, Reviewed, login, serving

HTML = {"Accept": "text/html"}


def _task(reviewed: Reviewed, offset: int) -> dict[str, Any]:
    """A task of province 80 no other test picks (they count from the lowest id)."""
    with reviewed.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT * FROM follow_up_tasks WHERE province_code = '80' AND status = 'open' "
                f"ORDER BY id DESC LIMIT 1 OFFSET {offset}"
            )
        ).mappings()
        found = row.first()
    assert found is not None
    return dict(found)


def _history(reviewed: Reviewed, task_id: int) -> tuple[int, int]:
    with reviewed.engine.connect() as conn:
        audit = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE task_id = :id"), {"id": task_id}
        ).scalar_one()
        events = conn.execute(
            text("SELECT count(*) FROM task_events WHERE task_id = :id"), {"id": task_id}
        ).scalar_one()
    return audit, events


def _client(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def _fail(client: TestClient, name: str) -> int:
    return client.post("/login", data={"username": name, "password": "sai-rồi"}).status_code


# -- item 6: rendering and query limits ------------------------------------------------------


def test_an_assignee_that_looks_like_a_date_never_breaks_the_audit_log(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    task = _task(reviewed, 0)
    inspector = client_for("inspector80")
    changed = inspector.patch(f"/api/tasks/{task['id']}", json={"assignee": "ABCD-EF-GH"})
    assert changed.status_code == 200
    for name in ("inspector80", "viewer80", "admin"):
        client = client_for(name)
        audit = client.get("/audit", headers=HTML)
        assert audit.status_code == 200 and "ABCD-EF-GH" in audit.text
        case = client.get(f"/units/{task['unit']}", headers=HTML)
        assert case.status_code == 200 and "ABCD-EF-GH" in case.text


def test_a_60_kb_search_is_refused_with_a_vietnamese_message(
    client_for: Callable[..., TestClient],
) -> None:
    client = client_for("viewer80")
    refused = client.get("/api/tasks", params={"q": "a" * 60_000})
    assert refused.status_code == 422
    assert refused.json()["code"] == "web.invalid_input"
    assert "tham số 'q' dài quá 200 ký tự" in refused.json()["detail"]
    page = client.get("/units", params={"q": "a" * 60_000}, headers=HTML)
    assert page.status_code == 422 and "dài quá 200 ký tự" in page.text
    assert client.get("/api/tasks", params={"q": "a" * 200}).status_code == 200


@pytest.mark.parametrize("task_id", [10**30, 2**31, -1, 0])
def test_a_task_id_out_of_range_is_refused(
    task_id: int, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    assert client.get(f"/api/tasks/{task_id}").status_code == 422
    assert client.patch(f"/api/tasks/{task_id}", json={"assignee": "x"}).status_code == 422
    page = client.post(f"/tasks/{task_id}", data={"assignee": "x"}, headers=HTML)
    assert page.status_code == 422 and "đường dẫn &#39;task_id&#39;" in page.text


# -- item 7: logins, sessions, origins, headers ---------------------------------------------


def test_a_successful_login_does_not_reset_the_failures_before_it(app_for: FastAPI) -> None:
    with _client(app_for, "192.0.2.71") as client:
        codes = [_fail(client, f"không-có-{i}") for i in range(19)]
        assert codes == [401] * 19
        login(client, "viewer80")  # one's own login in between
        assert _fail(client, "không-có-19") == 401  # the 20th failure
        assert _fail(client, "không-có-20") == 429
        held = client.post("/login", data={"username": "viewer80", "password": PASSWORD})
        assert held.status_code == 429 and "từ máy này" in held.json()["detail"]
        assert held.json()["code"] == "account.throttled_address"
        assert int(held.headers["Retry-After"]) > 0


def test_parallel_failures_cannot_race_past_the_limit(app_for: FastAPI) -> None:
    def attempt(i: int) -> int:
        with _client(app_for, "192.0.2.72") as client:
            return _fail(client, f"song-song-{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(32)))
    assert sorted(codes) == [401] * 20 + [429] * 12


def test_unknown_names_are_throttled_exactly_like_real_ones(
    reviewed: Reviewed, app_for: FastAPI
) -> None:
    add_user(reviewed.engine, "real_name_17", "viewer", PASSWORD, "80")
    answers = {}
    for name, address in (("real_name_17", "192.0.2.73"), ("no_such_name_17", "192.0.2.74")):
        with _client(app_for, address) as client:
            codes = [_fail(client, name) for _ in range(5)]
            sixth = client.post("/login", data={"username": name, "password": PASSWORD})
        assert codes == [401] * 5
        answers[name] = (sixth.status_code, re.sub(r"\d", "#", sixth.json()["detail"]))
    assert answers["real_name_17"] == answers["no_such_name_17"]
    assert answers["real_name_17"][0] == 429 and "tạm khóa" in answers["real_name_17"][1]


@pytest.fixture
def served(reviewed: Reviewed) -> Iterator[str]:
    """The app under uvicorn exactly as ``compliance serve`` starts it, on a loopback port."""
    from compliance.web.app import server_options

    with serving(reviewed.engine, **server_options()) as url:
        yield url


def test_x_forwarded_for_does_not_choose_the_counted_address(
    served: str, reviewed: Reviewed
) -> None:
    with httpx2.Client(base_url=served) as client:
        codes = [
            client.post(
                "/login",
                data={"username": f"xff-{i}", "password": "sai"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(22)
        ]
    assert codes[:20] == [401] * 20 and codes[20:] == [429, 429]
    with reviewed.engine.connect() as conn:  # counted under the connection's own address
        counted = conn.execute(
            text("SELECT failures FROM login_throttle WHERE key = 'address:127.0.0.1'")
        ).scalar_one()
    assert counted == 22


def test_a_trusted_proxy_is_believed_and_only_it(
    reviewed: Reviewed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLIANCE_TRUSTED_PROXIES", "10.0.0.0/8")
    get_settings.cache_clear()
    try:
        app = create_app(reviewed.engine)
    finally:
        monkeypatch.delenv("COMPLIANCE_TRUSTED_PROXIES")
        get_settings.cache_clear()
    forwarded = {"X-Forwarded-For": "192.0.2.75"}
    with _client(app, "10.1.2.3") as proxy, _client(app, "192.0.2.76") as stranger:
        codes = [
            proxy.post(
                "/login", data={"username": f"p-{i}", "password": "x"}, headers=forwarded
            ).status_code
            for i in range(21)
        ]
        assert codes[:20] == [401] * 20 and codes[20] == 429  # the client behind the proxy
        other = {"X-Forwarded-For": "192.0.2.77"}
        assert (
            proxy.post(
                "/login", data={"username": "p-x", "password": "x"}, headers=other
            ).status_code
            == 401
        )
        # not a proxy: its X-Forwarded-For names the held-back client, and is ignored
        assert (
            stranger.post(
                "/login", data={"username": "p-y", "password": "x"}, headers=forwarded
            ).status_code
            == 401
        )


def test_a_session_cookie_is_dead_after_logout(app_for: FastAPI) -> None:
    with TestClient(app_for) as client:
        token = login(client, "viewer80")
        cookie = client.cookies["compliance_session"]
        assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code == 204
    with TestClient(app_for, cookies={"compliance_session": cookie}) as replay:
        assert replay.get("/api/me").status_code == 401
        assert replay.get("/", headers=HTML, follow_redirects=False).status_code == 303


def test_a_session_cookie_is_dead_after_a_password_change(
    reviewed: Reviewed, app_for: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compliance.accounts import set_password

    add_user(reviewed.engine, "changes_password", "viewer", PASSWORD, "80")
    with TestClient(app_for) as client, TestClient(app_for) as other_device:
        login(client, "changes_password")
        login(other_device, "changes_password")
        set_password(reviewed.engine, "changes_password", "mật-khẩu-mới-đủ-dài")
        assert client.get("/api/me").status_code == 401
        assert other_device.get("/api/me").status_code == 401
        login(client, "changes_password", "mật-khẩu-mới-đủ-dài")
        assert client.get("/api/me").status_code == 200
        # and through the command line
        monkeypatch.setenv(
            "COMPLIANCE_DATABASE_URL", reviewed.engine.url.render_as_string(hide_password=False)
        )
        get_settings.cache_clear()
        result = CliRunner().invoke(
            cli,
            ["users", "password", "changes_password", "--password-stdin"],
            input="mật-khẩu-thứ-ba-đủ-dài\n",
        )
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert client.get("/api/me").status_code == 401


def test_a_cross_origin_login_is_refused(app_for: FastAPI) -> None:
    form = {"username": "viewer80", "password": PASSWORD}
    with TestClient(app_for) as client:
        for headers in (
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Referer": "https://evil.example/form.html"},
        ):
            refused = client.post("/login", data=form, headers=headers)
            assert refused.status_code == 403, headers
            assert refused.json()["code"] == "web.cross_origin"
            assert "trang web khác" in refused.json()["detail"]
        page = client.post("/login", data=form, headers={"Origin": "https://evil.example"} | HTML)
        assert page.status_code == 403 and "trang web khác" in page.text
        assert "compliance_session" not in client.cookies
        same = client.post("/login", data=form, headers={"Origin": "http://testserver"})
        assert same.status_code == 200


def test_a_cross_origin_change_is_refused_even_with_the_token(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    task = _task(reviewed, 1)
    client = client_for("inspector80")
    before = _history(reviewed, task["id"])
    refused = client.post(
        f"/tasks/{task['id']}",
        data={"assignee": "kẻ lạ"},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    assert _history(reviewed, task["id"]) == before


def test_every_response_carries_the_security_headers(
    client_for: Callable[..., TestClient],
) -> None:
    anonymous, viewer = client_for(), client_for("viewer80")
    answers = [
        anonymous.get("/login", headers=HTML),
        anonymous.get("/api/me"),
        anonymous.get("/static/app.css"),
        viewer.get("/", headers=HTML),
        viewer.get("/không-có", headers=HTML),
        viewer.get("/api/tasks", params={"page": "x"}),
        anonymous.post("/login", data={"username": "x"}, headers={"Origin": "https://e.example"}),
    ]
    for response in answers:
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, response.url
        assert "unsafe-inline" not in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


# -- item 8: sizes and heavy work ------------------------------------------------------------


def test_a_2_mb_assignee_is_refused_and_nothing_is_written(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    task = _task(reviewed, 2)
    client = client_for("inspector80")
    before = _history(reviewed, task["id"])
    huge = "A" * 2_000_000
    api = client.patch(f"/api/tasks/{task['id']}", json={"assignee": huge})
    assert api.status_code == 413 and api.json()["code"] == "web.body_too_large"
    form = client.post(f"/tasks/{task['id']}", data={"assignee": huge}, headers=HTML)
    assert form.status_code == 413 and "quá lớn" in form.text
    # under the body limit but over the field's
    long = client.patch(f"/api/tasks/{task['id']}", json={"assignee": "A" * 5_000})
    assert long.status_code == 422 and "dài quá 100 ký tự" in long.json()["detail"]
    note = client.post(
        f"/api/tasks/{task['id']}/decision", json={"decision": "confirm", "reason": "R" * 30_000}
    )
    assert note.status_code == 422
    assert _history(reviewed, task["id"]) == before
    with reviewed.engine.connect() as conn:
        assignee = conn.execute(
            text("SELECT assignee FROM follow_up_tasks WHERE id = :id"), {"id": task["id"]}
        ).scalar_one()
    assert assignee == task["assignee"]


def test_a_report_is_made_on_request_by_post_only_and_not_too_often(
    client_for: Callable[..., TestClient], app_for: FastAPI, tmp_path: Any
) -> None:
    viewer, admin, operator = (client_for(n) for n in ("viewer80", "admin", "operator80"))
    assert viewer.get("/reports/now", params={"format": "pdf"}).status_code == 405
    assert viewer.post("/reports/now", data={"format": "html"}).status_code == 403
    assert 'action="/reports/now"' not in viewer.get("/reports", headers=HTML).text
    cross = admin.post(
        "/reports/now", data={"format": "html"}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    made = admin.post("/reports/now", data={"format": "html", "province": "80"})
    assert made.status_code == 200 and "Tây Ninh" in made.text
    again = admin.post("/reports/now", data={"format": "html", "province": "80"})
    assert again.status_code == 429 and "hãy chờ" in again.json()["detail"]
    assert again.json()["code"] == "web.report_too_soon"
    assert int(again.headers["Retry-After"]) > 0
    gate = app_for.state.reports
    gate._busy.acquire()  # another report in the making
    try:
        busy = operator.post("/reports/now", data={"format": "html"})
    finally:
        gate._busy.release()
    assert busy.status_code == 429 and "báo cáo khác" in busy.json()["detail"]
    assert busy.json()["code"] == "web.report_busy"
