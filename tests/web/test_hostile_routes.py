"""Every route, every parameter, every role, hostile values: never a 500, never a traceback.

The routes are read from the application itself (path and query parameters, form fields, the
fields of JSON bodies, sub-dependencies included), so a route added later is walked too. Each
request carries one hostile value in one place and valid values everywhere else, so the value
reaches as deep as it can (a real task, a real unit, a real run request).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.routing import Mount

from compliance.review import runs
from compliance.settings import get_settings
from compliance.web.app import create_app
from tests.web.conftest import PASSWORD, Hostile, login

LONE_SURROGATE = "\ud800"
HOSTILE: dict[str, str] = {
    "60 KB": "x" * 60_000,
    "10**30": str(10**30),
    "negative": "-1",
    "zero": "0",
    "float": "1.5",
    "word": "abc",
    "RTL override": "\u202eabc",
    "zero-width": "a\u200bb\u200d",
    "NUL": "a\x00b",
    "%00": "%00",
    "emoji": "😀🇻🇳",
    "script": "<script>alert(1)</script>",
    "date-like": "ABCD-EF-GH",
    "impossible date": "2026-02-30",
    "LIKE wildcards": "%_\\",
    "traversal": "../../etc/passwd",
    "superscript digit": "²",
    "full-width digits": "１２",
    "lone surrogate": LONE_SURROGATE,
}
# A JSON body can also carry the wrong type altogether.
HOSTILE_JSON: dict[str, Any] = {
    **HOSTILE,
    "int 10**30": 10**30,
    "int -1": -1,
    "float": 1.5,
    "true": True,
    "null": None,
    "list": [],
    "object": {"a": 1},
}
ROLES = ("admin", "operator80", "inspector80", "viewer80", None)  # None: not logged in
REPORT = "bao-cao-80-2026-10-01.html"


def _encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@dataclass
class Route:
    method: str
    path: str
    path_params: list[str] = field(default_factory=list)
    query: list[str] = field(default_factory=list)
    form: list[str] = field(default_factory=list)
    json_fields: list[str] = field(default_factory=list)


def _collect(dependant: Any, route: Route) -> None:
    route.path_params += [p.alias for p in dependant.path_params]
    route.query += [p.alias for p in dependant.query_params]
    for body in dependant.body_params:
        annotation = body.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            route.json_fields += list(annotation.model_fields)
        else:
            route.form.append(body.alias)
    for sub in dependant.dependencies:
        _collect(sub, route)


def routes(app: FastAPI) -> list[Route]:
    found: list[Route] = []
    for context in iter_route_contexts(app.routes):
        original = context.original_route
        path = context.path or ""
        if isinstance(original, APIRoute):
            for method in sorted(original.methods):
                route = Route(method, path)
                _collect(original.dependant, route)
                found.append(route)
        elif isinstance(original, Mount):
            found.append(Route("GET", f"{path}/{{file}}", path_params=["file"]))
        else:
            found.append(Route("GET", path))
    return found


@dataclass
class Walk:
    app: FastAPI
    hostile: Hostile
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def base(self, route: Route) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
        """Valid values for every parameter: the path, the form, the JSON body."""
        path = {
            "task_id": str(self.hostile.task_id),
            "code": self.hostile.unit,
            "request_id": str(self.hostile.run_request),
            "name": REPORT,
            "file": "app.css",
        }
        form: dict[str, str] = {}
        if route.path == "/login":
            form = {"username": "không-có-ai", "password": "sai"}
        elif route.path.endswith("/decision"):
            form = {"decision": "confirm"}
        elif route.path == "/reports/now":
            form = {"format": "html"}
        body: dict[str, Any] = {"decision": "confirm"} if route.path.endswith("/decision") else {}
        return path, form, body if route.json_fields else {}

    def send(
        self,
        client: TestClient,
        route: Route,
        what: str,
        path: dict[str, str],
        query: dict[str, str],
        form: dict[str, str] | None,
        body: Any,
    ) -> None:
        url = route.path
        for name, value in path.items():
            url = url.replace(f"{{{name}}}", _encode(value))
        if query:
            url += "?" + "&".join(f"{_encode(k)}={_encode(v)}" for k, v in query.items())
        headers = {"Accept": "text/html"} if not url.startswith("/api/") else {}
        content: bytes | None = None
        if form is not None and route.form:
            content = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in form.items()).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif route.json_fields:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        response = client.request(route.method, url, content=content, headers=headers)
        self.requests += 1
        text = response.text
        if response.status_code >= 500 or "Traceback" in text or 'File "/' in text:
            self.failures.append(
                f"{route.method} {route.path} [{what}] → {response.status_code}: {text[:200]!r}"
            )

    def route(self, client: TestClient, route: Route) -> None:
        path, form, body = self.base(route)
        self.send(client, route, "valid", path, {}, form, body)
        for label, value in HOSTILE.items():
            for name in route.path_params:
                self.send(
                    client, route, f"path {name}={label}", path | {name: value}, {}, form, body
                )
            for name in route.query:
                self.send(client, route, f"query {name}={label}", path, {name: value}, form, body)
            for name in route.form:
                self.send(
                    client, route, f"form {name}={label}", path, {}, form | {name: value}, body
                )
        for label, value in HOSTILE_JSON.items():
            for name in route.json_fields:
                self.send(
                    client, route, f"json {name}={label}", path, {}, None, body | {name: value}
                )
        if route.json_fields:
            self.send(client, route, "json: not JSON", path, {}, None, b"{not json")
            self.send(client, route, "json: a list", path, {}, None, b"[1, 2]")


@pytest.fixture(scope="module")
def hostile_app(hostile: Hostile) -> FastAPI:
    return create_app(hostile.engine)


@pytest.fixture
def walk_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[list[int]]:
    """Reports made on request as often as the walk asks (each is small here); run requests are
    recorded but their flow processes not started: test_review starts a real one, and hundreds
    here would only load the machine."""
    monkeypatch.setenv("COMPLIANCE_REPORT_MIN_INTERVAL", "0")
    monkeypatch.setenv("COMPLIANCE_REPORTS_DIR", str(tmp_path))
    get_settings.cache_clear()
    started: list[int] = []
    monkeypatch.setattr(runs, "_start", lambda _engine, request_id: started.append(request_id))
    yield started
    get_settings.cache_clear()


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_to_hostile_input(
    role: str | None, hostile: Hostile, hostile_app: FastAPI, walk_settings: list[int]
) -> None:
    walk = Walk(hostile_app, hostile)
    # login failures are counted per address: the walk's own, so other tests are not held back
    address = f"198.51.100.{ROLES.index(role) + 1}"
    with TestClient(hostile_app, raise_server_exceptions=False, client=(address, 40000)) as client:
        if role is not None:
            client.headers["X-CSRF-Token"] = login(client, role, PASSWORD)
        walked = routes(hostile_app)
        assert {"/api/tasks/{task_id}", "/login", "/reports/now", "/static/{file}"} <= {
            r.path for r in walked
        }
        for route in walked:
            if route.path == "/logout":
                continue  # walked last: it ends the session
            walk.route(client, route)
        logout = next(r for r in walked if r.path == "/logout")
        walk.route(client, logout)
    assert walk.requests > 1_000
    assert walk.failures == [], "\n".join(walk.failures[:40])
