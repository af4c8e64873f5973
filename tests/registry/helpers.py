"""Small deliveries written as real files, and whole-database snapshots to compare."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from compliance.registry.summary import STORED_TABLES

ENTERPRISE_HEADER = [
    "tax_code",
    "name",
    "sector",
    "province_code",
    "ward_code",
    "workers",
    "female_workers",
    "status",
    "registered_on",
]
UNION_HEADER = [
    "code",
    "name",
    "kind",
    "superior_code",
    "enterprise_tax_code",
    "province_code",
    "founded_on",
    "dissolved_on",
    "members",
    "female_members",
    "has_womens_committee",
]


def write_csv(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def enterprise(tax_code: str, workers: Any = 30, **overrides: Any) -> list[Any]:
    values = {
        "tax_code": tax_code,
        "name": f"Công ty TNHH {tax_code}",
        "sector": "non_state",
        "province_code": "80",
        "ward_code": "25000",
        "workers": workers,
        "female_workers": 0,
        "status": "active",
        "registered_on": "2015-03-01",
        **overrides,
    }
    return [values[c] for c in ENTERPRISE_HEADER]


def union(code: str, kind: str = "grassroots_union", **overrides: Any) -> list[Any]:
    values = {
        "code": code,
        "name": f"Công đoàn {code}",
        "kind": kind,
        "superior_code": None,
        "enterprise_tax_code": None,
        "province_code": "80",
        "founded_on": "2016-01-01",
        "dissolved_on": None,
        "members": 10,
        "female_members": 5,
        "has_womens_committee": "có",
        **overrides,
    }
    return [values[c] for c in UNION_HEADER]


def base_delivery(folder: Path) -> Path:
    """A federation, a direct-superior union, two enterprises and one grassroots union."""
    write_csv(
        folder,
        "enterprises",
        ENTERPRISE_HEADER,
        [enterprise("0300000001", 120), enterprise("0300000002", 24)],
    )
    write_csv(
        folder,
        "unions",
        UNION_HEADER,
        [
            union("LDLD-80", "provincial_federation"),
            union("KCN-80", "direct_superior_union", superior_code="LDLD-80"),
            union("CDCS-1", superior_code="KCN-80", enterprise_tax_code="0300000001"),
        ],
    )
    return folder


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of every registry table, sorted: equal snapshots, equal databases."""
    names = set(inspect(engine).get_table_names())
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in (*STORED_TABLES, "import_batches"):
            if table in names:
                rows = conn.execute(text(f"SELECT * FROM {table}")).all()
                result[table] = sorted((tuple(r) for r in rows), key=repr)
    return result


def fail_writing(monkeypatch: Any, table: str) -> None:
    """Make the import's write of ``table`` fail like a full disk, after the tables before it."""
    from compliance.registry import importer

    real = importer.store.upsert

    def failing(conn: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == table:
            raise RuntimeError("disk full")
        return real(conn, name, *args, **kwargs)

    monkeypatch.setattr(importer.store, "upsert", failing)
