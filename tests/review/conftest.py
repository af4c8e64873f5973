"""One small generated registry (two provinces, a few hundred enterprises), run once, read by
every review test: the queries only read, so the tests share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.factories import generated_and_run, migrated_sqlite

AS_OF = dt.date(2026, 10, 1)
PROVINCES = ("80", "66")


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("review")
    engine = migrated_sqlite(folder / "registry.db")
    outcome = generated_and_run(engine, folder / "delivery", PROVINCES, 400, AS_OF)
    assert outcome.summary["opened"] > 0
    yield engine
    engine.dispose()
