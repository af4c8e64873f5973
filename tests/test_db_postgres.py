"""PostgreSQL sessions as the engine opens them: without JIT compilation (db._tune_postgres)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from tests.conftest import _postgres_engine


@pytest.fixture
def postgres() -> Iterator[Engine]:
    yield from _postgres_engine()


def test_every_pooled_session_runs_without_jit(postgres):
    with postgres.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar_one() == "off"
        conn.rollback()  # the first transaction's rollback does not undo the setting
        assert conn.execute(text("SHOW jit")).scalar_one() == "off"
    with postgres.connect() as first, postgres.connect() as second:  # a new connection too
        assert second.execute(text("SHOW jit")).scalar_one() == "off"
        assert first.execute(text("SELECT 1")).scalar_one() == 1
