"""A reviewed registry for the web tests: two generated provinces, a recorded run, accounts.

Built once per database kind (SQLite, PostgreSQL) and shared by the module's tests; tests that
decide on tasks pick tasks no other test touches.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from compliance import db
from compliance.accounts import add_user
from compliance.engine.evaluate import evaluate
from compliance.followup.sync import RunOrder, record_and_sync
from compliance.generate import GenerateOptions, generate_registry
from compliance.models.accounts import RunRequest as RunRequestRow
from compliance.models.followup import FollowUpTask
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules
from compliance.web.app import create_app
from tests.conftest import _postgres_engine

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AS_OF = dt.date(2026, 10, 1)
PASSWORD = "mật-khẩu-đủ-dài"
PROVINCES = ("80", "66")


@dataclass(frozen=True)
class Reviewed:
    engine: Engine
    direct_superior: str  # a direct-superior union in province 66 with tasks under it
    federation_66: str


def _build(engine: Engine, folder: Path) -> Reviewed:
    db.upgrade(engine)
    generate_registry(folder, GenerateOptions(provinces=PROVINCES, enterprises=1_500))
    import_folder(engine, folder, effective_date=AS_OF)
    rules = load_rules()
    with engine.connect() as conn:
        findings = evaluate(conn, rules, AS_OF)
    record_and_sync(engine, rules, findings, RunOrder(as_of=AS_OF))
    tasks = FollowUpTask.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        dsu = conn.execute(
            text(
                "SELECT t.responsible_code FROM follow_up_tasks t JOIN unions u "
                "ON u.code = t.responsible_code WHERE u.kind = 'direct_superior_union' "
                "AND t.province_code = '66' GROUP BY t.responsible_code "
                "ORDER BY count(*) DESC, t.responsible_code LIMIT 1"
            )
        ).scalar_one()
        federation = conn.execute(
            text("SELECT code FROM unions WHERE kind = 'provincial_federation' "
                 "AND province_code = '66'")
        ).scalar_one()  # fmt: off
        assert conn.execute(select(tasks.c.id)).first() is not None
    accounts = [
        ("admin", "admin", None),
        ("operator80", "operator", "80"),
        ("inspector80", "inspector", "80"),
        ("viewer80", "viewer", "80"),
        ("inspector66", "inspector", "66"),
        ("inspector_dsu", "inspector", dsu),
        ("viewer_fed66", "viewer", federation),
    ]
    for name, role, scope in accounts:
        add_user(engine, name, role, PASSWORD, scope)
    return Reviewed(engine, dsu, federation)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def reviewed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Reviewed]:
    folder = tmp_path_factory.mktemp("review")
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{folder / 'review.db'}")
        yield _build(engine, folder / "delivery")
        engine.dispose()
        return
    with contextmanager(_postgres_engine)() as engine:
        yield _build(engine, folder / "delivery")


@pytest.fixture(scope="session")
def sqlite_reviewed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Reviewed]:
    """The browser tests' database (one kind is enough for what a browser adds)."""
    folder = tmp_path_factory.mktemp("review-browser")
    engine = db.make_engine(f"sqlite:///{folder / 'review.db'}")
    yield _build(engine, folder / "delivery")
    engine.dispose()


@pytest.fixture(scope="session")
def app_for(reviewed: Reviewed):  # type: ignore[no-untyped-def]
    return create_app(reviewed.engine)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the API; returns the CSRF token for state-changing calls."""
    response = client.post("/login", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]


@pytest.fixture
def client_for(app_for):  # type: ignore[no-untyped-def]
    """A new client (its own cookie jar) per account: ``client_for("inspector80")``."""
    clients: list[TestClient] = []

    def make(name: str | None = None) -> TestClient:
        client = TestClient(app_for)
        clients.append(client)
        if name is not None:
            client.headers["X-CSRF-Token"] = login(client, name)
        return client

    yield make
    for client in clients:
        client.close()


# -- a registry whose names are hostile -------------------------------------------------------

# Each sets window.__xss if it ever runs; the browser test checks the flag stays unset.
XSS = (
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    '"><svg onload="window.__xss=1">',
    "javascript:window.__xss=1",
)
HOSTILE_NAMES = (
    "ABCD-EF-GH",  # looks like a date to a renderer that guesses
    *XSS,
    "\u202eRTL override gnp.exe",
    "zero\u200bwidth\u200djoiner",
    "😀🇻🇳 emoji",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "9999-99-99",
    "2026-02-30",
    "Ａ" * 3_000,  # very long, and wide
)
HOSTILE_ADMIN = '<img src=x onerror="window.__xss=1">'  # an account name, shown in every page


@dataclass(frozen=True)
class Hostile:
    engine: Engine
    task_id: int  # a task of province 80 whose history holds hostile values
    unit: str  # its unit, named hostilely
    run_request: int


def _build_hostile(engine: Engine, folder: Path) -> Hostile:
    from compliance.followup.manage import update_task

    db.upgrade(engine)
    generate_registry(folder, GenerateOptions(provinces=("80",), enterprises=300))
    import_folder(engine, folder, effective_date=AS_OF)
    rules = load_rules()
    with engine.connect() as conn:
        flagged = sorted({f.unit for f in evaluate(conn, rules, AS_OF)})
    with db.writing(engine) as conn:  # the flagged units get the hostile names
        for table, key in (("enterprises", "tax_code"), ("unions", "code")):
            codes = set(conn.execute(text(f"SELECT {key} FROM {table}")).scalars())
            chosen = [u for u in flagged if u in codes]
            for code, name in zip(chosen, HOSTILE_NAMES, strict=False):
                conn.execute(
                    text(f"UPDATE {table} SET name = :name WHERE {key} = :code"),
                    {"name": name, "code": code},
                )
    with engine.connect() as conn:
        findings = evaluate(conn, rules, AS_OF)
    record_and_sync(engine, rules, findings, RunOrder(as_of=AS_OF))
    with engine.connect() as conn:
        task_id, unit = conn.execute(
            text(
                "SELECT t.id, t.unit FROM follow_up_tasks t JOIN enterprises e "
                "ON e.tax_code = t.unit WHERE e.name = 'ABCD-EF-GH' ORDER BY t.id LIMIT 1"
            )
        ).one()
    for name, role in (
        ("admin", "admin"),
        ("operator80", "operator"),
        ("inspector80", "inspector"),
        ("viewer80", "viewer"),
        (HOSTILE_ADMIN, "admin"),
    ):
        add_user(engine, name, role, PASSWORD, None if role == "admin" else "80")
    for assignee in HOSTILE_NAMES:
        update_task(engine, task_id, actor=HOSTILE_ADMIN, assignee=assignee, reason=assignee)
    # A request naming a hostile rule is refused now (followup.guard); one stored before that
    # (or written by hand) must still render as text everywhere.
    requests = RunRequestRow.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        run_request = conn.execute(
            requests.insert().values(
                requested_by=HOSTILE_ADMIN,
                requested_at=dt.datetime.now(dt.UTC),
                as_of=AS_OF,
                scope={"units": [unit], "rules": [XSS[0]], "province": None},
                status="queued",
            )
        ).inserted_primary_key[0]
    return Hostile(engine, task_id, unit, run_request)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def hostile(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hostile]:
    folder = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{folder / 'hostile.db'}")
        yield _build_hostile(engine, folder / "delivery")
        engine.dispose()
        return
    with contextmanager(_postgres_engine)() as engine:
        yield _build_hostile(engine, folder / "delivery")


@contextmanager
def serving(engine: Engine, **options: Any) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, as ``compliance serve`` runs it (pass
    ``**server_options()`` for its exact settings); yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(engine), host="127.0.0.1", port=port, log_level="warning", **options
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def csp_checked_page(browser: Browser, **context: Any) -> Iterator[Page]:
    """A page (a new Vietnamese browser context, ``context`` its options) whose console must
    stay free of Content-Security-Policy violations: everything the UI does (htmx included)
    works without inline script or style."""
    opened = browser.new_context(locale="vi-VN", **context)
    page = opened.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    opened.close()
    assert violations == [], violations
