"""What the registry holds, for operators and for the round-trip tests."""

from __future__ import annotations

from sqlalchemy import Engine

from compliance.registry import store
from compliance.registry.contract import TABLES

STORED_TABLES = tuple("union_superiors" if t.name == "union_hierarchy" else t.name for t in TABLES)


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: store.count_rows(conn, name) for name in STORED_TABLES}
