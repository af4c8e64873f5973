"""A registry table is declared once, in the contract as data (registry/contract.py): the
SQLModel table and, through tests/test_migrations.py, the migrations must follow it."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.models.registry import SQLModel
from compliance.registry.contract import TABLES, Kind, Table

PYTHON_TYPE = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.PERIOD: str,
    Kind.PROGRAMME_PERIOD: str,
    Kind.COUNT: int,
    Kind.YEAR: int,
    Kind.AMOUNT: float,
    Kind.DATE: dt.date,
    Kind.BOOL: bool,
}
# An import format, not a table: its rows become effective-dated spans in union_superiors.
NOT_STORED_AS_IS = {"union_hierarchy"}
STORED = [t for t in TABLES if t.name not in NOT_STORED_AS_IS]


def test_every_contract_table_is_stored():
    assert {t.name for t in STORED} <= set(SQLModel.metadata.tables)


@pytest.mark.parametrize("table", STORED, ids=lambda t: t.name)
def test_the_model_has_the_contract_columns_with_their_kinds_and_key(table: Table) -> None:
    model = SQLModel.metadata.tables[table.name]
    declared = {c.name: c for c in table.columns if not c.extension}
    for name, column in declared.items():
        assert name in model.c, f"{table.name}.{name} is in the contract but not stored"
        sql_type = model.c[name].type
        stored = getattr(sql_type, "impl_instance", sql_type).python_type  # AutoString → String
        assert stored is PYTHON_TYPE[column.kind], (table.name, name, stored)
    key = tuple(c.name for c in model.primary_key.columns)
    assert set(table.key) <= set(key) or key == ("id",), (table.name, key, table.key)
    for name, column in declared.items():
        targets = {fk.column.table.name for fk in model.c[name].foreign_keys}
        if len(column.references) == 1:
            assert set(column.references) == targets, f"{table.name}.{name} → {column.references}"
        else:  # a code in one of several tables (events.unit_code): the import checks it
            assert not targets, f"{table.name}.{name} cannot have a foreign key to {targets}"
