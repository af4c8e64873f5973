"""A first import builds an empty table's indexes after its rows (SQLite), all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, inspect, text

from compliance import db
from compliance.registry.importer import import_folder
from tests.registry.helpers import (
    ENTERPRISE_HEADER,
    UNION_HEADER,
    enterprise,
    fail_writing,
    union,
    write_csv,
)

TABLES = ("enterprises", "unions", "union_superiors")


def _indexes(engine: Engine) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    found = inspect(engine)
    return {
        table: sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table))
        for table in TABLES
    }


def _delivery(folder):
    write_csv(folder, "enterprises", ENTERPRISE_HEADER, [enterprise("E1"), enterprise("E2")])
    write_csv(folder, "unions", UNION_HEADER, [union("G1", enterprise_tax_code="E1")])
    return folder


def test_a_first_import_keeps_every_index(engine, tmp_path):
    db.upgrade(engine)
    before = _indexes(engine)
    assert before["enterprises"], "the schema has secondary indexes to rebuild"
    import_folder(engine, _delivery(tmp_path / "d"), effective_date=dt.date(2026, 1, 1))
    assert _indexes(engine) == before
    with engine.connect() as conn:
        used = conn.execute(
            text("SELECT count(*) FROM enterprises WHERE province_code = '80'")
        ).scalar_one()
    assert used == 2


def test_a_failed_first_import_leaves_the_indexes_and_no_rows(engine, tmp_path, monkeypatch):
    db.upgrade(engine)
    before = _indexes(engine)
    fail_writing(monkeypatch, "unions")
    with pytest.raises(RuntimeError):
        import_folder(engine, _delivery(tmp_path / "d"), effective_date=dt.date(2026, 1, 1))
    assert _indexes(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one() == 0


def _analysed(engine: Engine) -> set[str]:
    """The tables the query planner has statistics for."""
    sql = (
        "SELECT DISTINCT tbl FROM sqlite_stat1"
        if engine.dialect.name == "sqlite"
        else "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()"
    )
    with engine.connect() as conn:
        if (
            engine.dialect.name == "sqlite"
            and not conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).first()
        ):
            return set()
        return {name for (name,) in conn.execute(text(sql))}


def test_an_import_leaves_the_planner_statistics_of_what_it_wrote(engine, tmp_path):
    db.upgrade(engine)
    assert not {"enterprises", "unions"} & _analysed(engine)
    import_folder(engine, _delivery(tmp_path / "d"), effective_date=dt.date(2026, 1, 1))
    assert {"enterprises", "unions"} <= _analysed(engine)
