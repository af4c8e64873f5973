"""Shared fixtures: a real registry database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from ``COMPLIANCE_TEST_POSTGRES_URL`` (``scripts/test`` starts a server and
sets it). Without it the PostgreSQL cases are skipped locally, and fail on CI, where the
variable must be set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from compliance import db
from compliance.settings import get_settings

POSTGRES_URL = os.environ.get("COMPLIANCE_TEST_POSTGRES_URL", "")


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Tests never read the developer's own database or .env, nor write reports into the
    checkout (whole runs write theirs to COMPLIANCE_REPORTS_DIR)."""
    monkeypatch.delenv("COMPLIANCE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COMPLIANCE_REPORTS_DIR", str(tmp_path / "reports"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("COMPLIANCE_TEST_POSTGRES_URL is not set on CI: run scripts/test")
        pytest.skip("no PostgreSQL server: run scripts/test, which starts one")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = db.make_engine(POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty registry database (schema not yet created)."""
    if request.param == "postgresql":
        yield from _postgres_engine()
        return
    engine = db.make_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    yield engine
    engine.dispose()
