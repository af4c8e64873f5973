"""On PostgreSQL an import leaves planner statistics for the tables it filled
(store.refresh_statistics): the next command must not plan on guesses until autovacuum comes
round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from compliance import db
from compliance.registry.importer import import_folder
from tests.conftest import _postgres_engine
from tests.registry.helpers import (
    ENTERPRISE_HEADER,
    UNION_HEADER,
    enterprise,
    union,
    write_csv,
)


@pytest.fixture
def postgres() -> Iterator[Engine]:
    yield from _postgres_engine()


def _analyzed(engine: Engine) -> dict[str, float]:
    """reltuples: -1 until the table is analyzed (or vacuumed), then its row count."""
    query = "SELECT relname, reltuples FROM pg_class WHERE relname IN ('enterprises', 'unions')"
    with engine.connect() as conn:
        return dict(conn.execute(text(query)).tuples().all())


def test_a_first_import_analyzes_the_tables_it_filled(postgres, tmp_path):
    db.upgrade(postgres)
    assert _analyzed(postgres) == {"enterprises": -1, "unions": -1}
    rows = [enterprise(f"E{n}") for n in range(3)]
    write_csv(tmp_path / "d", "enterprises", ENTERPRISE_HEADER, rows)
    write_csv(tmp_path / "d", "unions", UNION_HEADER, [union("G1", enterprise_tax_code="E1")])
    import_folder(postgres, tmp_path / "d", effective_date=dt.date(2026, 1, 1))
    assert _analyzed(postgres) == {"enterprises": 3, "unions": 1}
